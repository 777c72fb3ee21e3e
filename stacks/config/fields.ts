import { z } from "zod";
import { quartzCronProblem } from "./quartz-cron";

/** Field schemas shared by every section of `environments/<name>.yaml`, so each rule and its message exist once. */

export const identifier = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,254}$/, "expected a lower-case Unity Catalog name (letters, digits, _)");

/** A group name or a service principal application id; never a user e-mail (UC best practice). */
export const principal = z
  .string()
  .min(1)
  .refine((v) => !v.includes("@"), "expected a group or service principal, not a user e-mail");

export const applicationId = z.uuid("expected a service principal application id (UUID)");

/** Validated field by field (syntax and range), see quartz-cron.ts. */
export const quartzCron = z.string().superRefine((value, ctx) => {
  const problem = quartzCronProblem(value);
  if (problem) ctx.addIssue({ code: "custom", message: problem, input: value });
});

/**
 * Databricks resolves schedules with a "Java timezone ID" (Jobs API `timezone_id`,
 * https://docs.databricks.com/api/workspace/jobs/create; Java's ZoneId reads the IANA tz database).
 * Accepted: what Intl (ICU's copy of the IANA database) knows, spelled as IANA spells it - Java's
 * ids are case-sensitive and an unknown id silently becomes GMT, so `utc` or `Mars/Olympus` are
 * refused here rather than scheduled at the wrong hour. This admits region ids (`Europe/Paris`),
 * their backward-compatible links (`US/Pacific`), `UTC`, `GMT` and `Etc/GMT+5`, all of which Java
 * accepts; offsets such as `+01:00` are not ids and are refused.
 */
export function isTimezoneId(value: string): boolean {
  if (value.length > 64 || !/^[A-Z][A-Za-z0-9_+-]{0,31}(?:\/[A-Za-z0-9_+-]{1,31}){0,2}$/.test(value)) return false;
  // Building an Intl formatter loads ICU zone data (~1 ms); every schedule of every file names one
  let known = timezoneVerdicts.get(value);
  if (known === undefined) {
    try {
      new Intl.DateTimeFormat("en-US", { timeZone: value });
      known = true;
    } catch {
      known = false;
    }
    timezoneVerdicts.set(value, known);
  }
  return known;
}

/** Verdicts of isTimezoneId by id: the ICU data does not change within a process. */
const timezoneVerdicts = new Map<string, boolean>();

export const timezoneId = z
  .string()
  .refine(isTimezoneId, 'expected an IANA time zone id such as "UTC", "Europe/Amsterdam" or "America/New_York"');
