import { blockingFindings, runPolicyPack, warningFindings } from "../../policy/pack";
import { PolicyRule } from "../../policy/rule";
import { PolicySuppressions } from "../../constructs/policy-suppressions";
import { Job } from "@cdktf/provider-databricks/lib/job";
import { DatabricksProvider } from "@cdktf/provider-databricks/lib/provider";
import { Construct } from "constructs";
import * as fs from "fs";
import * as path from "path";
import { App, TerraformStack } from "../../constructs/core";
import { SynthesizedStack } from "../../policy/rule";
import { tempDir } from "../helpers";
import { AUT, goodJob, PROD, stackOf } from "./fixtures";

/** A job whose schedule runs unattended in acceptance: one DBX-JOB-008 error. */
const unpaused = stackOf({ databricks_job: { Orchestrator_1234: { ...goodJob(), "//": { metadata: { path: "aut/Ingestion/Orchestrator/Resource" } } } } });
const REASON = "acceptance runs nightly to validate the release";

describe("the policy pack", () => {
  test("an unsuppressed error finding blocks; the report names rule, level and address", () => {
    const report = runPolicyPack({ stack: unpaused, context: AUT });
    expect(blockingFindings(report)).toEqual([
      { ruleId: "DBX-JOB-008", level: "error", address: "databricks_job.Orchestrator_1234", message: "schedule is UNPAUSED in acceptance" },
    ]);
    expect(report.rules.find((r) => r.id === "DBX-JOB-008")?.result).toBe("non-compliant");
    expect(report.rules.find((r) => r.id === "DBX-SRV-001")?.result).toBe("not-applicable");
  });

  test.each([
    ["a Terraform address", "databricks_job.Orchestrator_1234"],
    ["a construct path", "aut/Ingestion/Orchestrator"],
    ["an ancestor construct path without the stack name", "Ingestion"],
  ])("a suppression by %s covers the finding and is reported with its reason", (_, resource) => {
    const report = runPolicyPack({ stack: unpaused, context: AUT, suppressions: [{ rule: "DBX-JOB-008", resource, reason: REASON, source: "environments/aut.yaml" }] });
    expect(blockingFindings(report)).toEqual([]);
    expect(report.findings[0].suppressedBy).toEqual({ reason: REASON, source: "environments/aut.yaml" });
    expect(report.suppressions).toEqual([{ rule: "DBX-JOB-008", resource, reason: REASON, source: "environments/aut.yaml", matched: 1 }]);
    expect(report.rules.find((r) => r.id === "DBX-JOB-008")?.result).toBe("suppressed");
  });

  test("a suppression of another rule, or another resource, does not cover the finding", () => {
    const report = runPolicyPack({
      stack: unpaused,
      context: AUT,
      suppressions: [
        { rule: "DBX-JOB-007", resource: "databricks_job.Orchestrator_1234", reason: REASON },
        { rule: "DBX-JOB-008", resource: "aut/Ingest", reason: REASON },
      ],
    });
    expect(blockingFindings(report).map((f) => f.ruleId)).toEqual(["DBX-JOB-008"]);
    expect(warningFindings(report).filter((f) => f.ruleId.startsWith("DBX-META")).map((f) => `${f.ruleId} ${f.message}`)).toEqual([
      "DBX-META-002 suppression of DBX-JOB-007 on databricks_job.Orchestrator_1234 (configuration): matches no finding",
      "DBX-META-002 suppression of DBX-JOB-008 on aut/Ingest (configuration): matches no finding",
    ]);
  });

  test("unknown rule IDs and short reasons are errors and suppress nothing", () => {
    const report = runPolicyPack({
      stack: unpaused,
      context: AUT,
      suppressions: [
        { rule: "DBX-JOB-999", resource: "databricks_job.Orchestrator_1234", reason: REASON },
        { rule: "DBX-JOB-008", resource: "databricks_job.Orchestrator_1234", reason: "because" },
        { rule: "DBX-JOB-008", resource: "databricks_job.Orchestrator_1234", reason: "" },
      ],
    });
    expect(blockingFindings(report).map((f) => `${f.ruleId} ${f.message}`)).toEqual([
      "DBX-JOB-008 schedule is UNPAUSED in acceptance",
      "DBX-META-001 suppression of DBX-JOB-999 on databricks_job.Orchestrator_1234 (configuration): unknown rule ID",
      "DBX-META-001 suppression of DBX-JOB-008 on databricks_job.Orchestrator_1234 (configuration): the reason must have 10 characters or more",
      "DBX-META-001 suppression of DBX-JOB-008 on databricks_job.Orchestrator_1234 (configuration): the reason must have 10 characters or more",
    ]);
  });

  test("a rule that throws fails closed", () => {
    const broken: PolicyRule = {
      id: "DBX-TEST-001",
      name: "Broken",
      level: "warning",
      description: "d",
      explanation: "e",
      check: () => {
        throw new Error("unexpected shape");
      },
    };
    const report = runPolicyPack({ stack: stackOf({}), context: PROD, rules: [broken] });
    expect(blockingFindings(report)).toEqual([
      { ruleId: "DBX-META-003", level: "error", address: "(rule DBX-TEST-001)", message: "Broken threw while evaluating: unexpected shape" },
    ]);
  });

  test("a finding on a rule that throws cannot be suppressed", () => {
    const broken: PolicyRule = { id: "DBX-TEST-001", name: "Broken", level: "error", description: "d", explanation: "e", check: () => ({}) as never };
    const report = runPolicyPack({ stack: stackOf({}), context: PROD, rules: [broken], suppressions: [{ rule: "DBX-TEST-001", resource: "(rule DBX-TEST-001)", reason: REASON }] });
    expect(blockingFindings(report)).toHaveLength(1);
  });
});

/** Testing.synth strips `"//"` metadata, so these tests synthesize like the real app does. */
function synthWithMetadata(build: (scope: Construct) => void): SynthesizedStack {
  const outdir = tempDir("dbx-policy-");
  const app = new App({ outdir, stackTraces: false });
  const stack = new TerraformStack(app, "aut");
  new DatabricksProvider(stack, "databricks", {});
  build(stack);
  app.synth();
  return JSON.parse(fs.readFileSync(path.join(outdir, "stacks", "aut", "cdk.tf.json"), "utf8")) as SynthesizedStack;
}

describe("PolicySuppressions on constructs", () => {
  test("writes the suppression into the resource's \"//\" metadata, where the pack reads it", () => {
    const tf = synthWithMetadata((scope) => {
      const job = new Job(scope, "Orchestrator", { name: "j", schedule: { quartzCronExpression: "0 0 2 * * ?", timezoneId: "UTC", pauseStatus: "UNPAUSED" } });
      PolicySuppressions.add(job, [{ rule: "DBX-JOB-008", reason: REASON }]);
    });
    const [body] = Object.values(tf.resource!.databricks_job);
    expect((body["//"] as Record<string, unknown>).policy_suppressions).toEqual({ "DBX-JOB-008": REASON });
    const report = runPolicyPack({ stack: tf, context: AUT });
    expect(report.findings.filter((f) => f.ruleId === "DBX-JOB-008").every((f) => f.suppressedBy?.source === "construct")).toBe(true);
    expect(report.suppressions.map((s) => [s.rule, s.source, s.matched])).toEqual([["DBX-JOB-008", "construct", 1]]);
  });

  test("refuses a reason shorter than 10 characters at once", () => {
    expect(() =>
      synthWithMetadata((scope) => PolicySuppressions.add(new Job(scope, "J", { name: "j" }), [{ rule: "DBX-JOB-008", reason: "short" }])),
    ).toThrow("the reason must have 10 characters or more");
  });
});
