import { z } from "zod";

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

export const quartzCron = z
  .string()
  .regex(/^(\S+\s+){5}\S+(\s+\S+)?$/, "expected a Quartz cron expression with 6 or 7 fields, e.g. \"0 0 2 * * ?\"");
