import * as fs from "fs";
import * as path from "path";
import { evaluatePlan, runPlanGate } from "../scripts/plan-gate";
import { PROJECT_ROOT, tempDir } from "./helpers";

const PLANS = path.join(PROJECT_ROOT, "test", "fixtures", "plans");

const STACKS = new Set(["dev", "aut", "prod"]);
function gate(...args: string[]): { code: number; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  const resolved = args.map((a) => (a.startsWith("--") || STACKS.has(a) || path.isAbsolute(a) ? a : path.join(PLANS, a)));
  const code = runPlanGate(resolved, (l) => out.push(l), (l) => err.push(l));
  return { code, out, err };
}

/** A file in a fresh temp dir with the given text. */
function fileWith(name: string, text: string): string {
  const f = path.join(tempDir("dbx-plan-gate-"), name);
  fs.writeFileSync(f, text);
  return f;
}

describe("plan gate", () => {
  test("a create-only plan passes and prints a summary", () => {
    const r = gate("create-only.json");
    expect(r.code).toBe(0);
    expect(r.out).toEqual(["plan: 2 to create, 0 to update, 0 to replace, 0 to delete, 0 unchanged"]);
  });

  // Terraform's JSON plan marks an import with `change.importing` (internal/command/jsonplan:
  // "an import operation in addition to anything mentioned in the actions field").
  test("imports pass and are listed apart from the update that comes with them", () => {
    const r = gate("import-catalog.json");
    expect(r.code).toBe(0);
    expect(r.out).toEqual([
      "plan: 1 to create, 1 to update, 0 to replace, 0 to delete, 1 unchanged",
      'imports: databricks_catalog.Catalog_742F25FD from "observability_prod", then updated to match the configuration',
      'imports: databricks_schema.GoldSchema_24792122 from "observability_prod.observability_gold"',
    ]);
    expect(evaluatePlan(JSON.parse(fs.readFileSync(path.join(PLANS, "update.json"), "utf8"))).imported).toEqual([]);
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

  test("a delete listed in the allow-list for this stack with a reason passes", () => {
    const r = gate("allowed-delete.json", "--stack", "prod", "--allow", "allowed-delete.allow.yaml");
    expect(r.code).toBe(0);
    expect(r.out[0]).toMatch(/^allowed: delete databricks_pipeline\.SystemTableIngestion_Pipeline-sharing_F1AE88D1 .*: system\.sharing is no longer ingested/);
    expect(gate("allowed-delete.json").code).toBe(1);
  });

  test("the allow-list is keyed by stack: a delete allowed in prod stays blocked in dev and aut", () => {
    for (const stack of ["dev", "aut"]) {
      const r = gate("allowed-delete.json", "--stack", stack, "--allow", "allowed-delete.allow.yaml");
      expect(r.code).toBe(1);
      expect(r.err[0]).toMatch(/^BLOCKED: delete databricks_pipeline\.SystemTableIngestion_Pipeline-sharing_F1AE88D1/);
      expect(r.err.at(-1)).toContain(`in stack ${stack}`);
    }
  });

  test("an allow-list entry without a stack is refused, naming the file and the entry", () => {
    const allow = fileWith("allow.yaml", "allow:\n  - address: databricks_pipeline.X\n    reason: reviewed in CHG-1234, data archived\n");
    const r = gate("allowed-delete.json", "--stack", "prod", "--allow", allow);
    expect(r.code).toBe(1);
    expect(r.err).toEqual([`plan gate: ${allow}: allow[0].stack: expected the stack name (dev, aut, prod, ...), got undefined`]);
  });

  test("--allow without --stack is a usage error", () => {
    expect(gate("allowed-delete.json", "--allow", "allowed-delete.allow.yaml").code).toBe(2);
  });

  test("an allow-list entry without a real reason allows nothing", () => {
    const allow = fileWith("allow.yaml", "allow:\n  - stack: prod\n    address: databricks_pipeline.SystemTableIngestion_Pipeline-sharing_F1AE88D1\n    reason: ok\n");
    const r = runPlanGate([path.join(PLANS, "allowed-delete.json"), "--stack", "prod", "--allow", allow], () => undefined, () => undefined);
    expect(r).toBe(1);
  });

  test("a plan whose format_version major is not 1 is rejected, naming the file", () => {
    const r = gate("bad-format-version.json");
    expect(r.code).toBe(1);
    expect(r.err[0]).toBe(`plan gate: ${path.join(PLANS, "bad-format-version.json")}: unsupported plan format_version "2.0": expected 1.x (terraform show -json <planfile>)`);
    expect(evaluatePlan({ resource_changes: [] }).errors).toHaveLength(1);
  });

  // #12 item 9: fail closed on anything that is not a Terraform plan in JSON.
  describe("fails closed on input that is not a plan, naming the file", () => {
    const cases: [string, string, RegExp][] = [
      ["empty.json", "", /: empty file, expected the output of terraform show -json <planfile>$/],
      ["blank.json", "  \n\t\n", /: empty file/],
      ["truncated.json", '{"format_version": "1.2", "planned_values": {', /: not JSON \(.+\); expected the output of terraform show -json <planfile>$/],
      ["yaml.json", "format_version: 1.2\n", /: not JSON/],
      ["null.json", "null", /: expected a JSON object .*got null$/],
      ["array.json", "[]", /: expected a JSON object .*got an array$/],
      ["number.json", "42", /: expected a JSON object .*got number$/],
      // terraform show -json without a plan file: the state's JSON (captured from Terraform 1.11.4).
      ["state-show.json", JSON.stringify({ format_version: "1.0", terraform_version: "1.11.4", values: { root_module: {} } }), /: this is the JSON of a state \(values, no planned_values\), not of a plan/],
      // a raw terraform.tfstate
      ["terraform.tfstate", JSON.stringify({ version: 4, terraform_version: "1.11.4", serial: 3, lineage: "b39e3c99-be82-1ec8-b5ae-201894e2105d", outputs: {}, resources: [] }), /: this is a Terraform state file \(serial\/lineage\), not a plan/],
      ["no-planned-values.json", JSON.stringify({ format_version: "1.2", resource_changes: [] }), /: planned_values is missing/],
      ["changes-not-list.json", JSON.stringify({ format_version: "1.2", planned_values: {}, resource_changes: {} }), /: resource_changes is not a list$/],
    ];
    test.each(cases)("%s", (name, text, message) => {
      const file = fileWith(name, text);
      const r = gate(file);
      expect(r.code).toBe(1);
      expect(r.out).toEqual([]);
      expect(r.err).toHaveLength(1);
      expect(r.err[0].startsWith(`plan gate: ${file}: `)).toBe(true);
      expect(r.err[0]).toMatch(message);
    });

    test("a missing file is an error naming it", () => {
      const r = gate("/nonexistent/dir/plan.json");
      expect(r.code).toBe(1);
      expect(r.err[0]).toMatch(/^plan gate: \/nonexistent\/dir\/plan\.json: cannot read: ENOENT/);
    });

    test("a real no-change plan (no resource_changes key) passes as 0 changes", () => {
      // Terraform omits resource_changes when nothing changes (checked with 1.11.4).
      const file = fileWith("nochange.json", JSON.stringify({ format_version: "1.2", terraform_version: "1.11.4", planned_values: { outputs: {}, root_module: {} }, applyable: false, complete: true, errored: false }));
      expect(gate(file)).toEqual({ code: 0, out: ["plan: 0 to create, 0 to update, 0 to replace, 0 to delete, 0 unchanged"], err: [] });
    });
  });

  test("every protected type is gated; other types and data sources are not", () => {
    const change = (type: string, mode = "managed") => ({ address: `${type}.x`, type, mode, change: { actions: ["delete"] } });
    const plan = {
      format_version: "1.2",
      planned_values: {},
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
    expect(runPlanGate(["plan.json", "--stack"], () => undefined, () => undefined)).toBe(2);
    expect(runPlanGate(["plan.json", "--stack", "dev", "--stack", "prod"], () => undefined, () => undefined)).toBe(2);
    expect(runPlanGate(["plan.json", "--bogus", "x"], () => undefined, () => undefined)).toBe(2);
  });
});
