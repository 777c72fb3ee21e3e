import { PolicyReport } from "./pack";
import { DiffRow } from "./environment-diff";
import { StackFacts } from "./facts";

export interface StackAudit {
  readonly environment: string;
  readonly tier: string;
  readonly facts: StackFacts;
  readonly policy: PolicyReport;
  /** Computed across every stack of the synth, the same in each stack's report. */
  readonly environmentDiff: readonly DiffRow[];
}

/** The audit as Markdown for people who do not read TypeScript. No timestamps: two synths are byte-identical. */
export function renderMarkdown(audit: StackAudit): string {
  const { facts, policy } = audit;
  const active = policy.findings.filter((f) => !f.suppressedBy);
  const errors = active.filter((f) => f.level === "error").length;
  const warnings = active.filter((f) => f.level === "warning").length;
  const environments = audit.environmentDiff.length > 0 ? Object.keys(audit.environmentDiff[0].values) : [];
  const lines = [
    `# Audit report: ${audit.environment} (${audit.tier})`,
    "",
    "Generated from the synthesized Terraform (`cdk.tf.json`) by `npm run synth` / `npm run audit`. Secret values are never shown: " +
      "destinations list only the Terraform variable each setting is bound from.",
    "",
    `- State backend: ${facts.backend}`,
    `- Resources: ${facts.inventory.reduce((n, i) => n + i.count, 0)}`,
    `- Policy: ${errors} error(s), ${warnings} warning(s), ${policy.findings.filter((f) => f.suppressedBy).length} suppressed finding(s), ${policy.suppressions.length} suppression(s)`,
    "",
    "## Resource inventory",
    "",
    table(["Resource type", "Count"], facts.inventory.map((i) => [i.type, String(i.count)])),
    "## Grants matrix",
    "",
    "Who holds which Unity Catalog privileges on what. `databricks_grants` resources are authoritative for their securable.",
    "",
    table(["Principal", "Securable", "Privileges", "Granted by"], facts.grants.map((g) => [g.principal, g.securable, g.privileges.join(", "), g.via])),
    "## Schedules",
    "",
    table(["Resource", "Name", "Kind", "Cron (Quartz)", "Timezone", "Pause status"], facts.schedules.map((s) => [s.address, s.name, s.kind, s.cron, s.timezone, s.pauseStatus])),
    "## Alerts, thresholds and destinations",
    "",
    table(["Resource", "Name", "Fires on", "Notifies"], facts.alerts.map((a) => [a.address, a.name, a.condition, a.notifies])),
    table(["Destination", "Name", "Type", "Settings (bound from)"], facts.destinations.map((d) => [d.address, d.name, d.type, d.settings])),
    "## Run-as identities",
    "",
    table(["Workload", "Runs as"], facts.runAs.map((r) => [r.address, r.runAs])),
    "## Dashboards",
    "",
    "Viewers of a dashboard with embedded credentials see data with the publisher's grants; without, with their own.",
    "",
    table(["Dashboard", "Name", "Folder", "Access", "Embedded credentials"], facts.dashboards.map((d) => [d.address, d.name, d.parentPath, d.acl, d.embedCredentials])),
    "## Protected resources (prevent_destroy)",
    "",
    facts.protectedResources.length > 0 ? facts.protectedResources.map((a) => `- ${a}`).join("\n") + "\n" : "_None: this environment allows destroying every resource._\n",
    "## Adopted objects (Terraform import blocks)",
    "",
    "Existing objects the first apply takes over instead of creating. Their settings and authoritative grants become this stack's: grants not declared here are revoked.",
    "",
    table(["Resource", "Imported id"], facts.adopted.map((a) => [a.address, a.importId])),
    "## Policy findings",
    "",
    table(
      ["Rule", "Level", "Resource", "Finding", "Suppressed because"],
      policy.findings.map((f) => [f.ruleId, f.level, f.address, f.message, f.suppressedBy ? `${f.suppressedBy.reason} (${f.suppressedBy.source})` : ""]),
    ),
    "### Suppressions",
    "",
    table(["Rule", "Resource", "Reason", "Declared in", "Findings matched"], policy.suppressions.map((s) => [s.rule, s.resource, s.reason, s.source, String(s.matched)])),
    "### Rule outcomes",
    "",
    table(["Rule", "Level", "Result", "Checks"], policy.rules.map((r) => [r.id, r.level, r.result, r.description])),
    "## Environment diff",
    "",
    "Settings that differ between the environments of this synth (sizes, schedules, pause states, thresholds, run-as, protection, backend).",
    "",
    table(["Resource", "Setting", ...environments], audit.environmentDiff.map((d) => [d.subject, d.setting, ...environments.map((e) => d.values[e])])),
  ];
  return lines.join("\n");
}

function table(header: string[], rows: string[][]): string {
  if (rows.length === 0) return "_None._\n";
  const cell = (s: string) => s.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\n/g, " ");
  return [`| ${header.join(" | ")} |`, `|${header.map(() => " --- ").join("|")}|`, ...rows.map((r) => `| ${r.map(cell).join(" | ")} |`)].join("\n") + "\n";
}
