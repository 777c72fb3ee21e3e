import * as fs from "fs";
import * as path from "path";
import { blockingFindings, ReportedFinding, runPolicyPack, warningFindings } from "./pack";
import { SynthesizedStack } from "./rule";
import { Tier } from "../vocabulary/tiers";
import { environmentDiff } from "./environment-diff";
import { stackFacts } from "./facts";
import { renderMarkdown, StackAudit } from "./render";

/**
 * What the audit needs of an environment file: its tier and its policy suppressions. A plain
 * shape (the loaded environments of stacks/config fit it), so policy/ reads no configuration code.
 */
export interface AuditedEnvironment {
  /** The environment file, for messages. */
  readonly file: string;
  readonly config: {
    readonly environment: string;
    readonly tier: Tier;
    readonly policy?: { readonly suppressions?: readonly { readonly rule: string; readonly resource: string; readonly reason: string }[] };
  };
}

/** The report files written into each stack directory, next to cdk.tf.json. */
export const AUDIT_FILES = ["audit.md", "audit.json"];

/** Error findings remain: nothing may be published or applied. */
export class PolicyViolationError extends Error {
  constructor(readonly findings: readonly string[]) {
    super(`policy check failed with ${findings.length} error finding${findings.length === 1 ? "" : "s"}:\n${findings.map((f) => `  ${f}`).join("\n")}`);
    this.name = "PolicyViolationError";
  }
}

export interface AuditResult {
  readonly audits: readonly StackAudit[];
  /** `[<env>] <RULE-ID> <address>: <message>` for each unsuppressed error finding. */
  readonly errors: readonly string[];
  readonly warnings: readonly string[];
}

/**
 * Runs the policy pack over every `<stacksDir>/<env>/cdk.tf.json`, writes audit.md and audit.json
 * beside each, and returns the findings. Used by synthesis on the staging directory (before
 * publishing) and by `npm run audit` on an existing cdktf.out.
 */
export function auditStacksDir(stacksDir: string, environments: readonly AuditedEnvironment[]): AuditResult {
  const configs = new Map(environments.map((e) => [e.config.environment, e]));
  const names = fs.readdirSync(stacksDir).filter((d) => fs.existsSync(path.join(stacksDir, d, "cdk.tf.json"))).sort();
  const inputs: Record<string, { stack: SynthesizedStack; tier: string; loaded: AuditedEnvironment }> = {};
  for (const name of names) {
    const loaded = configs.get(name);
    if (!loaded) throw new Error(`stack ${name} has no environment file: cannot tell its tier or suppressions`);
    const stack = JSON.parse(fs.readFileSync(path.join(stacksDir, name, "cdk.tf.json"), "utf8")) as SynthesizedStack;
    inputs[name] = { stack, tier: loaded.config.tier, loaded };
  }
  const diff = environmentDiff(inputs);
  const audits: StackAudit[] = names.map((name) => {
    const { stack, loaded } = inputs[name];
    const policy = runPolicyPack({
      stack,
      context: { environment: name, tier: loaded.config.tier },
      suppressions: (loaded.config.policy?.suppressions ?? []).map((s) => ({ ...s, source: loaded.file })),
    });
    return { environment: name, tier: loaded.config.tier, facts: stackFacts(stack), policy, environmentDiff: diff };
  });
  for (const audit of audits) {
    const dir = path.join(stacksDir, audit.environment);
    fs.writeFileSync(path.join(dir, "audit.md"), renderMarkdown(audit));
    fs.writeFileSync(path.join(dir, "audit.json"), `${JSON.stringify(audit, null, 2)}\n`);
  }
  const format = (env: string, f: ReportedFinding) => `[${env}] ${f.ruleId} ${f.address}: ${f.message}`;
  return {
    audits,
    errors: audits.flatMap((a) => blockingFindings(a.policy).map((f) => format(a.environment, f))),
    warnings: audits.flatMap((a) => warningFindings(a.policy).map((f) => format(a.environment, f))),
  };
}
