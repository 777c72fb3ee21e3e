import * as fs from "fs";
import * as path from "path";
import { TerraformStack, Testing } from "cdktf";
import { Construct } from "constructs";
import { TerraformVariable } from "../../constructs/core";
import { DestinationTarget, NotificationDestination, sensitiveVariable } from "../../constructs/notification-destination";
import { findSecret } from "../../vocabulary/secret-shapes";
import { bindSqlParameters, sqlParameterNames } from "../../constructs/sql-parameters";
import { onlyResource, synthConstructs } from "../helpers";

const build = (target: (scope: Construct) => DestinationTarget) =>
  synthConstructs((scope) => new NotificationDestination(scope, "Dest", { displayName: "[dev] dest", target: target(scope) }));

describe("NotificationDestination", () => {
  test("e-mail: addresses in clear (not secrets), no variables", () => {
    const tf = build(() => ({ type: "email", addresses: ["ops@example.com"] }));
    expect(onlyResource(tf, "databricks_notification_destination")).toMatchObject({
      display_name: "[dev] dest",
      config: { email: { addresses: ["ops@example.com"] } },
    });
    expect(tf.variable).toBeUndefined();
  });

  test.each<[string, (scope: Construct) => DestinationTarget, Record<string, unknown>]>([
    ["slack", (s) => ({ type: "slack", url: sensitiveVariable(s, "slack_webhook_url", "d") }), { slack: { url: "${var.slack_webhook_url}" } }],
    ["teams", (s) => ({ type: "microsoft_teams", url: sensitiveVariable(s, "teams_url", "d") }), { microsoft_teams: { url: "${var.teams_url}" } }],
    ["pagerduty", (s) => ({ type: "pagerduty", integrationKey: sensitiveVariable(s, "pd_key", "d") }), { pagerduty: { integration_key: "${var.pd_key}" } }],
    [
      "webhook",
      (s) => ({ type: "generic_webhook", url: sensitiveVariable(s, "hook_url", "d"), username: sensitiveVariable(s, "hook_user", "d"), password: sensitiveVariable(s, "hook_pw", "d") }),
      { generic_webhook: { url: "${var.hook_url}", username: "${var.hook_user}", password: "${var.hook_pw}" } },
    ],
  ])("%s: secret fields reference sensitive variables with no default", (_name, target, config) => {
    const tf = build(target);
    expect(onlyResource(tf, "databricks_notification_destination").config).toEqual(config);
    const variables = tf.variable as Record<string, Record<string, unknown>>;
    expect(Object.keys(variables).length).toBeGreaterThan(0);
    for (const v of Object.values(variables)) {
      expect(v).toMatchObject({ type: "string", sensitive: true, nullable: false });
      expect(v.default).toBeUndefined();
    }
    expect(findSecret(JSON.stringify(tf))).toBeUndefined();
  });

  test("one variable per name, declared once", () => {
    const tf = synthConstructs((scope) => {
      for (const id of ["A", "B"]) {
        new NotificationDestination(scope, id, { displayName: id, target: { type: "slack", url: sensitiveVariable(scope, "slack_webhook_url", "d") } });
      }
    });
    expect(Object.keys(tf.variable as object)).toEqual(["slack_webhook_url"]);
  });

  test.each<[string, (scope: Construct) => DestinationTarget, string]>([
    ["a non-sensitive variable", (s) => ({ type: "slack", url: new TerraformVariable(s, "plain", { type: "string" }) }), 'url: variable "plain" must be declared sensitive'],
    [
      "a variable with a default",
      (s) => ({ type: "pagerduty", integrationKey: new TerraformVariable(s, "dflt", { type: "string", sensitive: true, default: "x" }) }),
      'integrationKey: variable "dflt" must have no default',
    ],
    ["a literal", () => ({ type: "slack", url: "https://example.com/hook" as unknown as TerraformVariable }), "url: expected a TerraformVariable, never a literal value"],
    ["no e-mail address", () => ({ type: "email", addresses: [] }), "addresses: at least one e-mail address is required"],
    [
      "a user name without a password",
      (s) => ({ type: "generic_webhook", url: sensitiveVariable(s, "u", "d"), username: sensitiveVariable(s, "n", "d") }),
      "username/password: set both or neither",
    ],
  ])("refuses %s", (_name, target, message) => {
    expect(() => build(target)).toThrow(message);
  });

  test("sensitiveVariable refuses a value where a name belongs", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    expect(() => sensitiveVariable(stack, "https://hooks.example.com/x", "d")).toThrow("expected a Terraform variable name");
    expect(() => sensitiveVariable(stack, "0123456789abcdef0123456789abcdef", "d")).toThrow("expected a Terraform variable name");
    expect(() => sensitiveVariable(stack, "a123456789abcdef0123456789abcdef", "d")).toThrow("looks like a secret value");
  });
});

describe("bindSqlParameters", () => {
  // Shared with the Python twin (notebooks/evaluate_alerts.py, test/python/test_gold_alert_history.py).
  const registry = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "sql", "registry", "sql_parameter_binding_cases.json"), "utf8")) as {
    cases: { sql: string; params: Record<string, string>; bound: string }[];
    missing: { sql: string; params: Record<string, string>; error: string };
  };

  test("the shared registry has cases", () => {
    expect(registry.cases.length).toBeGreaterThan(0);
  });

  test.each(registry.cases.map((c, i) => [i, c] as const))("registry case %i binds as the registry says", (_i, c) => {
    expect(bindSqlParameters(c.sql, c.params)).toBe(c.bound);
    // Every parameter a case binds is a marker of its SQL, and only those.
    expect(sqlParameterNames(c.sql)).toEqual(Object.keys(c.params).sort());
  });

  test("a missing parameter fails with the registry's error", () => {
    expect(() => bindSqlParameters(registry.missing.sql, registry.missing.params)).toThrow(registry.missing.error);
  });

  test("markers inside literals, comments, casts and paths are not markers", () => {
    const sql = "-- :not_me\nSELECT x::string, v:path, ':nor_me', `:q`, CAST(:threshold AS INT) FROM IDENTIFIER(:catalog || '.t') /* :c */";
    expect(sqlParameterNames(sql)).toEqual(["catalog", "threshold"]);
  });
});
