import { runPolicyPack } from "../../policy/pack";
import { environmentDiff } from "../../policy/environment-diff";
import { stackFacts } from "../../policy/facts";
import { renderMarkdown } from "../../policy/render";
import { AUT, FAKE, goodJob, PROD, SP, stackOf } from "./fixtures";

const alerting = (pause: string, threshold: number, url: string) =>
  stackOf(
    {
      databricks_notification_destination: { Slack: { display_name: "ops-slack", config: { slack: { url } } } },
      databricks_alert_v2: {
        Failures: {
          display_name: "Failed runs",
          run_as: { service_principal_name: SP },
          schedule: { quartz_cron_expression: "0 */15 * * * ?", timezone_id: "UTC", pause_status: pause },
          evaluation: {
            source: { name: "failed_runs" },
            comparison_operator: "GREATER_THAN",
            threshold: { value: { double_value: threshold } },
            notification: { subscriptions: [{ destination_id: "${databricks_notification_destination.Slack.id}" }] },
          },
        },
      },
      databricks_job: { J: goodJob() },
    },
    { variable: { slack_url: { type: "string", sensitive: true } } },
  );

describe("the audit report", () => {
  test("shows alert schedules, thresholds and destinations by variable name, never the secret", () => {
    const stack = alerting("UNPAUSED", 3, "${var.slack_url}");
    const facts = stackFacts(stack);
    expect(facts.schedules.find((s) => s.kind === "alert")).toMatchObject({ cron: "0 */15 * * * ?", pauseStatus: "UNPAUSED" });
    expect(facts.alerts[0]).toMatchObject({ name: "Failed runs", condition: "failed_runs GREATER_THAN 3", notifies: "ops-slack (slack)" });
    expect(facts.destinations).toEqual([{ address: "databricks_notification_destination.Slack", name: "ops-slack", type: "slack", settings: "url = var.slack_url" }]);
  });

  test("a literal secret is reported as redacted and never rendered", () => {
    const secret = FAKE.slackWebhook();
    const stack = alerting("PAUSED", 3, secret);
    const audit = { environment: "aut", tier: "acceptance", facts: stackFacts(stack), policy: runPolicyPack({ stack, context: AUT }), environmentDiff: [] };
    const md = renderMarkdown(audit);
    expect(md).toContain("url = (literal, redacted)");
    expect(md).not.toContain(secret);
    expect(JSON.stringify(audit)).not.toContain(secret);
    expect(md).toContain("| DBX-SEC-001 | error | databricks_notification_destination.Slack | config.slack.url looks like a Slack webhook URL |");
  });

  test("the environment diff lists thresholds and pause states that differ, and nothing that does not", () => {
    const diff = environmentDiff({ aut: { stack: alerting("PAUSED", 3, "${var.slack_url}"), tier: "acceptance" }, prod: { stack: alerting("UNPAUSED", 10, "${var.slack_url}"), tier: "production" } });
    expect(diff).toEqual([
      { subject: "databricks_alert_v2.Failures", setting: "evaluation.threshold.value.double_value", values: { aut: "3", prod: "10" } },
      { subject: "databricks_alert_v2.Failures", setting: "schedule.pause_status", values: { aut: "PAUSED", prod: "UNPAUSED" } },
      { subject: "stack", setting: "tier", values: { aut: "acceptance", prod: "production" } },
    ]);
  });

  test("lists every dashboard with its folder, ACL and embed_credentials, from the synthesized JSON", () => {
    const stack = stackOf({
      databricks_dashboard: {
        Health: { display_name: "[aut] Platform health", parent_path: "/Workspace/Shared/obs/aut/dashboards", warehouse_id: "w", serialized_dashboard: "{}", embed_credentials: false },
        Legacy: { display_name: "Legacy", parent_path: "/Shared", warehouse_id: "w", serialized_dashboard: "{}" },
      },
      databricks_permissions: {
        HealthAcl: {
          dashboard_id: "${databricks_dashboard.Health.id}",
          access_control: [
            { group_name: "platform-admins", permission_level: "CAN_MANAGE" },
            { group_name: "data-analysts", permission_level: "CAN_READ" },
          ],
        },
        JobAcl: { job_id: "${databricks_job.J.id}", access_control: [{ group_name: "someone-else", permission_level: "CAN_VIEW" }] },
      },
      databricks_job: { J: goodJob() },
    });
    const facts = stackFacts(stack);
    expect(facts.dashboards).toEqual([
      { address: "databricks_dashboard.Health", name: "[aut] Platform health", parentPath: "/Workspace/Shared/obs/aut/dashboards", acl: "data-analysts: CAN_READ, platform-admins: CAN_MANAGE", embedCredentials: "false" },
      { address: "databricks_dashboard.Legacy", name: "Legacy", parentPath: "/Shared", acl: "(no databricks_permissions: workspace defaults)", embedCredentials: "(unset: provider default true)" },
    ]);
    const md = renderMarkdown({ environment: "aut", tier: "acceptance", facts, policy: runPolicyPack({ stack, context: AUT }), environmentDiff: [] });
    expect(md).toContain("| databricks_dashboard.Health | [aut] Platform health | /Workspace/Shared/obs/aut/dashboards | data-analysts: CAN_READ, platform-admins: CAN_MANAGE | false |");
  });

  test("renders deterministically", () => {
    const stack = alerting("UNPAUSED", 3, "${var.slack_url}");
    const build = () => renderMarkdown({ environment: "prod", tier: "production", facts: stackFacts(stack), policy: runPolicyPack({ stack, context: PROD }), environmentDiff: [] });
    expect(build()).toBe(build());
  });
});
