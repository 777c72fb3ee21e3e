/**
 * Shapes of credentials that must never appear as literals in configuration or synthesized
 * Terraform: the ONE list read by the config loader (stacks/config/load.ts), the policy pack
 * (policy/rules/NoSecretLiterals.ts) and the generated documentation (docs/secret-shapes.md).
 *
 * Sources: gitleaks' default rules (config/gitleaks.toml: aws-access-token, github-pat,
 * github-fine-grained-pat, jwt, databricks-api-token, slack-webhook-url, gcp-api-key,
 * azure-ad-client-secret, hashicorp-tf-api-token, private-key), KICS passwords_and_secrets regex
 * rules, and Databricks' own token prefixes (dapi = personal access token, dose = OAuth client
 * secret, https://docs.databricks.com/en/dev-tools/auth/oauth-m2m.html).
 *
 * Every pattern runs in linear time: no unbounded quantifier (`*`, `+`, `{n,}`) and no
 * quantified group containing a quantifier, so a backtracking engine tries at most a constant
 * number of steps per start position (test/secret-shapes.test.ts asserts this on the sources).
 * A detector only needs the first characters that make the shape unambiguous, so trailing
 * quantifiers are exact (`{32}`) rather than open-ended.
 */
export interface SecretPattern {
  readonly name: string;
  readonly pattern: RegExp;
  /** What the shape is, for the documentation. */
  readonly description: string;
}

export const SECRET_PATTERNS: readonly SecretPattern[] = [
  {
    name: "Slack webhook URL",
    pattern: /hooks\.slack\.com\/(?:services|workflows|triggers)\//i,
    description: "Incoming-webhook and workflow URLs under `hooks.slack.com`.",
  },
  { name: "Slack token", pattern: /\bxox[abposr]-[A-Za-z0-9-]{10}/, description: "Bot, user and app tokens (`xoxb-`, `xoxp-`, ...)." },
  {
    name: "Microsoft Teams webhook URL",
    pattern: /\.webhook\.office\.com\/|\.logic\.azure\.com:?\d{0,5}\/workflows\/|\.api\.powerplatform\.com:?\d{0,5}\/powerautomate\//i,
    description: "Office 365 connector webhooks and Power Automate (Workflows app) trigger URLs.",
  },
  { name: "Databricks personal access token", pattern: /\bdapi[a-f0-9]{32}/, description: "`dapi` followed by 32 hex digits." },
  { name: "Databricks OAuth secret", pattern: /\bdo(?:se|au)[a-f0-9]{32}/, description: "Service principal OAuth client secrets (`dose`) and refresh tokens (`doau`)." },
  { name: "private key", pattern: /-----BEGIN [A-Z ]{0,24}PRIVATE KEY-----/, description: "PEM private keys (RSA, EC, OpenSSH, PKCS#8, encrypted)." },
  {
    name: "password in URL",
    pattern: /\b[a-z][a-z0-9+.-]{0,31}:\/\/[^/\s:@]{1,256}:[^/\s@]{1,256}@/i,
    description: "`scheme://user:password@host` (JDBC, database and broker URLs).",
  },
  {
    name: "PagerDuty integration key",
    pattern: /\bevents\.pagerduty\.com\/integration\/[a-f0-9]{32}/i,
    description: "Events API integration URLs carrying the routing key.",
  },
  { name: "AWS access key", pattern: /\b(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}\b/, description: "Access key ids (`AKIA...`, temporary `ASIA...`)." },
  {
    name: "AWS secret access key",
    pattern: /aws_?secret_?access_?key["']?\s{0,4}[:=]\s{0,4}["']?[A-Za-z0-9/+]{40}/i,
    description: "A 40-character secret key written next to its name (`aws_secret_access_key = ...`).",
  },
  {
    name: "GitHub token",
    pattern: /\bgh[pousr]_[A-Za-z0-9]{36}|\bgithub_pat_[A-Za-z0-9_]{82}/,
    description: "Classic (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`) and fine-grained (`github_pat_`) tokens.",
  },
  {
    name: "JSON web token",
    pattern: /\beyJ[A-Za-z0-9_-]{8,4096}\.eyJ[A-Za-z0-9_-]{8,8192}\.[A-Za-z0-9_-]{8}/,
    description: "Signed JWTs (`eyJ<header>.eyJ<claims>.<signature>`), e.g. Azure AD access tokens.",
  },
  {
    name: "Azure storage account key",
    pattern: /\b(?:AccountKey|SharedAccessKey)=[A-Za-z0-9+/]{40}/,
    description: "Keys in storage and Service Bus connection strings (`AccountKey=...`).",
  },
  {
    name: "Azure shared access signature",
    pattern: /[?&]sig=[A-Za-z0-9%+/]{30}/,
    description: "The `sig=` signature of a SAS URL or token.",
  },
  {
    name: "Azure AD client secret",
    pattern: /(?:^|[\s"'=:,(>])[A-Za-z0-9_~.]{3}\dQ~[A-Za-z0-9_~.-]{31}/,
    description: "Entra ID application secrets (`xxx8Q~...`).",
  },
  {
    name: "GCP service account key",
    pattern: /"private_key_id"\s{0,4}:\s{0,4}"[a-f0-9]{40}"/,
    description: "A service account JSON key file (its `private_key_id`; the key itself is a private key).",
  },
  { name: "Google API key", pattern: /\bAIza[0-9A-Za-z_-]{35}/, description: "`AIza` followed by 35 characters." },
  { name: "Google OAuth client secret", pattern: /\bGOCSPX-[A-Za-z0-9_-]{28}/, description: "`GOCSPX-` followed by 28 characters." },
  {
    name: "Terraform Cloud token",
    pattern: /\b[a-z0-9]{14}\.atlasv1\.[A-Za-z0-9_=-]{60}/,
    description: "HCP Terraform / Terraform Enterprise API tokens (`<id>.atlasv1.<secret>`), used by the remote backend.",
  },
];

/** Returns the name of the first secret shape `text` matches, or undefined. Linear in `text.length`. */
export function findSecret(text: string): string | undefined {
  return SECRET_PATTERNS.find((p) => p.pattern.test(text))?.name;
}

/** docs/secret-shapes.md, generated from SECRET_PATTERNS (test/secret-shapes.test.ts keeps it current). */
export function renderSecretShapesDoc(): string {
  return [
    "# Secret shapes",
    "",
    "<!-- Generated from vocabulary/secret-shapes.ts by test/secret-shapes.test.ts; regenerate with `UPDATE_SECRET_DOCS=1 npx jest test/secret-shapes.test.ts`. -->",
    "",
    "A string shaped like one of these credentials is refused wherever it appears: as a value or a map key in",
    "`environments/<env>.yaml` (the loader names the field, never the value), and anywhere in a synthesized stack",
    "(policy rule DBX-SEC-001 NoSecretLiterals, which also checks keys). Pass secrets as sensitive Terraform",
    "variables (`TF_VAR_<name>`) at plan/apply time instead.",
    "",
    "| Shape | What it matches |",
    "| --- | --- |",
    ...SECRET_PATTERNS.map((p) => `| ${p.name} | ${p.description.replace(/\|/g, "\\|")} |`),
    "",
    "Every pattern is linear-time (bounded quantifiers only), and configuration strings longer than 65536 characters",
    "are refused before any pattern runs.",
    "",
  ].join("\n");
}
