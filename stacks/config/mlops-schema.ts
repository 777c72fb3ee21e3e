import { z } from "zod";
import { principal, quartzCron, timezoneId } from "./fields";
import { MONITOR_GRANULARITIES, MONITOR_PROBLEM_TYPES } from "../../constructs/inference-monitor";
import { FEATURE_TYPES, FIXED_PROCESSED_COLUMNS } from "../../constructs/mlops-contract";
import { DRIFT_METRICS, driftStatistic } from "../../constructs/drift-statistics";
import { SERVING_WORKLOAD_SIZES, SERVING_WORKLOAD_TYPES } from "../../constructs/served-model-endpoint";

/**
 * The `mlops` section of `environments/<name>.yaml`: served models, their inference tables,
 * Lakehouse monitors and drift alerts. Optional; the default is no models.
 *
 * Settings a model leaves out come from its template (problem type, column names) and from the
 * environment's tier (serving size, scale to zero, retention, refresh, drift threshold), see
 * `stacks/config/resolve.ts`.
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

export interface TemplatePreset {
  readonly problemType: (typeof MONITOR_PROBLEM_TYPES)[number];
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

const servingSettings = z.strictObject({
  /** @default - by tier: Small / Small / Medium */
  workloadSize: z.enum(SERVING_WORKLOAD_SIZES).optional(),
  /** @default - by tier: true / true / false */
  scaleToZero: z.boolean().optional(),
  workloadType: z.enum(SERVING_WORKLOAD_TYPES).default("CPU"),
});

const monitoringSettings = z.strictObject({
  /** @default - by tier: ["1 day"] */
  granularities: z.array(z.enum(MONITOR_GRANULARITIES)).min(1).optional(),
  /** Monitor refresh. @default - by tier: daily 00:00 / 00:00 / 02:00 */
  refreshCron: quartzCron.optional(),
  timezone: timezoneId.default("UTC"),
  /** Days of processed inferences kept. @default 90 */
  retentionDays: z.int().min(1).max(3650).optional(),
  /** Drift above this fires the alert. @default - by tier: 0.1 / 0.1 / 0.05 */
  driftThreshold: z.number().min(0, "expected a number of 0 or more").optional(),
  /**
   * Statistic replacing the default of its column kind (sql/registry/drift_statistics.json).
   * @default - js_distance for categorical columns, ks_statistic for numeric ones
   */
  driftMetric: z.enum(DRIFT_METRICS).optional(),
  /** When the drift alert is evaluated; after the refresh. */
  alertCron: quartzCron.default("0 0 6 * * ?"),
  /** @default - by tier: UNPAUSED in production, PAUSED elsewhere (stacks/config/resolve.ts) */
  alertPauseStatus: z.enum(["PAUSED", "UNPAUSED"]).optional(),
})
  .superRefine((m, ctx) => {
    // One threshold is compared with both kinds' statistics: it must fit each bounded one's range.
    const bounded = m.driftMetric === undefined || driftStatistic(m.driftMetric).range[1] !== null;
    if (bounded && m.driftThreshold !== undefined && m.driftThreshold > 1) {
      ctx.addIssue({ code: "custom", path: ["driftThreshold"], message: "expected a number between 0 and 1", input: m.driftThreshold });
    }
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
        /** @default - by tier: UNPAUSED in production, PAUSED elsewhere (stacks/config/resolve.ts) */
        pauseStatus: z.enum(["PAUSED", "UNPAUSED"]).optional(),
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

