import { MIN_REASON_LENGTH } from "../vocabulary/reasons";
import { Finding, PolicyContext, PolicyRule, RuleLevel, SynthesizedStack } from "./rule";
import { POLICY_RULES } from "./rules";
import { allResources, constructPath, isObject } from "./synthesized";

/**
 * Runs the rule pack over one synthesized stack, applies suppressions and validates them. Like
 * cdk-nag: a rule that throws fails closed, and every suppression, used or not, is in the report.
 */

/** Findings about the suppressions themselves; they cannot be suppressed. */
export const META_RULES = {
  invalidSuppression: {
    id: "DBX-META-001",
    level: "error" as RuleLevel,
    description: "Every suppression names a known rule ID and gives a reason of at least 10 characters.",
    explanation: "An exception nobody can explain is not reviewable; an unknown rule ID is usually a typo that suppresses nothing.",
  },
  unusedSuppression: {
    id: "DBX-META-002",
    level: "warning" as RuleLevel,
    description: "Every suppression matches at least one finding.",
    explanation: "A stale suppression would silently hide a future violation of the same rule on that resource; delete it.",
  },
  ruleFailure: {
    id: "DBX-META-003",
    level: "error" as RuleLevel,
    description: "Every rule evaluates without throwing.",
    explanation: "A rule that crashes proves nothing about the resources it skipped, so the pack fails closed (cdk-nag).",
  },
} as const;



export interface Suppression {
  readonly rule: string;
  /** Terraform address `type.logicalId`, or a construct path (the resource's or an ancestor's). */
  readonly resource: string;
  readonly reason: string;
  /** Where it was declared: an environment file, or `construct` for `"//"` metadata. */
  readonly source: string;
}

export interface ReportedFinding extends Finding {
  readonly ruleId: string;
  readonly level: RuleLevel;
  /** Set when a suppression covers the finding; the finding no longer fails synthesis. */
  readonly suppressedBy?: { readonly reason: string; readonly source: string };
}

export interface RuleOutcome {
  readonly id: string;
  readonly name: string;
  readonly level: RuleLevel;
  readonly description: string;
  readonly result: "compliant" | "not-applicable" | "non-compliant" | "suppressed";
}

export interface PolicyReport {
  readonly environment: string;
  readonly tier: string;
  readonly rules: readonly RuleOutcome[];
  readonly findings: readonly ReportedFinding[];
  readonly suppressions: readonly (Suppression & { readonly matched: number })[];
}

export interface RunPolicyPackOptions {
  readonly stack: SynthesizedStack;
  readonly context: PolicyContext;
  /** From the environment file; construct suppressions are read from the stack itself. */
  readonly suppressions?: readonly (Omit<Suppression, "source"> & { readonly source?: string })[];
  /** @default POLICY_RULES */
  readonly rules?: readonly PolicyRule[];
}

export function runPolicyPack(options: RunPolicyPackOptions): PolicyReport {
  const { stack, context } = options;
  const rules = options.rules ?? POLICY_RULES;
  const suppressions: Suppression[] = [
    ...(options.suppressions ?? []).map((s) => ({ ...s, source: s.source ?? "configuration" })),
    ...constructSuppressions(stack),
  ];
  const paths = new Map(allResources(stack).map((r) => [r.address, constructPath(r.body)]));
  const knownIds = new Set(rules.map((r) => r.id));
  const valid = suppressions.filter((s) => knownIds.has(s.rule) && s.reason.trim().length >= MIN_REASON_LENGTH);
  const matched = new Map<Suppression, number>();

  const findings: ReportedFinding[] = [];
  const outcomes: RuleOutcome[] = [];
  for (const rule of rules) {
    const raw = evaluate(rule, stack, context);
    const ruleFindings = raw.findings.map((f): ReportedFinding => {
      if (raw.threw) return { ...f, ruleId: META_RULES.ruleFailure.id, level: "error" };
      const by = valid.find((s) => s.rule === rule.id && covers(s.resource, f.address, paths.get(f.address), context.environment));
      if (!by) return { ...f, ruleId: rule.id, level: rule.level };
      matched.set(by, (matched.get(by) ?? 0) + 1);
      return { ...f, ruleId: rule.id, level: rule.level, suppressedBy: { reason: by.reason, source: by.source } };
    });
    findings.push(...ruleFindings);
    outcomes.push({
      id: rule.id,
      name: rule.name,
      level: rule.level,
      description: rule.description,
      result: raw.notApplicable ? "not-applicable" : ruleFindings.length === 0 ? "compliant" : ruleFindings.every((f) => f.suppressedBy) ? "suppressed" : "non-compliant",
    });
  }

  for (const s of suppressions) {
    const where = `suppression of ${s.rule} on ${s.resource} (${s.source})`;
    if (!knownIds.has(s.rule)) findings.push({ ruleId: META_RULES.invalidSuppression.id, level: "error", address: s.resource, message: `${where}: unknown rule ID` });
    else if (s.reason.trim().length < MIN_REASON_LENGTH) {
      findings.push({ ruleId: META_RULES.invalidSuppression.id, level: "error", address: s.resource, message: `${where}: the reason must have ${MIN_REASON_LENGTH} characters or more` });
    } else if (!matched.has(s)) findings.push({ ruleId: META_RULES.unusedSuppression.id, level: "warning", address: s.resource, message: `${where}: matches no finding` });
  }

  return {
    environment: context.environment,
    tier: context.tier,
    rules: outcomes,
    findings,
    suppressions: suppressions.map((s) => ({ ...s, matched: matched.get(s) ?? 0 })),
  };
}

/** Findings that fail synthesis: errors nobody suppressed. */
export function blockingFindings(report: PolicyReport): ReportedFinding[] {
  return report.findings.filter((f) => f.level === "error" && !f.suppressedBy);
}

export function warningFindings(report: PolicyReport): ReportedFinding[] {
  return report.findings.filter((f) => f.level === "warning" && !f.suppressedBy);
}

function evaluate(rule: PolicyRule, stack: SynthesizedStack, context: PolicyContext): { findings: Finding[]; notApplicable: boolean; threw: boolean } {
  try {
    const result = rule.check(stack, context);
    if (result === "compliant") return { findings: [], notApplicable: false, threw: false };
    if (result === "not-applicable") return { findings: [], notApplicable: true, threw: false };
    if (!Array.isArray(result)) throw new Error(`returned ${JSON.stringify(result)}`);
    return { findings: result, notApplicable: false, threw: false };
  } catch (e) {
    return { findings: [{ address: `(rule ${rule.id})`, message: `${rule.name} threw while evaluating: ${(e as Error).message}` }], notApplicable: false, threw: true };
  }
}

/** Address match, or construct-path match on the resource or an ancestor, with or without the stack prefix. */
function covers(resource: string, address: string, path: string | undefined, environment: string): boolean {
  if (resource === address) return true;
  if (!path) return false;
  const full = resource.startsWith(`${environment}/`) ? resource : `${environment}/${resource}`;
  return path === full || path.startsWith(`${full}/`);
}

/** Suppressions that `PolicySuppressions.add` wrote into resources' `"//"` metadata. */
function constructSuppressions(stack: SynthesizedStack): Suppression[] {
  return allResources(stack).flatMap((r) => {
    const declared = isObject(r.body["//"]) ? r.body["//"].policy_suppressions : undefined;
    if (!isObject(declared)) return [];
    return Object.entries(declared)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([rule, reason]) => ({ rule, resource: r.address, reason: typeof reason === "string" ? reason : "", source: "construct" }));
  });
}
