import { z } from "zod";
import { principal, quartzCron, timezoneId } from "./fields";
import type { Tier } from "./schema";

/**
 * The `mlops` section of `environments/<name>.yaml`: served models, their inference tables,
 * Lakehouse monitors and drift alerts. Optional; the default is no models.
 *
 * Settings a model leaves out come from its template (problem type, column names) and from the
 * environment's tier (serving size, scale to zero, retention, refresh, drift threshold), see
 * `TIER_DEFAULTS` and `resolveMlopsModel`.
 *
 * Kept in its own file (schema.ts imports it, not the reverse); shared field rules come from fields.ts.
 */

/** Model and endpoint-prefix names: shorter than a UC name because endpoint names are capped. */
const shortName = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,62}$/, "expected a lower-case name (letters, digits, _), at most 63 characters");

/** A column of the processed inference table. */
const column = z.string().regex(/^[a-z_][a-z0-9_]{0,127}$/, "expected a lower-case column name (letters, digits, _)");

const threePartName = z
  .string()
  .regex(/^[A-Za-z0-9_]+\.[A-Za-z0-9_]+\.[A-Za-z0-9_]+$/, "expected a 3-part Unity Catalog name catalog.schema.name");

export const MLOPS_TEMPLATES = ["classification", "regression", "forecasting"] as const;
export type MlopsTemplate = (typeof MLOPS_TEMPLATES)[number];

export const PROBLEM_TYPES = ["PROBLEM_TYPE_CLASSIFICATION", "PROBLEM_TYPE_REGRESSION"] as const;
export type ProblemType = (typeof PROBLEM_TYPES)[number];

/** Lakehouse Monitoring window sizes (Databricks docs, "Create a monitor using the API"). */
export const GRANULARITIES = [
  "5 minutes",
  "30 minutes",
  "1 hour",
  "1 day",
  "1 week",
  "2 weeks",
  "3 weeks",
  "4 weeks",
  "1 month",
  "1 year",
] as const;

export const WORKLOAD_SIZES = ["Small", "Medium", "Large"] as const;
export const WORKLOAD_TYPES = ["CPU", "GPU_SMALL", "GPU_MEDIUM", "GPU_LARGE", "MULTIGPU_MEDIUM"] as const;

/** Drift-table metrics bounded by 0..1, so one threshold scale fits all (Lakehouse Monitoring drift table). */
export const DRIFT_METRICS = ["js_distance", "tv_distance", "l_infinity_distance"] as const;

/** Spark SQL types a request feature may be cast to in the processed table. */
export const FEATURE_TYPES = ["string", "double", "bigint", "int", "boolean", "date", "timestamp"] as const;

/** Columns the unpack notebook always writes; features must not reuse them. */
export const FIXED_PROCESSED_COLUMNS = [
  "request_id",
  "record_index",
  "client_request_id",
  "request_date",
  "status_code",
  "execution_duration_ms",
  "requester",
  "processed_at",
] as const;

export interface TemplatePreset {
  readonly problemType: ProblemType;
  /** Spark type of the prediction and label columns. */
  readonly predictionType: "string" | "double";
  readonly columns: { readonly prediction: string; readonly label: string; readonly modelId: string; readonly timestamp: string };
}

/** What `template:` presets. Forecasting is monitored as regression (Lakehouse Monitoring has no forecasting type). */
export const TEMPLATE_PRESETS: Readonly<Record<MlopsTemplate, TemplatePreset>> = {
  classification: {
    problemType: "PROBLEM_TYPE_CLASSIFICATION",
    predictionType: "string",
    columns: { prediction: "prediction", label: "label", modelId: "model_id", timestamp: "timestamp" },
  },
  regression: {
    problemType: "PROBLEM_TYPE_REGRESSION",
    predictionType: "double",
    columns: { prediction: "prediction", label: "label", modelId: "model_id", timestamp: "timestamp" },
  },
  forecasting: {
    problemType: "PROBLEM_TYPE_REGRESSION",
    predictionType: "double",
    columns: { prediction: "forecast", label: "actual", modelId: "model_id", timestamp: "timestamp" },
  },
};

export interface TierDefaults {
  readonly workloadSize: (typeof WORKLOAD_SIZES)[number];
  readonly scaleToZero: boolean;
  readonly retentionDays: number;
  readonly granularities: readonly (typeof GRANULARITIES)[number][];
  readonly refreshCron: string;
  readonly driftThreshold: number;
}

/** The reference's per-environment table (lakehouse-mlops-monitoring.md, "Environment Settings"), by tier. */
export const TIER_DEFAULTS: Readonly<Record<Tier, TierDefaults>> = {
  development: { workloadSize: "Small", scaleToZero: true, retentionDays: 90, granularities: ["1 day"], refreshCron: "0 0 0 * * ?", driftThreshold: 0.1 },
  acceptance: { workloadSize: "Small", scaleToZero: true, retentionDays: 90, granularities: ["1 day"], refreshCron: "0 0 0 * * ?", driftThreshold: 0.1 },
  production: { workloadSize: "Medium", scaleToZero: false, retentionDays: 90, granularities: ["1 day"], refreshCron: "0 0 2 * * ?", driftThreshold: 0.05 },
};

const servingSettings = z.strictObject({
  /** @default - by tier: Small / Small / Medium */
  workloadSize: z.enum(WORKLOAD_SIZES).optional(),
  /** @default - by tier: true / true / false */
  scaleToZero: z.boolean().optional(),
  workloadType: z.enum(WORKLOAD_TYPES).default("CPU"),
});

const monitoringSettings = z.strictObject({
  /** @default - by tier: ["1 day"] */
  granularities: z.array(z.enum(GRANULARITIES)).min(1).optional(),
  /** Monitor refresh. @default - by tier: daily 00:00 / 00:00 / 02:00 */
  refreshCron: quartzCron.optional(),
  timezone: timezoneId.default("UTC"),
  /** Days of processed inferences kept. @default 90 */
  retentionDays: z.int().min(1).max(3650).optional(),
  /** Drift above this fires the alert. @default - by tier: 0.1 / 0.1 / 0.05 */
  driftThreshold: z.number().min(0, "expected a number between 0 and 1").max(1, "expected a number between 0 and 1").optional(),
  driftMetric: z.enum(DRIFT_METRICS).default("js_distance"),
  /** When the drift alert is evaluated; after the refresh. */
  alertCron: quartzCron.default("0 0 6 * * ?"),
});

const modelSchema = z
  .strictObject({
    /** Short name: endpoint name suffix, inference table prefix, job task key. */
    name: shortName,
    /** @default "<environment>-<name with - for _>" */
    endpointName: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/, "expected letters, digits, - and _, at most 63 characters")
      .optional(),
    /** Unity Catalog model, `catalog.schema.model`. */
    model: threePartName,
    /** Model version number. Exactly one of version, alias. */
    version: z
      .union([z.int().positive(), z.string().regex(/^[1-9][0-9]*$/)], { error: "expected a positive version number" })
      .transform(String)
      .optional(),
    /** Model alias such as `champion`, resolved to its version at plan time. */
    alias: z.string().regex(/^[A-Za-z][A-Za-z0-9_-]*$/, "expected an alias name such as champion").optional(),
    template: z.enum(MLOPS_TEMPLATES),
    /** Overrides of the template's column names in the processed table. */
    columns: z
      .strictObject({ prediction: column.optional(), label: column.optional(), modelId: column.optional(), timestamp: column.optional() })
      .prefault({}),
    /** Request features copied into the processed table as typed columns (and so monitored for drift). */
    features: z.array(z.strictObject({ name: column, type: z.enum(FEATURE_TYPES) })).default([]),
    /** Training data: baseline drift is computed against it. */
    baselineTable: threePartName,
    /** Ground truth joined into the processed table, e.g. labels that arrive later. */
    labels: z
      .strictObject({
        table: threePartName,
        /** Column present in both the label table and the processed table (e.g. client_request_id). */
        joinKey: column,
        /** Label column in the label table. */
        column: column,
      })
      .optional(),
    slicingExprs: z.array(z.string().min(1)).default([]),
    /** Groups or service principals granted CAN_QUERY. */
    consumers: z.array(principal).default([]),
    /** AI Gateway rate limits. */
    rateLimits: z
      .array(
        z.strictObject({
          calls: z.int().positive(),
          key: z.enum(["user", "endpoint"]).default("endpoint"),
          renewalPeriod: z.enum(["minute"]).default("minute"),
        }),
      )
      .default([]),
    serving: servingSettings.prefault({}),
    monitoring: monitoringSettings.prefault({}),
  })
  .superRefine((m, ctx) => {
    if ((m.version === undefined) === (m.alias === undefined)) {
      ctx.addIssue({ code: "custom", path: ["version"], message: "set exactly one of version, alias" });
    }
    const preset = TEMPLATE_PRESETS[m.template];
    const names = [
      ...FIXED_PROCESSED_COLUMNS,
      m.columns.prediction ?? preset.columns.prediction,
      m.columns.label ?? preset.columns.label,
      m.columns.modelId ?? preset.columns.modelId,
      m.columns.timestamp ?? preset.columns.timestamp,
    ];
    const dupColumns = names.filter((n, i) => names.indexOf(n) !== i);
    if (dupColumns.length) {
      ctx.addIssue({ code: "custom", path: ["columns"], message: `column names must be distinct and not reuse ${FIXED_PROCESSED_COLUMNS.join(", ")}; got ${[...new Set(dupColumns)].join(", ")} twice` });
    }
    m.features.forEach((f, i) => {
      if (names.includes(f.name) || m.features.findIndex((g) => g.name === f.name) !== i) {
        ctx.addIssue({ code: "custom", path: ["features", i, "name"], message: `duplicate column "${f.name}" in the processed table` });
      }
    });
    if (m.labels && ![...names, ...m.features.map((f) => f.name)].includes(m.labels.joinKey)) {
      ctx.addIssue({ code: "custom", path: ["labels", "joinKey"], message: `"${m.labels.joinKey}" is not a column of the processed table (a fixed column or a feature)` });
    }
  });

export const mlopsSection = z
  .strictObject({
    models: z.array(modelSchema).default([]),
    /** The job that unpacks every model's payload table into its processed table. */
    unpack: z
      .strictObject({
        quartzCron: quartzCron.default("0 30 * * * ?"),
        timezone: timezoneId.default("UTC"),
        timeoutSeconds: z.int().min(600).max(86_400).default(3600),
        /** Payload rows this far before the newest processed row are read again (late arrivals). */
        lookbackHours: z.int().min(0).max(168).default(24),
      })
      .prefault({}),
  })
  .superRefine((s, ctx) => {
    s.models.forEach((m, i) => {
      if (s.models.findIndex((o) => o.name === m.name) !== i) {
        ctx.addIssue({ code: "custom", path: ["models", i, "name"], message: `duplicate model name "${m.name}"` });
      }
    });
  })
  .prefault({});

export type MlopsConfig = z.infer<typeof mlopsSection>;
export type MlopsModelConfig = MlopsConfig["models"][number];

/** A model with template and tier defaults applied: what the constructs are built from. */
export interface ResolvedMlopsModel {
  readonly name: string;
  readonly endpointName: string;
  readonly model: string;
  readonly version?: string;
  readonly alias?: string;
  readonly problemType: ProblemType;
  readonly predictionType: "string" | "double";
  readonly columns: TemplatePreset["columns"];
  readonly features: readonly { readonly name: string; readonly type: (typeof FEATURE_TYPES)[number] }[];
  readonly baselineTable: string;
  readonly labels?: { readonly table: string; readonly joinKey: string; readonly column: string };
  readonly slicingExprs: readonly string[];
  readonly consumers: readonly string[];
  readonly rateLimits: readonly { readonly calls: number; readonly key: "user" | "endpoint"; readonly renewalPeriod: "minute" }[];
  readonly serving: { readonly workloadSize: (typeof WORKLOAD_SIZES)[number]; readonly scaleToZero: boolean; readonly workloadType: (typeof WORKLOAD_TYPES)[number] };
  readonly monitoring: {
    readonly granularities: readonly string[];
    readonly refreshCron: string;
    readonly timezone: string;
    readonly retentionDays: number;
    readonly driftThreshold: number;
    readonly driftMetric: (typeof DRIFT_METRICS)[number];
    readonly alertCron: string;
  };
}

export function resolveMlopsModel(m: MlopsModelConfig, tier: Tier, environment: string): ResolvedMlopsModel {
  const preset = TEMPLATE_PRESETS[m.template];
  const tierDefaults = TIER_DEFAULTS[tier];
  return {
    name: m.name,
    endpointName: m.endpointName ?? `${environment}-${m.name.replace(/_/g, "-")}`,
    model: m.model,
    version: m.version,
    alias: m.alias,
    problemType: preset.problemType,
    predictionType: preset.predictionType,
    columns: {
      prediction: m.columns.prediction ?? preset.columns.prediction,
      label: m.columns.label ?? preset.columns.label,
      modelId: m.columns.modelId ?? preset.columns.modelId,
      timestamp: m.columns.timestamp ?? preset.columns.timestamp,
    },
    features: m.features,
    baselineTable: m.baselineTable,
    labels: m.labels,
    slicingExprs: m.slicingExprs,
    consumers: m.consumers,
    rateLimits: m.rateLimits,
    serving: {
      workloadSize: m.serving.workloadSize ?? tierDefaults.workloadSize,
      scaleToZero: m.serving.scaleToZero ?? tierDefaults.scaleToZero,
      workloadType: m.serving.workloadType,
    },
    monitoring: {
      granularities: m.monitoring.granularities ?? tierDefaults.granularities,
      refreshCron: m.monitoring.refreshCron ?? tierDefaults.refreshCron,
      timezone: m.monitoring.timezone,
      retentionDays: m.monitoring.retentionDays ?? tierDefaults.retentionDays,
      driftThreshold: m.monitoring.driftThreshold ?? tierDefaults.driftThreshold,
      driftMetric: m.monitoring.driftMetric,
      alertCron: m.monitoring.alertCron,
    },
  };
}
