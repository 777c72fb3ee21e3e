import { z } from "zod";
import { ALERT_KINDS, AlertKind } from "../../constructs/analytics";
import { VARIABLE_NAME } from "../../constructs/notification-destination";
import { quartzCron, timezoneId } from "./fields";

export { ALERT_KINDS };
export type { AlertKind };

/**
 * The `observability` section of `environments/<name>.yaml`: job-health analytics, the ETL
 * process monitor, the failed-run report, notification destinations and SQL alerts. Optional;
 * without it none of these are deployed.
 *
 * Secrets (webhook URLs, keys, passwords) are never values here: a destination names the
 * sensitive Terraform variable that carries each one (`urlVariable: slack_webhook_url`), bound
 * with `TF_VAR_slack_webhook_url` at plan/apply time. A secret-looking key such as `url` is
 * rejected with a message saying so.
 *
 * Kept in its own file (schema.ts imports it, not the reverse); small helpers are local copies.
 */

const name = z
  .string()
  .regex(/^[a-z][a-z0-9_-]{0,62}$/, "expected a lower-case name (letters, digits, _ and -), at most 63 characters");

/** The NAME of a sensitive Terraform variable, never its value. */
const variableName = z
  .string()
  .regex(
    VARIABLE_NAME,
    "expected the name of a sensitive Terraform variable (lower-case letters, digits, _), e.g. slack_webhook_url, bound with TF_VAR_slack_webhook_url",
  )
  .refine((v) => !/^[0-9a-f]{20,}$/.test(v), "looks like a key, not a variable name: put the key in TF_VAR_<name> and its name here");

const jobSchedule = (cron: string) =>
  z.strictObject({
    quartzCron: quartzCron.default(cron),
    timezone: timezoneId.default("UTC"),
    /** @default - by tier: UNPAUSED in production, PAUSED elsewhere (stacks/config/resolve.ts) */
    pauseStatus: z.enum(["PAUSED", "UNPAUSED"]).optional(),
  });

/** Keys that would hold a secret value, and the variable-name key to use instead. */
const SECRET_KEYS: Record<string, string> = {
  url: "urlVariable",
  webhookUrl: "urlVariable",
  integrationKey: "integrationKeyVariable",
  routingKey: "integrationKeyVariable",
  username: "usernameVariable",
  password: "passwordVariable",
  oauthToken: "urlVariable",
  token: "urlVariable",
  secret: "urlVariable",
};

const common = { name, enabled: z.boolean().default(true) };
const destinationVariants = [
  z.strictObject({ type: z.literal("email"), ...common, addresses: z.array(z.email()).min(1) }),
  z.strictObject({ type: z.literal("slack"), ...common, urlVariable: variableName }),
  z.strictObject({ type: z.literal("microsoft_teams"), ...common, urlVariable: variableName }),
  z.strictObject({ type: z.literal("pagerduty"), ...common, integrationKeyVariable: variableName }),
  z.strictObject({
    type: z.literal("generic_webhook"),
    ...common,
    urlVariable: variableName,
    usernameVariable: variableName.optional(),
    passwordVariable: variableName.optional(),
  }),
] as const;

const destinationSchema = z.preprocess(
  (value, ctx) => {
    // Before the variant's own checks, so a secret value gets this message (not "unknown key").
    if (value !== null && typeof value === "object" && !Array.isArray(value)) {
      for (const key of Object.keys(value)) {
        if (key in SECRET_KEYS) {
          ctx.addIssue({
            code: "custom",
            path: [key],
            message: `secret values never go in configuration: set ${SECRET_KEYS[key]}: <name of a sensitive Terraform variable> and pass TF_VAR_<name> at plan/apply time`,
            input: {},
          });
        }
      }
    }
    return value;
  },
  z.discriminatedUnion("type", destinationVariants, {
    error: (issue) =>
      issue.code === "invalid_union" ? `expected one of ${destinationVariants.map((o) => o.shape.type.value).join("|")}` : undefined,
  }),
);

const alertSchema = z.strictObject({
  /** Picks `sql/alerts/<kind>.sql`. */
  kind: z.enum(Object.keys(ALERT_KINDS) as [AlertKind, ...AlertKind[]]),
  /** Distinguishes two alerts of one kind. @default the kind */
  name: name.optional(),
  /** Meaning per kind: see ALERT_KINDS (docs/alerts.md). */
  threshold: z.number().min(0),
  /** Evaluation schedule. @default hourly, UTC, paused by tier (UNPAUSED in production, PAUSED elsewhere) */
  schedule: z
    .strictObject({
      quartzCron: quartzCron.default("0 0 * * * ?"),
      timezone: timezoneId.default("UTC"),
      pauseStatus: z.enum(["PAUSED", "UNPAUSED"]).optional(),
    })
    .default({ quartzCron: "0 0 * * * ?", timezone: "UTC" }),
  /** Names of destinations (disabled ones are skipped). */
  destinations: z.array(name).default([]),
  /** Extra e-mail subscribers (workspace users). */
  emails: z.array(z.email()).default([]),
  /** Rate limit: minutes between two notifications while the alert stays triggered (0 = once). */
  retriggerMinutes: z.int().min(0).max(10_080),
  notifyOnOk: z.boolean().default(true),
});

export const observabilitySection = z
  .strictObject({
    /** The refresh job: gold tables, health scores, anomalies, ETL monitor schema. */
    refreshSchedule: jobSchedule("0 30 3 * * ?"),
    /** The failed-run CSV report job. */
    reportSchedule: jobSchedule("0 0 6 * * ?"),
    /** Hours of bronze the gold run model re-reads before its watermark (late slices, repairs). @default 24 (resolve.ts) */
    goldLookbackHours: z.int().min(1).max(720).optional(),
    /** The job_overprovisioned alert's thresholds besides its CPU `threshold`. @default memoryPercent 40, minRuns 3 (resolve.ts) */
    overprovisioned: z
      .strictObject({
        /** Peak memory-used % every recent run stayed under. */
        memoryPercent: z.number().min(0).max(100).optional(),
        /** Successful runs needed before a job is judged. */
        minRuns: z.int().min(1).max(1000).optional(),
      })
      .optional(),
    /** Idle stretches of gold `cluster_idle_stretches`: every node under `cpuPercent` CPU for at least `minMinutes` consecutive minutes. @default cpuPercent 5, minMinutes 30 (resolve.ts) */
    idleClusters: z
      .strictObject({
        /** CPU % (user + system) every node of the cluster stays under in an idle minute. */
        cpuPercent: z.number().gt(0).max(100).optional(),
        /** Shortest idle stretch shown, in consecutive minutes (at most a day). */
        minMinutes: z.int().min(1).max(1440).optional(),
      })
      .optional(),
    /** The `driver_bound` signal of gold `job_rightsizing`: a multi-node job whose avg driver CPU is at least `driverCpuPercent` while its avg worker CPU stays under `workerCpuPercent`. @default driverCpuPercent 70, workerCpuPercent 20 (resolve.ts) */
    driverBound: z
      .strictObject({
        /** Avg driver CPU % (user + system) at or above which the driver is busy. */
        driverCpuPercent: z.number().gt(0).max(100).optional(),
        /** Avg worker CPU % under which the workers idle. */
        workerCpuPercent: z.number().gt(0).max(100).optional(),
      })
      .optional(),
    healthWindowDays: z.int().min(2).max(365).default(30),
    anomaly: z
      .strictObject({
        baselineDays: z.int().min(2).max(365).default(30),
        detectionHours: z.int().min(1).max(168).default(24),
        minBaselineRuns: z.int().min(3).max(1000).default(5),
        zThreshold: z.number().positive().default(3.5),
      })
      .default({ baselineDays: 30, detectionHours: 24, minBaselineRuns: 5, zThreshold: 3.5 }),
    reportWindowHours: z.int().min(1).max(720).default(24),
    timeoutSeconds: z.int().min(300).max(86_400).default(3600),
    durationWarningSeconds: z.int().min(60).default(1800),
    destinations: z.array(destinationSchema).default([]),
    /** Destinations told when the bronze orchestrator fails (Databricks allows 3 per event). */
    orchestratorFailureDestinations: z.array(name).max(3, "at most 3 destinations per job event (Databricks limit)").default([]),
    alerts: z.array(alertSchema).default([]),
  })
  .superRefine((o, ctx) => {
    const byName = new Map<string, { enabled: boolean }>();
    o.destinations.forEach((d, i) => {
      if (byName.has(d.name)) ctx.addIssue({ code: "custom", path: ["destinations", i, "name"], message: `duplicate destination name "${d.name}"`, input: {} });
      byName.set(d.name, d);
    });
    const known = [...byName.keys()].join(", ") || "(none)";
    o.orchestratorFailureDestinations.forEach((n, i) => {
      if (!byName.has(n)) ctx.addIssue({ code: "custom", path: ["orchestratorFailureDestinations", i], message: `unknown destination "${n}"; known: ${known}`, input: {} });
    });
    const alertNames = new Set<string>();
    o.alerts.forEach((a, i) => {
      const alertName = a.name ?? a.kind;
      if (alertNames.has(alertName)) {
        ctx.addIssue({ code: "custom", path: ["alerts", i, "name"], message: `duplicate alert "${alertName}": give one a distinct name`, input: {} });
      }
      alertNames.add(alertName);
      a.destinations.forEach((n, j) => {
        if (!byName.has(n)) ctx.addIssue({ code: "custom", path: ["alerts", i, "destinations", j], message: `unknown destination "${n}"; known: ${known}`, input: {} });
      });
      const enabled = a.destinations.filter((n) => byName.get(n)?.enabled);
      if (enabled.length === 0 && a.emails.length === 0) {
        ctx.addIssue({ code: "custom", path: ["alerts", i, "destinations"], message: "no enabled destination or e-mail: nobody would be notified", input: {} });
      }
    });
    if (o.durationWarningSeconds >= o.timeoutSeconds) {
      ctx.addIssue({ code: "custom", path: ["durationWarningSeconds"], message: `must be below timeoutSeconds (${o.timeoutSeconds})`, input: {} });
    }
  })
  .optional();

export type ObservabilityConfig = NonNullable<z.infer<typeof observabilitySection>>;
export type DestinationConfig = ObservabilityConfig["destinations"][number];
export type AlertConfig = ObservabilityConfig["alerts"][number];
