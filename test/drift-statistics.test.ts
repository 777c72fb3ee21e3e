import * as fs from "fs";
import * as path from "path";
import { DRIFT_METRICS } from "../constructs/drift-statistics";
import { MONITOR_PROBLEM_TYPES as PROBLEM_TYPES } from "../constructs/inference-monitor";
import { PROJECT_ROOT } from "./helpers";

// sql/registry/drift_statistics.json (which drift statistic the alert reads per column kind)
// against the TypeScript config vocabulary. The SQL side is test/python/test_drift_alert.py.

interface Statistic {
  kind: "categorical" | "numeric";
  expression: string;
  higherIsWorse: boolean;
  range: [number, number | null];
}

const contract = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "sql", "registry", "drift_statistics.json"), "utf8")) as {
  statistics: Record<string, Statistic>;
  defaults: Record<"categorical" | "numeric", string>;
  predictionKind: Record<string, "categorical" | "numeric">;
  driftTableColumns: { name: string; appliesTo?: string }[];
};

describe("the drift statistics contract", () => {
  test("every configurable drift metric is a statistic of the contract", () => {
    for (const metric of DRIFT_METRICS) expect(Object.keys(contract.statistics)).toContain(metric);
  });

  test("every problem type has a prediction kind, and each kind a higher-is-worse default of that kind", () => {
    expect(Object.keys(contract.predictionKind).sort()).toEqual([...PROBLEM_TYPES].sort());
    for (const [kind, key] of Object.entries(contract.defaults)) {
      expect(contract.statistics[key]).toMatchObject({ kind, higherIsWorse: true });
    }
  });

  test("each statistic reads a documented drift-table column computed for its kind", () => {
    const columns = new Map(contract.driftTableColumns.map((c) => [c.name, c]));
    for (const [key, s] of Object.entries(contract.statistics)) {
      expect([key, columns.get(s.expression.split(".")[0])?.appliesTo]).toEqual([key, s.kind]);
    }
  });
});
