/**
 * The shape of a policy rule, modeled on cdk-nag: a pure function over the synthesized stack
 * (`cdk.tf.json` as an object) that says compliant, not applicable, or lists findings. Rules never
 * see constructs, so the same pack runs at synth time and standalone over an existing `cdktf.out`.
 */

export const TIERS = ["development", "acceptance", "production"] as const;
export type Tier = (typeof TIERS)[number];

export type RuleLevel = "error" | "warning";

/** What a rule knows besides the JSON: which environment it checks and how protected it is. */
export interface PolicyContext {
  readonly environment: string;
  readonly tier: Tier;
}

/** One resource (or stack-level block) that breaks a rule. */
export interface Finding {
  /** Terraform address `type.logicalId`, or `terraform.backend.<type>`, `provider.<name>`, `variable.<name>`. */
  readonly address: string;
  readonly message: string;
}

export const COMPLIANT = "compliant" as const;
export const NOT_APPLICABLE = "not-applicable" as const;
export type RuleResult = typeof COMPLIANT | typeof NOT_APPLICABLE | Finding[];

/** A synthesized stack, loosely typed: rules must cope with any shape a resource may take. */
export interface SynthesizedStack {
  readonly resource?: Record<string, Record<string, Record<string, unknown>>>;
  readonly data?: Record<string, Record<string, Record<string, unknown>>>;
  readonly provider?: Record<string, Record<string, unknown>[]>;
  readonly terraform?: Record<string, unknown>;
  readonly variable?: Record<string, Record<string, unknown>>;
  readonly output?: Record<string, Record<string, unknown>>;
  /** Terraform `import` blocks: existing objects adopted into an address. */
  readonly import?: readonly Record<string, unknown>[];
  readonly [key: string]: unknown;
}

export interface PolicyRule {
  /** `DBX-<AREA>-<NNN>`; the name suppressions use. */
  readonly id: string;
  /** The file name, like cdk-nag's rule names. */
  readonly name: string;
  readonly level: RuleLevel;
  /** One line, stated as the property that holds when compliant. */
  readonly description: string;
  /** Why the rule exists and what to do instead; shown in docs/policy-rules.md and in reports. */
  readonly explanation: string;
  readonly check: (stack: SynthesizedStack, context: PolicyContext) => RuleResult;
}

/** Turns an empty finding list into COMPLIANT, so rules can just return what they collected. */
export function findingsOrCompliant(findings: Finding[]): RuleResult {
  return findings.length > 0 ? findings : COMPLIANT;
}
