import * as fs from "fs";
import * as path from "path";
import { findSecret, renderSecretShapesDoc, SECRET_PATTERNS } from "../vocabulary/secret-shapes";
import { POLICY_RULES } from "../policy/rules";
import { PROD, stackOf } from "./policy/fixtures";
import { PROJECT_ROOT } from "./helpers";

/**
 * One fake credential per shape, and one near miss that must NOT match. Both are assembled at run
 * time from fragments, so no secret-shaped literal is ever committed (scanners read this file too).
 */
const j = (...parts: string[]) => parts.join("");
const hex = (n: number) => "0123456789abcdef".repeat(Math.ceil(n / 16)).slice(0, n);
const alnum = (n: number) => "aB3dE6gH9jK2mN5pQ8sT1vW4yZ7".repeat(Math.ceil(n / 27)).slice(0, n);
const b64url = (text: string) => Buffer.from(text).toString("base64url");

const CASES: Record<string, { positive: string; negative: string }> = {
  "Slack webhook URL": {
    positive: j("https://hooks.", "slack.com/services/", "T0000/B0000/", "x".repeat(24)),
    negative: j("https://slack.com/", "services/", "T0000"),
  },
  "Slack token": { positive: j("xo", "xb-", "1".repeat(12), "-abc"), negative: j("xo", "xz-", "1".repeat(12)) },
  "Microsoft Teams webhook URL": {
    positive: j("https://prod-01.westeurope.", "logic.azure.com:443", "/workflows/", hex(32), "/triggers/manual"),
    negative: j("https://learn.microsoft.com/", "azure/logic-apps/", "workflows"),
  },
  "Databricks personal access token": { positive: j("da", "pi", hex(32)), negative: j("da", "pi", hex(31), "g") },
  "Databricks OAuth secret": { positive: j("do", "se", hex(32)), negative: j("do", "se", "-", hex(32)) },
  "private key": {
    positive: j("-----BEGIN ", "OPENSSH PRIVATE", " KEY-----\n", alnum(40)),
    negative: j("-----BEGIN ", "PUBLIC", " KEY-----\n", alnum(40)),
  },
  "password in URL": {
    positive: j("jdbc:postgresql://", "svc_user", ":", "s3cr3t-", alnum(6), "@db.example.com:5432/obs"),
    negative: "https://db.example.com:5432/obs?user=svc_user",
  },
  "PagerDuty integration key": {
    positive: j("https://events.", "pagerduty.com/integration/", hex(32), "/enqueue"),
    negative: "https://events.pagerduty.com/v2/enqueue",
  },
  "AWS access key": { positive: j("AK", "IA", "ABCDEFGHIJKLMNOP"), negative: j("AK", "IA", "abcdefghijklmnop") },
  "AWS secret access key": {
    positive: j("aws_secret_", "access_key = ", alnum(40)),
    negative: j("aws_secret_", "access_key = ", "${var.aws_secret}"),
  },
  "GitHub token": { positive: j("gh", "p_", alnum(36)), negative: j("gh", "x_", alnum(36)) },
  "JSON web token": {
    positive: j(b64url('{"alg":"RS256","typ":"JWT"}'), ".", b64url('{"sub":"spn","aud":"databricks"}'), ".", alnum(43)),
    negative: j(b64url('{"alg":"RS256"}'), ".", "not-a-claims-part", ".", alnum(43)),
  },
  "Azure storage account key": {
    positive: j("DefaultEndpointsProtocol=https;AccountName=st;", "Account", "Key=", alnum(86), "=="),
    negative: "DefaultEndpointsProtocol=https;AccountName=st;EndpointSuffix=core.windows.net",
  },
  "Azure shared access signature": {
    positive: j("https://st.blob.core.windows.net/c?sv=2022-11-02&sp=r&", "si", "g=", alnum(40), "%3D"),
    negative: "https://st.blob.core.windows.net/c?sv=2022-11-02&sp=r",
  },
  "Azure AD client secret": { positive: j("secret: ", "abc", "8Q~", alnum(34)), negative: j("secret: ", "abc", "8Q-", alnum(34)) },
  "GCP service account key": {
    positive: j('{"type": "service_account", "private_', 'key_id": "', hex(40), '"}'),
    negative: '{"type": "service_account", "client_email": "sa@project.iam.gserviceaccount.com"}',
  },
  "Google API key": { positive: j("AI", "za", alnum(35)), negative: j("AI", "zb", alnum(35)) },
  "Google OAuth client secret": { positive: j("GOC", "SPX-", alnum(28)), negative: j("GOC", "SPY-", alnum(28)) },
  "Terraform Cloud token": { positive: j(alnum(14).toLowerCase(), ".atlas", "v1.", alnum(70)), negative: "app.terraform.io/app/org/workspaces" },
};

describe("secret shapes (vocabulary/secret-shapes.ts)", () => {
  test("every shape has a positive and a negative case here, and no case is left over", () => {
    expect(Object.keys(CASES).sort()).toEqual(SECRET_PATTERNS.map((p) => p.name).sort());
  });

  test.each(SECRET_PATTERNS.map((p) => [p.name, p] as const))("%s: the fake matches, the near miss does not", (name, shape) => {
    const { positive, negative } = CASES[name];
    expect(shape.pattern.test(positive)).toBe(true);
    expect(findSecret(positive)).toBe(name);
    expect(shape.pattern.test(negative)).toBe(false);
    // Embedded in longer text it is still found: scanners see whole values, not tokens.
    expect(findSecret(`prefix ${positive} suffix`)).toBeDefined();
  });

  test.each(SECRET_PATTERNS.map((p) => [p.name, p.pattern.source] as const))("%s: the pattern is linear-time (bounded quantifiers, none nested)", (_name, source) => {
    // Strip escapes and character classes: what is left is the pattern's structure.
    const structure = source.replace(/\\./g, "x").replace(/\[[^\]]*\]/g, "x");
    expect(structure).not.toMatch(/[*+]|\{\d+,\}/);
    // No quantifier applied to a group that itself contains a quantifier.
    const groups = structure.match(/\((?:[^()]|\([^()]*\))*\)(?:[?*+]|\{\d+(?:,\d*)?\})/g) ?? [];
    for (const g of groups) expect(g.slice(0, g.lastIndexOf(")"))).not.toMatch(/\{\d+(?:,\d*)?\}/);
  });

  test("the policy pack finds every shape, as a value and as a map key, without echoing it", () => {
    const rule = POLICY_RULES.find((r) => r.id === "DBX-SEC-001")!;
    for (const [name, { positive, negative }] of Object.entries(CASES)) {
      const asValue = rule.check(stackOf({ databricks_catalog: { C: { name: "c", properties: { note: positive } } } }), PROD);
      expect(asValue).toEqual([{ address: "databricks_catalog.C", message: `properties.note looks like a ${name}` }]);
      const asKey = rule.check(stackOf({ databricks_catalog: { C: { name: "c", properties: { [positive]: "x" } } } }), PROD);
      expect(asKey).toEqual([{ address: "databricks_catalog.C", message: `a key of properties looks like a ${name}` }]);
      expect(JSON.stringify([asValue, asKey])).not.toContain(positive);
      expect(rule.check(stackOf({ databricks_catalog: { C: { name: "c", properties: { note: negative, [negative]: "x" } } } }), PROD)).toBe("compliant");
    }
  });

  test("docs/secret-shapes.md is generated from the list", () => {
    const doc = path.join(PROJECT_ROOT, "docs", "secret-shapes.md");
    const expected = renderSecretShapesDoc();
    if (process.env.UPDATE_SECRET_DOCS) fs.writeFileSync(doc, expected);
    expect(fs.readFileSync(doc, "utf8")).toBe(expected);
    for (const p of SECRET_PATTERNS) expect(expected).toContain(`| ${p.name} |`);
  });
});
