import * as fs from "fs";
import * as path from "path";
import { Catalog } from "@cdktf/provider-databricks/lib/catalog";
import { Schema } from "@cdktf/provider-databricks/lib/schema";
import { auditStacksDir, PolicyViolationError } from "../../policy/audit";
import { buildApp } from "../../stacks/app";
import { synthesize, withoutTokenCreationStacks } from "../../stacks/synth";
import { PROJECT_ROOT, tempDir } from "../helpers";

/** A copy of the shipped environment files, with `edit` applied to aut.yaml. */
function environmentsWith(editAut: (text: string) => string): string {
  const dir = tempDir("dbx-policy-envs-");
  for (const f of fs.readdirSync(path.join(PROJECT_ROOT, "environments"))) {
    const text = fs.readFileSync(path.join(PROJECT_ROOT, "environments", f), "utf8");
    fs.writeFileSync(path.join(dir, f), f === "aut.yaml" ? editAut(text) : text);
  }
  return dir;
}

const unpauseAut = (text: string) => text.replace("pauseStatus: PAUSED", "pauseStatus: UNPAUSED");

describe("the policy pack in synthesis", () => {
  const outdir = tempDir("dbx-policy-synth-");
  const warnings: string[] = [];
  const stacks = synthesize({ projectRoot: PROJECT_ROOT, outdir, env: {}, onPolicyWarning: (w) => warnings.push(w) });

  test("the shipped dev, aut and prod configurations have no error findings, and report per stack", () => {
    expect(stacks).toEqual(["aut", "dev", "prod"]);
    for (const env of stacks) {
      const audit = JSON.parse(fs.readFileSync(path.join(outdir, "stacks", env, "audit.json"), "utf8"));
      expect(audit.policy.findings.filter((f: { level: string; suppressedBy?: unknown }) => f.level === "error" && !f.suppressedBy)).toEqual([]);
      const md = fs.readFileSync(path.join(outdir, "stacks", env, "audit.md"), "utf8");
      for (const section of ["Resource inventory", "Grants matrix", "Schedules", "Alerts, thresholds and destinations", "Dashboards", "Protected resources", "Policy findings", "Environment diff"]) {
        expect(md).toContain(`## ${section}`);
      }
    }
  });

  test("the environment diff shows the pause states and run-as identities that differ", () => {
    const md = fs.readFileSync(path.join(outdir, "stacks", "prod", "audit.md"), "utf8");
    expect(md).toMatch(/\| databricks_job\.SystemTableIngestion_Orchestrator_[0-9A-F]+ \| schedule\.pause_status \| PAUSED \| PAUSED \| UNPAUSED \|/);
    expect(md).toContain("| stack | state backend | s3 | local | azurerm |");
    expect(md).toContain("| stack | tier | acceptance | development | production |");
  });

  test("a seeded violation throws, lists the finding and leaves the output directory untouched", () => {
    const before = fs.readFileSync(path.join(outdir, "stacks", "aut", "cdk.tf.json"), "utf8");
    const beforeAudit = fs.readFileSync(path.join(outdir, "stacks", "aut", "audit.md"), "utf8");
    let error: unknown;
    try {
      synthesize({ projectRoot: PROJECT_ROOT, outdir, env: {}, environmentsDir: environmentsWith(unpauseAut) });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PolicyViolationError);
    expect((error as PolicyViolationError).findings).toEqual([
      expect.stringMatching(/^\[aut\] DBX-JOB-008 databricks_job\.SystemTableIngestion_Orchestrator_[0-9A-F]+: schedule is UNPAUSED in acceptance$/),
    ]);
    expect(fs.readFileSync(path.join(outdir, "stacks", "aut", "cdk.tf.json"), "utf8")).toBe(before);
    expect(fs.readFileSync(path.join(outdir, "stacks", "aut", "audit.md"), "utf8")).toBe(beforeAudit);
  });

  test("a reasoned suppression in the environment file lets it through and appears in the report", () => {
    const reason = "Acceptance runs the nightly ingestion to validate the release candidate";
    const dir = environmentsWith(
      (text) => `${unpauseAut(text)}\npolicy:\n  suppressions:\n    - rule: DBX-JOB-008\n      resource: SystemTableIngestion/Orchestrator\n      reason: ${reason}\n`,
    );
    const out = tempDir("dbx-policy-suppressed-");
    synthesize({ projectRoot: PROJECT_ROOT, outdir: out, env: {}, environmentsDir: dir });
    const md = fs.readFileSync(path.join(out, "stacks", "aut", "audit.md"), "utf8");
    expect(md).toContain(`| DBX-JOB-008 | SystemTableIngestion/Orchestrator | ${reason} | ${path.relative(PROJECT_ROOT, path.join(dir, "aut.yaml"))} | 1 |`);
  });

  test("a suppression with a short reason fails synthesis, naming the field", () => {
    const dir = environmentsWith((text) => `${text}\npolicy:\n  suppressions:\n    - rule: DBX-JOB-008\n      resource: SystemTableIngestion/Orchestrator\n      reason: todo\n`);
    expect(() => synthesize({ projectRoot: PROJECT_ROOT, outdir: tempDir("dbx-policy-short-"), env: {}, environmentsDir: dir })).toThrow(
      /aut\.yaml: policy\.suppressions\[0\]\.reason: expected a reason of at least 10 characters, got "todo"/,
    );
  });

  test("a reference into another environment's stack is left dangling, not bridged, and DBX-TF-001 refuses it", () => {
    const staging = tempDir("dbx-policy-cross-stack-");
    const { environments } = withoutTokenCreationStacks({}, () => {
      const built = buildApp({ projectRoot: PROJECT_ROOT, outdir: staging, env: {} });
      const prodCatalog = new Catalog(built.app.node.findChild("prod"), "CrossStackCatalog", { name: "other" });
      new Schema(built.app.node.findChild("dev"), "CrossStackSchema", { catalogName: prodCatalog.name, name: "leak" });
      built.app.synth();
      return built;
    });

    const dev = JSON.parse(fs.readFileSync(path.join(staging, "stacks", "dev", "cdk.tf.json"), "utf8"));
    const prod = JSON.parse(fs.readFileSync(path.join(staging, "stacks", "prod", "cdk.tf.json"), "utf8"));
    // cdktf's cross-stack pass would have added remote state to dev and an output to prod.
    expect(dev.data?.terraform_remote_state).toBeUndefined();
    expect(Object.keys(prod.output ?? {}).filter((o) => o.startsWith("cross-stack"))).toEqual([]);
    const errors = auditStacksDir(path.join(staging, "stacks"), environments).errors.filter((e) => e.includes("DBX-TF-001"));
    expect(errors).toEqual([
      expect.stringMatching(/^\[dev\] DBX-TF-001 databricks_schema\.CrossStackSchema: refers to databricks_catalog\.CrossStackCatalog, which this stack does not declare \(catalog_name\)$/),
    ]);
  });
});
