import * as fs from "fs";
import * as path from "path";
import { repositoryFile } from "./repository-file";
import { bindSqlParameters } from "./sql-parameters";

/**
 * Which Lakehouse Monitoring drift statistic the drift alert reads, per kind of column: one JSON
 * contract, sql/registry/drift_statistics.json, read here and by test/python/test_drift_alert.py.
 * The drift metrics table holds different statistics for numeric and categorical columns
 * (https://docs.databricks.com/aws/en/lakehouse-monitoring/monitor-output), so reading one
 * statistic for every column would never judge a regression model's numeric prediction.
 */
export type ColumnKind = "categorical" | "numeric";

export interface DriftStatistic {
  readonly kind: ColumnKind;
  readonly expression: string;
  readonly higherIsWorse: boolean;
  /** [min, max]; max null = unbounded (the threshold is in the column's units). */
  readonly range: readonly [number, number | null];
}

interface DriftContract {
  readonly statistics: Readonly<Record<string, DriftStatistic>>;
  readonly defaults: Readonly<Record<ColumnKind, string>>;
}

export const DRIFT_CONTRACT_FILE = path.join("sql", "registry", "drift_statistics.json");
const DRIFT_ALERT_SQL = path.join("sql", "mlops", "drift_alert.sql");

const CONTRACT = JSON.parse(fs.readFileSync(repositoryFile(DRIFT_CONTRACT_FILE), "utf8")) as DriftContract;

/** Every statistic a model's `monitoring.driftMetric` may name. */
export const DRIFT_METRICS = Object.keys(CONTRACT.statistics) as [string, ...string[]];

export function driftStatistic(name: string): DriftStatistic {
  const s = CONTRACT.statistics[name];
  if (!s) throw new Error(`unknown drift statistic "${name}": expected one of ${DRIFT_METRICS.join("|")} (${DRIFT_CONTRACT_FILE})`);
  return s;
}

/** The statistic read for each kind of column: the contract's defaults, one of them replaced by `override`. */
export function driftStatistics(override?: string): Readonly<Record<ColumnKind, string>> {
  return override ? { ...CONTRACT.defaults, [driftStatistic(override).kind]: override } : CONTRACT.defaults;
}

/**
 * The drift alert's query (sql/mlops/drift_alert.sql, parameters bound as literals like every
 * alert): latest-window baseline drift of every column, each by the statistic of its own kind,
 * oriented so that higher is worse. No rows until the monitor has refreshed once.
 */
export function driftAlertQuery(driftTable: string, granularity: string, threshold: number, override?: string): string {
  const stats = driftStatistics(override);
  // The file's header documents the markers; the deployed query text is the statement alone.
  const sql = fs.readFileSync(repositoryFile(DRIFT_ALERT_SQL), "utf8").replace(/^(--[^\n]*\n)+/, "");
  return bindSqlParameters(sql, {
    drift_table: driftTable,
    granularity,
    threshold: String(threshold),
    categorical_statistic: stats.categorical,
    numeric_statistic: stats.numeric,
  }).trim();
}
