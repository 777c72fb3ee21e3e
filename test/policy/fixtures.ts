import { PolicyContext, SynthesizedStack } from "../../policy/rule";

/** Hand-made synthesized stacks for rule tests: only what each rule reads. */

export const DEV: PolicyContext = { environment: "dev", tier: "development" };
export const AUT: PolicyContext = { environment: "aut", tier: "acceptance" };
export const PROD: PolicyContext = { environment: "prod", tier: "production" };

export const SP = "11111111-2222-4333-8444-555555555555";

type Resources = Record<string, Record<string, Record<string, unknown>>>;

export function stackOf(resource: Resources, rest: Partial<SynthesizedStack> = {}): SynthesizedStack {
  return { provider: { databricks: [{ host: "https://example.cloud.databricks.com" }] }, terraform: { backend: { azurerm: { key: "k" } } }, resource, ...rest };
}

export const TAGS = { owner: "platform", cost_center: "cc-1", environment: "prod", managed_by: "cdktf" };

/** A job every job rule accepts in production. */
export function goodJob(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: "job",
    timeout_seconds: 3600,
    max_concurrent_runs: 1,
    queue: { enabled: true },
    run_as: { service_principal_name: SP },
    email_notifications: { on_failure: ["ops@example.com"] },
    health: { rules: [{ metric: "RUN_DURATION_SECONDS", op: "GREATER_THAN", value: 1800 }] },
    schedule: { quartz_cron_expression: "0 0 2 * * ?", timezone_id: "UTC", pause_status: "UNPAUSED" },
    tags: TAGS,
    task: [
      { task_key: "a", max_retries: 2, min_retry_interval_millis: 60000 },
      { task_key: "b", depends_on: [{ task_key: "a" }] },
    ],
    ...overrides,
  };
}

export function goodPipeline(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: "p",
    catalog: "c",
    schema: "s",
    allow_duplicate_names: false,
    development: false,
    run_as: { service_principal_name: SP },
    notification: [{ email_recipients: ["ops@example.com"], alerts: ["on-update-failure", "on-update-fatal-failure"] }],
    lifecycle: { prevent_destroy: true },
    tags: TAGS,
    ...overrides,
  };
}

export function goodServing(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: "endpoint",
    config: { served_entities: [{ entity_name: "m", entity_version: "1", scale_to_zero_enabled: false }] },
    lifecycle: { prevent_destroy: true },
    tags: Object.entries(TAGS).map(([key, value]) => ({ key, value })),
    ...overrides,
  };
}

/** Secret-shaped strings, assembled at runtime so no secret-shaped literal is ever committed. */
export const FAKE = {
  slackWebhook: () => ["https://hooks.", "slack.com/services/", "T0000", "/B0000/", "x".repeat(24)].join(""),
  slackToken: () => ["xo", "xb-", "1".repeat(12), "-abcdefabcdef"].join(""),
  databricksToken: () => ["da", "pi", "0123456789abcdef".repeat(2)].join(""),
  privateKey: () => ["-----BEGIN ", "RSA PRIVATE", " KEY-----\nMIIB\n"].join(""),
};
