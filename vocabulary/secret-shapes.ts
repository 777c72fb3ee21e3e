/**
 * Shapes of credentials that must never appear as literals in configuration or synthesized
 * Terraform. Sources: KICS passwords_and_secrets regex rules, gitleaks' databricks-api-token rule,
 * checkov's secret IDs. Used by the config loader and by the policy pack.
 */
export interface SecretPattern {
  readonly name: string;
  readonly pattern: RegExp;
}

export const SECRET_PATTERNS: readonly SecretPattern[] = [
  { name: "Slack webhook URL", pattern: /hooks\.slack\.com\/(services|workflows|triggers)\//i },
  { name: "Slack token", pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}/ },
  { name: "Microsoft Teams webhook URL", pattern: /\.webhook\.office\.com\/|\.logic\.azure\.com.*\/workflows\//i },
  { name: "Databricks personal access token", pattern: /\bdapi[a-f0-9]{32}(-\d)?\b/ },
  { name: "private key", pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----/ },
  { name: "password in URL", pattern: /[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i },
  { name: "PagerDuty integration key", pattern: /\bevents\.pagerduty\.com\/integration\/[a-f0-9]{32}/i },
];

/** Returns the name of the first secret shape `text` matches, or undefined. */
export function findSecret(text: string): string | undefined {
  return SECRET_PATTERNS.find((p) => p.pattern.test(text))?.name;
}
