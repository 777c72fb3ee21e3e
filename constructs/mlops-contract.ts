import * as fs from "fs";
import * as path from "path";
import { repositoryFile } from "./repository-file";

/**
 * The MLOps contract shared with notebooks/mlops_unpack_inference.py: one JSON file,
 * sql/registry/mlops_contract.json, read here and by the notebook (test/mlops-contract.test.ts
 * and test/python/test_mlops_contract.py check both sides).
 */
export interface ProcessedColumnRule {
  /** A fixed column name. Exactly one of name, role. */
  readonly name?: string;
  /** A column named by the model's configuration, or `features` for the configured features. */
  readonly role?: "timestamp" | "model_id" | "prediction" | "label" | "features";
  /** A Spark SQL type, or `prediction_type` for the model's prediction type. */
  readonly type?: string;
  /** @default true */
  readonly nullable?: boolean;
  readonly comment?: string;
}

export interface MlopsContract {
  readonly feature_types: readonly string[];
  readonly prediction_types: readonly string[];
  readonly processed_columns: readonly ProcessedColumnRule[];
  readonly unpack_parameters: readonly string[];
}

export const MLOPS_CONTRACT_FILE = path.join("sql", "registry", "mlops_contract.json");

/** Reads and checks a contract file. */
export function loadMlopsContract(file = repositoryFile(MLOPS_CONTRACT_FILE)): MlopsContract {
  const c = JSON.parse(fs.readFileSync(file, "utf8")) as MlopsContract;
  const problems: string[] = [];
  const strings = (v: unknown) => Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === "string");
  if (!strings(c.feature_types)) problems.push("feature_types: expected a list of type names");
  if (!strings(c.prediction_types)) problems.push("prediction_types: expected a list of type names");
  if (!strings(c.unpack_parameters)) problems.push("unpack_parameters: expected a list of parameter names");
  if (!Array.isArray(c.processed_columns)) problems.push("processed_columns: expected a list");
  for (const [i, col] of (c.processed_columns ?? []).entries()) {
    if ((col.name === undefined) === (col.role === undefined)) problems.push(`processed_columns[${i}]: set exactly one of name, role`);
    if (col.role !== "features" && !col.type) problems.push(`processed_columns[${i}]: type is required`);
  }
  if (problems.length) throw new Error(`${file}: ${problems.join("; ")}`);
  return c;
}

export const MLOPS_CONTRACT: MlopsContract = loadMlopsContract();

/** Spark SQL types a request feature may be cast to in the processed table. */
export const FEATURE_TYPES: readonly string[] = MLOPS_CONTRACT.feature_types;

/** Columns the unpack notebook always writes (fixed names); features must not reuse them. */
export const FIXED_PROCESSED_COLUMNS: readonly string[] = MLOPS_CONTRACT.processed_columns.flatMap((c) => (c.name ? [c.name] : []));

/** The unpack notebook's parameters, each exactly once: refuses a missing or unknown one. */
export function unpackParameters(values: Readonly<Record<string, string>>): Record<string, string> {
  const expected = MLOPS_CONTRACT.unpack_parameters;
  const missing = expected.filter((p) => !(p in values));
  const unknown = Object.keys(values).filter((p) => !expected.includes(p));
  if (missing.length || unknown.length) {
    throw new Error(`unpack parameters do not match ${MLOPS_CONTRACT_FILE}: missing ${missing.join(", ") || "none"}, unknown ${unknown.join(", ") || "none"}`);
  }
  return Object.fromEntries(expected.map((p) => [p, values[p]]));
}
