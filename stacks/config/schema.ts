import { z } from "zod";
import { MAX_TASK_RETRIES } from "../../constructs/managed-job";
import { WAREHOUSE_SIZES } from "../../constructs/sql-warehouse";
import { TIERS } from "../../vocabulary/tiers";
import { applicationId, identifier, principal, quartzCron, timezoneId } from "./fields";
import { MIN_REASON_LENGTH } from "../../vocabulary/reasons";
import { mlopsSection } from "./mlops-schema";
import { observabilitySection } from "./analytics-schema";

/**
 * The schema of `environments/<name>.yaml`. Strict everywhere: an unknown key is an error, so a
 * typo never silently falls back to a default. Each section is its own schema so later
 * capabilities add a section without touching the others.
 */

export { TIERS } from "../../vocabulary/tiers";
export type { Tier } from "../../vocabulary/tiers";

const workspaceSection = z.strictObject({
  /** Workspace URL; not a credential. Auth comes from DATABRICKS_* variables at plan/apply time. */
  host: z.url({ protocol: /^https$/, error: "expected an https:// workspace URL" }),
  /**
   * Workspace folder the notebooks and SQL files are deployed to. Jobs run this code as the
   * run-as principal, so in production choose a folder only the platform can write.
   */
  rootPath: z
    .string()
    .regex(/^\/[^\s]+$/, "expected an absolute workspace path such as /Workspace/Shared/databricks-observability")
    .optional(),
});

const catalogSection = z.strictObject({
  name: identifier,
  ownerGroup: principal,
  comment: z.string().default("Databricks observability platform: system-table bronze, analytics, ETL and MLOps monitoring"),
  properties: z.record(z.string(), z.string()).default({}),
});

const SCHEMA_DEFAULTS = { bronze: "system_bronze", gold: "observability_gold", etlMonitor: "etl_monitor", mlops: "mlops_monitoring" } as const;
const SCHEMA_KEYS = Object.keys(SCHEMA_DEFAULTS) as [keyof typeof SCHEMA_DEFAULTS, ...(keyof typeof SCHEMA_DEFAULTS)[]];

const schemasSection = z
  .strictObject({
    bronze: identifier.default(SCHEMA_DEFAULTS.bronze),
    gold: identifier.default(SCHEMA_DEFAULTS.gold),
    etlMonitor: identifier.default(SCHEMA_DEFAULTS.etlMonitor),
    mlops: identifier.default(SCHEMA_DEFAULTS.mlops),
  })
  .default(SCHEMA_DEFAULTS);

/**
 * Objects that exist already and are imported into the stack (Terraform `import` blocks, part of
 * the reviewed plan) instead of created: docs/deploy.md, "Adopting what already exists".
 */
const adoptSection = z
  .strictObject({
    catalog: z.boolean().default(false),
    /** Keys of `schemas`; only inside an adopted catalog. */
    schemas: z.array(z.enum(SCHEMA_KEYS)).default([]),
    /** Manage this existing warehouse (its settings become `warehouse`'s); `warehouse.existingId` only uses one. */
    warehouseId: z.string().regex(/^[0-9A-Za-z]+$/, "expected a warehouse id (letters and digits), not its HTTP path or URL").optional(),
  })
  .default({ catalog: false, schemas: [] });

const principalsSection = z.strictObject({
  platformAdmins: principal,
  engineers: principal,
  analysts: principal,
  auditors: principal,
});

const tagsSection = z.strictObject({
  owner: z.string().min(1),
  costCenter: z.string().min(1),
  managedBy: z.string().min(1).default("cdktf"),
});

const relativePath = z
  .string()
  .min(1)
  .refine((p) => !p.startsWith("/") && !/^[A-Za-z]:[\\/]/.test(p), "expected a relative path (absolute paths make the output machine-specific)");

const stateBackendOptions = [
  z.strictObject({
    type: z.literal("local"),
    /** Relative to the synthesized stack directory `cdktf.out/stacks/<env>`. */
    path: relativePath,
  }),
  z.strictObject({
    type: z.literal("s3"),
    bucket: z.string().min(1),
    key: z.string().min(1).optional(),
    region: z.string().min(1),
    encrypt: z.boolean().default(true),
    kmsKeyId: z.string().min(1).optional(),
    useLockfile: z.boolean().default(true),
  }),
  z.strictObject({
    type: z.literal("azurerm"),
    resourceGroupName: z.string().min(1),
    storageAccountName: z.string().min(1),
    containerName: z.string().min(1),
    key: z.string().min(1).optional(),
    useAzureadAuth: z.boolean().default(true),
  }),
  z.strictObject({
    type: z.literal("gcs"),
    bucket: z.string().min(1),
    prefix: z.string().min(1).optional(),
    kmsEncryptionKey: z.string().min(1).optional(),
  }),
  z.strictObject({
    type: z.literal("remote"),
    hostname: z.string().min(1).default("app.terraform.io"),
    organization: z.string().min(1),
    workspaceName: z.string().min(1),
  }),
] as const;

const stateBackendSection = z.discriminatedUnion("type", stateBackendOptions, {
  error: (issue) =>
    issue.code === "invalid_union" ? `expected one of ${stateBackendOptions.map((o) => o.shape.type.value).join("|")}` : undefined,
});

export const SYSTEM_SCHEMA_NAMES = [
  "access",
  "billing",
  "compute",
  "lakeflow",
  "marketplace",
  "mlflow",
  "serving",
  "sharing",
  "query",
  "storage",
  "data_classification",
  "data_quality_monitoring",
] as const;

const systemSchemasSection = z
  .strictObject({
    /**
     * Schemas to declare as `databricks_system_schema`. Empty by default: system schemas are now
     * enabled automatically (state MANAGED) and declaring one fails every apply
     * (terraform-provider-databricks #4874, #5878).
     */
    enable: z.array(z.enum(SYSTEM_SCHEMA_NAMES)).default([]),
  })
  .default({ enable: [] });

const scheduleSection = z.strictObject({
  quartzCron: quartzCron.default("0 0 2 * * ?"),
  timezone: timezoneId.default("UTC"),
  /** @default - by tier: UNPAUSED in production, PAUSED elsewhere (stacks/config/resolve.ts) */
  pauseStatus: z.enum(["PAUSED", "UNPAUSED"]).optional(),
});

const ingestionSection = z.strictObject({
  schedule: scheduleSection,
  timeoutSeconds: z.int().min(600).max(172_800).default(14_400),
  /** Duration after which the orchestrator's health rule warns; must be below the timeout. */
  durationWarningSeconds: z.int().min(60).default(10_800),
  taskRetries: z.int().min(0).max(MAX_TASK_RETRIES).default(2),
  minRetryIntervalMillis: z.int().min(0).max(3_600_000).default(300_000),
  businessOwner: z.string().min(1).default("Platform Operations"),
  technicalOwner: z.string().min(1).default("Data Engineering"),
});

const warehouseSection = z
  .strictObject({
    /** Use this existing Pro or serverless warehouse instead of creating one. */
    existingId: z.string().min(1).optional(),
    clusterSize: z.enum(WAREHOUSE_SIZES).optional(),
    autoStopMinutes: z.int().min(1).max(120).optional(),
    maxClusters: z.int().min(1).max(10).optional(),
  })
  .refine((w) => !(w.existingId && (w.clusterSize || w.autoStopMinutes || w.maxClusters)), {
    message: "existingId uses an existing warehouse: remove clusterSize, autoStopMinutes and maxClusters",
  })
  .default({});

/**
 * Exceptions to the policy pack (policy/). Only the shape is checked here; the pack
 * rejects unknown rule IDs and reasons under 10 characters, and reports every suppression.
 */
const policySection = z
  .strictObject({
    suppressions: z
      .array(
        z.strictObject({
          /** A rule ID such as DBX-JOB-008 (docs/policy-rules.md). */
          rule: z.string().min(1),
          /** Terraform address `type.logicalId`, or a construct path such as `aut/SystemTableIngestion`. */
          resource: z.string().min(1),
          reason: z
            .string()
            .refine((r) => r.trim().length >= MIN_REASON_LENGTH, `expected a reason of at least ${MIN_REASON_LENGTH} characters`),
        }),
      )
      .default([]),
  })
  .default({ suppressions: [] });

const dashboardsSection = z
  .strictObject({
    /** Deploy the Lakeview dashboards. @default - on exactly when the observability section is present */
    enabled: z.boolean().optional(),
  })
  .default({});

/** The ETL process monitor runtime (constructs/etl-monitor-runtime.ts). */
const etlMonitorSection = z
  .strictObject({
    /** Deploy the paused sample instrumented job. Default (resolve.ts): only in the development tier. */
    sampleJob: z.boolean().optional(),
  })
  .default({});

export const environmentSchema = z
  .strictObject({
    environment: z.string().regex(/^[a-z][a-z0-9-]{0,19}$/, "expected a short lower-case name such as dev, aut or prod"),
    tier: z.enum(TIERS),
    workspace: workspaceSection,
    catalog: catalogSection,
    schemas: schemasSection,
    reportsVolume: identifier.default("reports"),
    adopt: adoptSection,
    principals: principalsSection,
    runAs: z.strictObject({ servicePrincipal: applicationId.optional() }).default({}),
    tags: tagsSection,
    notifications: z.strictObject({ emails: z.array(z.email()).min(1) }),
    stateBackend: stateBackendSection.optional(),
    systemSchemas: systemSchemasSection,
    ingestion: ingestionSection,
    warehouse: warehouseSection,
    mlops: mlopsSection,
    observability: observabilitySection,
    dashboards: dashboardsSection,
    etlMonitor: etlMonitorSection,
    policy: policySection,
  })
  .superRefine((config, ctx) => {
    if (config.adopt.schemas.length > 0 && !config.adopt.catalog) {
      ctx.addIssue({ code: "custom", path: ["adopt", "schemas"], message: "a schema can exist only in an existing catalog: set adopt.catalog: true too" });
    }
    const twice = config.adopt.schemas.filter((k, i) => config.adopt.schemas.indexOf(k) !== i);
    if (twice.length > 0) ctx.addIssue({ code: "custom", path: ["adopt", "schemas"], message: `listed twice: ${[...new Set(twice)].join(", ")}` });
    if (config.adopt.warehouseId && config.warehouse.existingId) {
      ctx.addIssue({
        code: "custom",
        path: ["adopt", "warehouseId"],
        message: "warehouse.existingId uses a warehouse without managing it, adopt.warehouseId manages one: set only one",
      });
    }
    if (config.tier !== "development" && !config.runAs.servicePrincipal) {
      ctx.addIssue({
        code: "custom",
        path: ["runAs", "servicePrincipal"],
        message: `required for the ${config.tier} tier: jobs and pipelines must run as a service principal`,
      });
    }
    if (config.tier !== "development" && (!config.stateBackend || config.stateBackend.type === "local")) {
      ctx.addIssue({
        code: "custom",
        path: ["stateBackend"],
        message: `a remote backend (s3, azurerm, gcs or remote) is required for the ${config.tier} tier: state holds destination secrets`,
      });
    }
    if (config.ingestion.durationWarningSeconds >= config.ingestion.timeoutSeconds) {
      ctx.addIssue({
        code: "custom",
        path: ["ingestion", "durationWarningSeconds"],
        message: `must be below ingestion.timeoutSeconds (${config.ingestion.timeoutSeconds})`,
      });
    }
    if (config.dashboards.enabled && !config.observability) {
      ctx.addIssue({
        code: "custom",
        path: ["dashboards", "enabled"],
        message: "the dashboards read the gold tables the observability section builds: add an observability section or remove dashboards.enabled",
      });
    }
    const schemaNames = Object.values(config.schemas);
    if (new Set(schemaNames).size !== schemaNames.length) {
      ctx.addIssue({ code: "custom", path: ["schemas"], message: `schema names must be distinct, got ${schemaNames.join(", ")}` });
    }
  });

export type EnvironmentConfig = z.infer<typeof environmentSchema>;
export type StateBackendConfig = NonNullable<EnvironmentConfig["stateBackend"]>;
