import * as fs from "fs";
import * as path from "path";
import { evaluatePlan, runPlanGate } from "../scripts/plan-gate";
import { PROJECT_ROOT, tempDir } from "./helpers";

const PLANS = path.join(PROJECT_ROOT, "test", "fixtures", "plans");

function gate(...args: string[]): { code: number; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  const code = runPlanGate(args.map((a) => (a.startsWith("--") ? a : path.join(PLANS, a))), (l) => out.push(l), (l) => err.push(l));
  return { code, out, err };
}

describe("plan gate", () => {
  test("a create-only plan passes and prints a summary", () => {
    const r = gate("create-only.json");
    expect(r.code).toBe(0);
    expect(r.out).toEqual(["plan: 2 to create, 0 to update, 0 to replace, 0 to delete, 0 unchanged"]);
  });

  test("updates pass, and so does replacing a resource that holds no data", () => {
    const r = gate("update.json");
    expect(r.code).toBe(0);
    expect(r.out).toEqual(["plan: 0 to create, 1 to update, 1 to replace, 0 to delete, 1 unchanged"]);
  });

  test("deleting a pipeline fails and says why Terraform deletes it", () => {
    const r = gate("delete-pipeline.json");
    expect(r.code).toBe(1);
    expect(r.err[0]).toBe(
      'BLOCKED: delete databricks_pipeline.SystemTableIngestion_Pipeline-access_1DC66AFB (actions ["delete"], action_reason delete_because_no_resource_config)',
    );
  });

  test("replacing a schema fails and prints the replace paths", () => {
    const r = gate("replace-schema.json");
    expect(r.code).toBe(1);
    expect(r.err[0]).toBe(
      'BLOCKED: replace databricks_schema.BronzeSchema_10D080AE (actions ["delete","create"], action_reason replace_because_cannot_update, replace_paths [["catalog_name"]])',
    );
  });

  test("a delete listed in the allow-list with a reason passes", () => {
    const r = gate("allowed-delete.json", "--allow", "allowed-delete.allow.yaml");
    expect(r.code).toBe(0);
    expect(r.out[0]).toMatch(/^allowed: delete databricks_pipeline\.SystemTableIngestion_Pipeline-sharing_F1AE88D1 .*: system\.sharing is no longer ingested/);
    expect(gate("allowed-delete.json").code).toBe(1);
  });

  test("an allow-list entry without a real reason allows nothing", () => {
    const allow = path.join(tempDir("dbx-plan-gate-"), "allow.yaml");
    fs.writeFileSync(allow, "allow:\n  - address: databricks_pipeline.SystemTableIngestion_Pipeline-sharing_F1AE88D1\n    reason: ok\n");
    const r = runPlanGate([path.join(PLANS, "allowed-delete.json"), "--allow", allow], () => undefined, () => undefined);
    expect(r).toBe(1);
  });

  test("a plan whose format_version major is not 1 is rejected", () => {
    const r = gate("bad-format-version.json");
    expect(r.code).toBe(1);
    expect(r.err[0]).toBe('plan gate: unsupported plan format_version "2.0": expected 1.x (terraform show -json <planfile>)');
    expect(evaluatePlan({ resource_changes: [] }).errors).toHaveLength(1);
  });

  test("every protected type is gated; other types and data sources are not", () => {
    const change = (type: string, mode = "managed") => ({ address: `${type}.x`, type, mode, change: { actions: ["delete"] } });
    const plan = {
      format_version: "1.2",
      resource_changes: [
        ...["databricks_catalog", "databricks_schema", "databricks_volume", "databricks_pipeline", "databricks_quality_monitor", "databricks_model_serving", "databricks_sql_table", "databricks_registered_model"].map((t) => change(t)),
        change("databricks_job"),
        change("databricks_catalog", "data"),
      ],
    };
    expect(evaluatePlan(plan).blocked.map((b) => b.type)).toHaveLength(8);
  });

  test("bad usage exits 2", () => {
    expect(runPlanGate([], () => undefined, () => undefined)).toBe(2);
    expect(runPlanGate(["plan.json", "--allow"], () => undefined, () => undefined)).toBe(2);
  });
});
