import { META_RULES } from "./pack";
import { POLICY_RULES } from "./rules";

/** docs/policy-rules.md, generated from the rule objects so the documentation cannot drift. */
export function renderRulesDoc(): string {
  const meta = Object.values(META_RULES).map((m) => ({ ...m, name: "(pack)" }));
  const rules = [...POLICY_RULES, ...meta];
  return [
    "# Policy rules",
    "",
    "<!-- Generated from policy/rules by test/policy/docs.test.ts; regenerate with `UPDATE_POLICY_DOCS=1 npx jest test/policy/docs.test.ts`. -->",
    "",
    "`npm run synth` runs these rules over every synthesized stack (`cdktf.out/stacks/<env>/cdk.tf.json`) before publishing it, and",
    "`npm run audit` runs them over an existing `cdktf.out`. An **error** finding fails synthesis and nothing is published; a",
    "**warning** is printed and reported. Findings and suppressions are listed in `cdktf.out/stacks/<env>/audit.md`.",
    "",
    "## Suppressing a finding",
    "",
    "Every suppression names the rule, the resource and a reason of at least 10 characters. In the environment file:",
    "",
    "```yaml",
    "policy:",
    "  suppressions:",
    "    - rule: DBX-JOB-008",
    "      resource: aut/SystemTableIngestion/Orchestrator   # construct path, or databricks_job.<logicalId>",
    "      reason: Acceptance runs the nightly ingestion to validate the release candidate",
    "```",
    "",
    "or on a construct, written into each resource's `\"//\".policy_suppressions` metadata:",
    "",
    "```ts",
    'PolicySuppressions.add(orchestrator, [{ rule: "DBX-JOB-008", reason: "Acceptance runs the nightly ingestion" }]);',
    "```",
    "",
    "An unknown rule ID or a short reason is an error (DBX-META-001); a suppression that matches nothing is a warning (DBX-META-002).",
    "",
    "## Rules",
    "",
    "| ID | Level | Rule | Description |",
    "| --- | --- | --- | --- |",
    ...rules.map((r) => `| ${r.id} | ${r.level} | ${r.name} | ${r.description.replace(/\|/g, "\\|")} |`),
    "",
    ...rules.flatMap((r) => [`### ${r.id} ${r.name}`, "", `**${r.level}**: ${r.description}`, "", r.explanation, ""]),
  ].join("\n");
}
