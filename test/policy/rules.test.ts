import { PolicyContext, PolicyRule, SynthesizedStack } from "../../policy/rule";
import { POLICY_RULES } from "../../policy/rules";
import { AUT, DEV, FAKE, goodJob, goodPipeline, goodServing, PROD, SP, stackOf, TAGS } from "./fixtures";

interface Case {
  readonly stack: SynthesizedStack;
  readonly context?: PolicyContext;
}

const grants = (principal: string, privileges: string[]) => ({ catalog: "c", grant: [{ principal, privileges }] });
const destination = (url: unknown) => ({ display_name: "slack", config: { slack: { url } } });
const sensitiveVar = { type: "string", sensitive: true };

/** For every rule: one stack it accepts and one it rejects, in the context given (production by default). */
const CASES: Record<string, { compliant: Case; nonCompliant: Case }> = {
  "DBX-SEC-001": {
    compliant: { stack: stackOf({ databricks_notification_destination: { D: destination("${var.slack_url}") } }) },
    nonCompliant: {
      stack: stackOf({
        databricks_notification_destination: { D: destination(FAKE.slackWebhook()) },
        databricks_job: { J: goodJob({ description: FAKE.databricksToken() }) },
        databricks_secret: { S: { string_value: FAKE.privateKey() } },
        databricks_notebook: { N: { content_base64: FAKE.slackToken() } },
      }),
    },
  },
  "DBX-SEC-002": {
    compliant: { stack: stackOf({ databricks_notification_destination: { D: destination("${var.slack_url}") } }, { variable: { slack_url: sensitiveVar } }) },
    nonCompliant: { stack: stackOf({ databricks_notification_destination: { D: destination("https://example.com/hook") } }) },
  },
  "DBX-SEC-003": {
    compliant: { stack: stackOf({ databricks_notification_destination: { D: destination("${var.slack_url}") } }, { variable: { slack_url: sensitiveVar } }) },
    nonCompliant: {
      stack: stackOf(
        { databricks_notification_destination: { D: destination("${var.slack_url}") } },
        { variable: { slack_url: { type: "string", default: "x" } }, output: { url: { value: "${var.slack_url}" } } },
      ),
    },
  },
  "DBX-SEC-004": {
    compliant: { stack: stackOf({ databricks_model_serving: { E: goodServing({ config: { served_entities: [{ external_model: { openai_config: { openai_api_key: "{{secrets/s/k}}" } } }] } }) } }) },
    nonCompliant: { stack: stackOf({ databricks_model_serving: { E: goodServing({ config: { served_entities: [{ external_model: { openai_config: { openai_api_key_plaintext: "${var.k}" } } }] } }) } }) },
  },
  "DBX-SEC-005": {
    compliant: { stack: stackOf({}) },
    nonCompliant: { stack: stackOf({}, { provider: { databricks: [{ host: "h", token: "${var.token}" }] } }) },
  },
  "DBX-SEC-006": {
    compliant: { stack: stackOf({}, { terraform: { backend: { s3: { bucket: "b", encrypt: true } } } }), context: AUT },
    nonCompliant: { stack: stackOf({}, { terraform: { backend: { local: { path: "x.tfstate" } } } }), context: AUT },
  },
  "DBX-UC-001": {
    compliant: { stack: stackOf({ databricks_grants: { G: grants("data-analysts", ["USE_CATALOG"]) } }) },
    nonCompliant: { stack: stackOf({ databricks_grants: { G: grants("account users", ["USE_CATALOG"]) } }) },
  },
  "DBX-UC-002": {
    compliant: { stack: stackOf({ databricks_grants: { G: grants("data-analysts", ["USE_CATALOG"]) } }) },
    nonCompliant: { stack: stackOf({ databricks_grant: { G: { schema: "c.s", principal: "data-engineers", privileges: ["ALL_PRIVILEGES"] } } }) },
  },
  "DBX-UC-003": {
    compliant: { stack: stackOf({ databricks_grants: { G: grants(SP, ["USE_CATALOG"]) } }) },
    nonCompliant: { stack: stackOf({ databricks_grants: { G: grants("someone@example.com", ["USE_CATALOG"]) } }) },
  },
  "DBX-UC-004": {
    compliant: { stack: stackOf({ databricks_grants: { G: grants("a", ["USE_CATALOG"]) }, databricks_grant: { H: { catalog: "other", principal: "b", privileges: ["USE_CATALOG"] } } }) },
    nonCompliant: {
      stack: stackOf({
        databricks_catalog: { C: { name: "c", owner: "platform-admins" } },
        // The same catalog, once by reference and once by literal name.
        databricks_grants: { G: { catalog: "${databricks_catalog.C.name}", grant: [{ principal: "a", privileges: ["USE_CATALOG"] }] } },
        databricks_grant: { H: { catalog: "c", principal: "b", privileges: ["USE_CATALOG"] } },
      }),
    },
  },
  "DBX-UC-005": {
    compliant: { stack: stackOf({ databricks_grant: { A: { schema: "system.access", principal: "a", privileges: ["SELECT"] }, B: { schema: "system.access", principal: "b", privileges: ["SELECT"] } } }) },
    nonCompliant: { stack: stackOf({ databricks_grant: { A: { schema: "system.access", principal: "a", privileges: ["SELECT"] }, B: { schema: "system.access", principal: "a", privileges: ["USE_SCHEMA"] } } }) },
  },
  "DBX-UC-006": {
    compliant: { stack: stackOf({ databricks_catalog: { C: { name: "c", owner: "platform-admins", lifecycle: { prevent_destroy: true } } } }) },
    nonCompliant: { stack: stackOf({ databricks_schema: { S: { name: "s", lifecycle: { prevent_destroy: true } } }, databricks_volume: { V: { name: "v", owner: "me@example.com" } } }) },
  },
  "DBX-UC-007": {
    compliant: { stack: stackOf({ databricks_grants: { G: grants("a", ["USE_CATALOG", "BROWSE"]) } }) },
    nonCompliant: { stack: stackOf({ databricks_grants: { G: grants("a", ["CREATE_CONNECTION"]) } }) },
  },
  "DBX-DL-001": {
    compliant: { stack: stackOf({ databricks_catalog: { C: { name: "c", owner: "g", force_destroy: false } } }), context: AUT },
    nonCompliant: { stack: stackOf({ databricks_catalog: { C: { name: "c", owner: "g", force_destroy: true } } }), context: AUT },
  },
  "DBX-DL-002": {
    compliant: { stack: stackOf({ databricks_sql_table: { T: { name: "t", lifecycle: { prevent_destroy: true } } } }) },
    nonCompliant: { stack: stackOf({ databricks_quality_monitor: { M: { table_name: "c.s.t" } } }) },
  },
  "DBX-PIPE-001": {
    compliant: { stack: stackOf({ databricks_pipeline: { P: goodPipeline() } }) },
    nonCompliant: { stack: stackOf({ databricks_pipeline: { P: goodPipeline({ schema: undefined, target: "t", storage: "/x" }) } }) },
  },
  "DBX-PIPE-002": {
    compliant: { stack: stackOf({ databricks_pipeline: { P: goodPipeline() } }) },
    nonCompliant: { stack: stackOf({ databricks_pipeline: { P: goodPipeline({ allow_duplicate_names: true }) } }) },
  },
  "DBX-PIPE-003": {
    compliant: { stack: stackOf({ databricks_pipeline: { P: goodPipeline() } }) },
    nonCompliant: { stack: stackOf({ databricks_pipeline: { P: goodPipeline({ development: true }) } }) },
  },
  "DBX-PIPE-004": {
    compliant: { stack: stackOf({ databricks_pipeline: { P: goodPipeline() } }) },
    nonCompliant: { stack: stackOf({ databricks_pipeline: { P: goodPipeline({ notification: [{ email_recipients: ["a@example.com"], alerts: ["on-flow-failure"] }] }) } }) },
  },
  "DBX-JOB-001": {
    compliant: { stack: stackOf({ databricks_job: { J: goodJob() }, databricks_alert_v2: { A: { run_as: { service_principal_name: SP }, schedule: { pause_status: "PAUSED" } } } }) },
    nonCompliant: { stack: stackOf({ databricks_job: { J: goodJob({ run_as: { user_name: "me@example.com" } }) }, databricks_pipeline: { P: goodPipeline({ run_as: undefined }) } }) },
  },
  "DBX-JOB-002": {
    compliant: { stack: stackOf({ databricks_job: { J: goodJob() } }) },
    nonCompliant: { stack: stackOf({ databricks_job: { J: goodJob({ timeout_seconds: undefined }), K: goodJob({ timeout_seconds: 0 }) } }) },
  },
  "DBX-JOB-003": {
    compliant: { stack: stackOf({ databricks_job: { J: goodJob() } }) },
    nonCompliant: { stack: stackOf({ databricks_job: { J: goodJob({ task: [{ task_key: "a", max_retries: -1 }, { task_key: "b", max_retries: 3 }] }) } }) },
  },
  "DBX-JOB-004": {
    compliant: { stack: stackOf({ databricks_job: { J: goodJob({ email_notifications: undefined, webhook_notifications: { on_failure: [{ id: "${databricks_notification_destination.D.id}" }] } }) } }) },
    nonCompliant: { stack: stackOf({ databricks_job: { J: goodJob({ email_notifications: { on_success: ["a@example.com"] } }) } }) },
  },
  "DBX-JOB-005": {
    compliant: { stack: stackOf({ databricks_job: { J: goodJob() } }) },
    nonCompliant: { stack: stackOf({ databricks_job: { J: goodJob({ health: { rules: [{ metric: "STREAMING_BACKLOG_FILES", op: "GREATER_THAN", value: 10 }] } }) } }) },
  },
  "DBX-JOB-006": {
    compliant: { stack: stackOf({ databricks_job: { J: goodJob({ max_concurrent_runs: undefined }) } }) },
    nonCompliant: { stack: stackOf({ databricks_job: { J: goodJob({ max_concurrent_runs: 50 }) } }) },
  },
  "DBX-JOB-007": {
    compliant: { stack: stackOf({ databricks_job: { J: goodJob() } }) },
    nonCompliant: { stack: stackOf({ databricks_job: { J: goodJob({ queue: { enabled: false } }) } }) },
  },
  "DBX-JOB-008": {
    compliant: { stack: stackOf({ databricks_job: { J: goodJob({ schedule: { quartz_cron_expression: "0 0 2 * * ?", timezone_id: "UTC", pause_status: "PAUSED" } }) } }), context: AUT },
    nonCompliant: { stack: stackOf({ databricks_job: { J: goodJob(), K: goodJob({ schedule: { quartz_cron_expression: "0 0 2 * * ?" } }) } }), context: AUT },
  },
  "DBX-JOB-009": {
    compliant: { stack: stackOf({ databricks_job: { J: goodJob() } }) },
    nonCompliant: { stack: stackOf({ databricks_job: { J: goodJob({ task: [{ task_key: "b" }, { task_key: "a", depends_on: [{ task_key: "z" }, { task_key: "b" }] }] }) } }) },
  },
  "DBX-JOB-010": {
    compliant: { stack: stackOf({ databricks_job: { J: goodJob({ lifecycle: { ignore_changes: ["tags"] } }) } }) },
    nonCompliant: { stack: stackOf({ databricks_job: { J: goodJob({ lifecycle: { ignore_changes: ["task"] } }) } }) },
  },
  "DBX-SRV-001": {
    compliant: {
      stack: stackOf({
        databricks_model_serving: { E: goodServing() },
        databricks_permissions: { P: { serving_endpoint_id: "${databricks_model_serving.E.serving_endpoint_id}", access_control: [{ group_name: "g", permission_level: "CAN_QUERY" }] } },
      }),
    },
    nonCompliant: { stack: stackOf({ databricks_model_serving: { E: goodServing() } }) },
  },
  "DBX-SRV-002": {
    compliant: { stack: stackOf({ databricks_model_serving: { E: goodServing() } }) },
    nonCompliant: { stack: stackOf({ databricks_model_serving: { E: goodServing({ config: { served_entities: [{ entity_name: "m" }] } }) } }) },
  },
  "DBX-SRV-003": {
    compliant: { stack: stackOf({ databricks_model_serving: { E: goodServing() } }) },
    nonCompliant: { stack: stackOf({ databricks_model_serving: { E: goodServing({ config: { served_entities: [{ scale_to_zero_enabled: true }], auto_capture_config: { enabled: true } } }) } }) },
  },
  "DBX-MON-001": {
    compliant: { stack: stackOf({ databricks_quality_monitor: { M: { table_name: "c.s.t", notifications: { on_failure: { email_addresses: ["ops@example.com"] } } } } }) },
    nonCompliant: { stack: stackOf({ databricks_quality_monitor: { M: { table_name: "c.s.t" } } }) },
  },
  "DBX-MON-002": {
    compliant: { stack: stackOf({ databricks_alert_v2: { A: { schedule: { quartz_cron_expression: "0 0 * * * ?", timezone_id: "UTC", pause_status: "PAUSED" } } } }), context: DEV },
    nonCompliant: { stack: stackOf({ databricks_alert_v2: { A: { schedule: { pause_status: "UNPAUSED" } }, B: { schedule: {} } } }), context: DEV },
  },
  "DBX-OPS-001": {
    compliant: {
      stack: stackOf({
        databricks_job: { J: goodJob() },
        databricks_model_serving: { E: goodServing() },
        databricks_sql_endpoint: { W: { tags: { custom_tags: Object.entries(TAGS).map(([key, value]) => ({ key, value })) } } },
      }),
    },
    nonCompliant: { stack: stackOf({ databricks_pipeline: { P: goodPipeline({ tags: { owner: "x" } }) }, databricks_sql_endpoint: { W: { tags: { custom_tags: [] } } }, databricks_job: { J: goodJob({ tags: { ...TAGS, environment: "dev" } }) } }) },
  },
  "DBX-TF-001": {
    compliant: {
      stack: stackOf(
        {
          databricks_catalog: { C: { name: "c" } },
          databricks_schema: {
            S: {
              catalog_name: "${databricks_catalog.C.name}",
              comment: 'literal $${databricks_catalog.Gone.name}, ${lookup(var.names, "databricks_x.y", "-")}, ${[for s in local.s : s.name]}',
              depends_on: ["databricks_catalog.C", "data.databricks_current_user.me"],
              provider: "databricks.west",
            },
          },
        },
        {
          data: { databricks_current_user: { me: {} } },
          variable: { names: { type: "map(string)" } },
          locals: { s: [] },
          provider: { databricks: [{ host: "h" }, { host: "w", alias: "west" }] },
          import: [{ to: "databricks_catalog.C", id: "c" }],
        },
      ),
    },
    nonCompliant: {
      stack: stackOf(
        {
          // Another environment's catalog, a nested template's variable, a dependency and a provider the stack lacks.
          databricks_schema: {
            S: { catalog_name: "${databricks_catalog.Catalog_742F25FD.name}", comment: '${format("%s", "${var.missing}")}', depends_on: ["databricks_grant.G"], provider: "databricks.east" },
          },
        },
        { import: [{ to: "databricks_catalog.Gone", id: "c" }], output: { o: { value: "${data.databricks_current_user.me.id}" } } },
      ),
    },
  },
};

describe.each(POLICY_RULES.map((r) => [`${r.id} ${r.name}`, r] as [string, PolicyRule]))("%s", (_, rule) => {
  const cases = CASES[rule.id];

  test("has a compliant and a non-compliant case", () => {
    expect(cases).toBeDefined();
  });

  test("accepts the compliant stack", () => {
    expect(rule.check(cases.compliant.stack, cases.compliant.context ?? PROD)).toBe("compliant");
  });

  test("reports the non-compliant stack, naming resource addresses", () => {
    const result = rule.check(cases.nonCompliant.stack, cases.nonCompliant.context ?? PROD);
    expect(Array.isArray(result)).toBe(true);
    expect((result as unknown[]).length).toBeGreaterThan(0);
    for (const f of result as { address: string; message: string }[]) {
      expect(f.address).toMatch(/^[a-z_0-9]+\.|^provider\.|^terraform\.|^variable\.|^output\./);
      expect(f.message.length).toBeGreaterThan(5);
    }
    expect(result).toMatchSnapshot();
  });
});

describe("rule metadata", () => {
  test("IDs are unique, well-formed and equal to the CASES table", () => {
    const ids = POLICY_RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^DBX-[A-Z]+-\d{3}$/);
    expect([...ids].sort()).toEqual(Object.keys(CASES).sort());
    expect(ids.length).toBeGreaterThanOrEqual(20);
  });

  test("every rule has a name from its file, a one-line description and an explanation", () => {
    for (const r of POLICY_RULES) {
      expect(r.name).toMatch(/^[A-Z][A-Za-z]+$/);
      expect(r.description).not.toContain("\n");
      expect(r.explanation.length).toBeGreaterThan(40);
    }
  });
});

describe("tier-scoped rules", () => {
  test("development is exempt from protection, run-as and remote-state rules", () => {
    const stack = stackOf({ databricks_catalog: { C: { name: "c", owner: "g", force_destroy: true } }, databricks_job: { J: goodJob({ run_as: undefined }) } }, { terraform: {} });
    for (const id of ["DBX-DL-001", "DBX-DL-002", "DBX-JOB-001", "DBX-SEC-006"]) {
      expect(POLICY_RULES.find((r) => r.id === id)!.check(stack, DEV)).toBe("not-applicable");
    }
  });

  test("an UNPAUSED job schedule is an error outside production only", () => {
    const rule = POLICY_RULES.find((r) => r.id === "DBX-JOB-008")!;
    const stack = stackOf({ databricks_job: { J: goodJob() } });
    expect(rule.check(stack, PROD)).toBe("compliant");
    expect(rule.check(stack, DEV)).toEqual([{ address: "databricks_job.J", message: "schedule is UNPAUSED in development" }]);
  });

  test("secret findings never echo the secret", () => {
    const rule = POLICY_RULES.find((r) => r.id === "DBX-SEC-001")!;
    const secret = FAKE.slackWebhook();
    const result = rule.check(stackOf({ databricks_notification_destination: { D: destination(secret) } }), PROD);
    expect(JSON.stringify(result)).not.toContain(secret);
    expect(result).toEqual([{ address: "databricks_notification_destination.D", message: "config.slack.url looks like a Slack webhook URL" }]);
  });
});
