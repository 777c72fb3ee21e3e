import { grantRows } from "./grants";
import { SynthesizedStack } from "./rule";
import { allResources, backendOf, blocks, get, isObject, isReference, Json, resourcesOfType, strings, variableName } from "./synthesized";

/**
 * What an auditor asks of one synthesized stack, extracted from cdk.tf.json alone. Secrets never
 * appear: destination settings show only the `${var.x}` they are bound from.
 */
export interface StackFacts {
  readonly backend: string;
  readonly inventory: readonly { readonly type: string; readonly count: number }[];
  readonly grants: readonly { readonly principal: string; readonly securable: string; readonly privileges: readonly string[]; readonly via: string }[];
  readonly schedules: readonly { readonly address: string; readonly name: string; readonly kind: string; readonly cron: string; readonly timezone: string; readonly pauseStatus: string }[];
  readonly alerts: readonly { readonly address: string; readonly name: string; readonly condition: string; readonly notifies: string }[];
  readonly destinations: readonly { readonly address: string; readonly name: string; readonly type: string; readonly settings: string }[];
  readonly runAs: readonly { readonly address: string; readonly runAs: string }[];
  /** Lakeview dashboards: where they live and who may open them (`databricks_permissions` with `dashboard_id`). */
  readonly dashboards: readonly { readonly address: string; readonly name: string; readonly parentPath: string; readonly acl: string; readonly embedCredentials: string }[];
  readonly protectedResources: readonly string[];
  /** Existing objects this stack imports (Terraform `import` blocks) instead of creating. */
  readonly adopted: readonly { readonly address: string; readonly importId: string }[];
}

export function stackFacts(stack: SynthesizedStack): StackFacts {
  const resources = allResources(stack);
  const counts = new Map<string, number>();
  for (const r of resources) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
  return {
    backend: backendOf(stack)?.type ?? "local (default)",
    inventory: [...counts].map(([type, count]) => ({ type, count })),
    grants: grantRows(stack)
      .map((g) => ({ principal: g.principal, securable: `${g.kind} ${g.securable}`, privileges: [...g.privileges].sort(), via: g.address }))
      .sort((a, b) => compare(`${a.principal} ${a.securable}`, `${b.principal} ${b.securable}`)),
    schedules: schedules(stack),
    alerts: alerts(stack),
    destinations: resourcesOfType(stack, "databricks_notification_destination").map((d) => {
      const config = blocks(d.body.config)[0] ?? {};
      const [type = "unknown"] = Object.keys(config);
      // E-mail addresses are routing, not secrets; every other destination setting is.
      const settings = blocks(config[type])[0] ?? {};
      return { address: d.address, name: text(d.body.display_name), type, settings: type === "email" ? strings(settings.addresses).join(", ") : describeSettings(settings) };
    }),
    runAs: resourcesOfType(stack, "databricks_job", "databricks_pipeline", "databricks_alert_v2").map((r) => ({
      address: r.address,
      runAs: text(get(r.body, "run_as.service_principal_name") ?? get(r.body, "run_as.user_name") ?? r.body.run_as_user_name ?? "(deploying identity)"),
    })),
    dashboards: dashboards(stack),
    protectedResources: resources.filter((r) => get(r.body, "lifecycle.prevent_destroy") === true).map((r) => r.address),
    adopted: (stack.import ?? []).map((i) => ({ address: text(i.to), importId: text(i.id) })).sort((a, b) => compare(a.address, b.address)),
  };
}

function schedules(stack: SynthesizedStack): StackFacts["schedules"] {
  const rows: StackFacts["schedules"][number][] = [];
  for (const job of resourcesOfType(stack, "databricks_job")) {
    for (const s of blocks(job.body.schedule)) rows.push(row(job.address, job.body.name, "job schedule", s.quartz_cron_expression, s.timezone_id, s.pause_status));
    for (const t of blocks(job.body.trigger)) rows.push(row(job.address, job.body.name, "job trigger", "(event trigger)", "", t.pause_status));
    for (const c of blocks(job.body.continuous)) rows.push(row(job.address, job.body.name, "job continuous", "(continuous)", "", c.pause_status));
  }
  for (const a of resourcesOfType(stack, "databricks_alert_v2")) {
    const s = get(a.body, "schedule");
    rows.push(row(a.address, a.body.display_name, "alert", get(s, "quartz_cron_schedule") ?? get(s, "quartz_cron_expression"), get(s, "timezone_id"), get(s, "pause_status")));
  }
  for (const m of resourcesOfType(stack, "databricks_quality_monitor")) {
    const s = get(m.body, "schedule");
    // The provider computes a monitor's pause status; configuration cannot set it.
    if (s !== undefined) rows.push(row(m.address, m.body.table_name, "quality monitor", get(s, "quartz_cron_expression"), get(s, "timezone_id"), "(server-managed)"));
  }
  return rows;
}

function dashboards(stack: SynthesizedStack): StackFacts["dashboards"] {
  const permissions = resourcesOfType(stack, "databricks_permissions");
  return resourcesOfType(stack, "databricks_dashboard").map((d) => {
    const reference = `\${${d.address}.id}`;
    const acl = permissions
      .filter((p) => p.body.dashboard_id === reference)
      .flatMap((p) => blocks(p.body.access_control))
      .map((a) => `${text(a.group_name ?? a.service_principal_name ?? a.user_name)}: ${text(a.permission_level)}`)
      .sort();
    // The provider's default for embed_credentials is true: unset means the publisher's credentials.
    const embed = d.body.embed_credentials;
    return {
      address: d.address,
      name: text(d.body.display_name),
      parentPath: text(d.body.parent_path),
      acl: acl.join(", ") || "(no databricks_permissions: workspace defaults)",
      embedCredentials: embed === undefined ? "(unset: provider default true)" : text(embed),
    };
  });
}

function row(address: string, name: unknown, kind: string, cron: unknown, timezone: unknown, pause: unknown): StackFacts["schedules"][number] {
  return { address, name: text(name), kind, cron: text(cron), timezone: text(timezone), pauseStatus: pause === undefined ? "(unset: server default UNPAUSED)" : text(pause) };
}

function alerts(stack: SynthesizedStack): StackFacts["alerts"] {
  const rows: StackFacts["alerts"][number][] = [];
  for (const a of resourcesOfType(stack, "databricks_alert_v2")) {
    const evaluation = get(a.body, "evaluation");
    const threshold = get(evaluation, "threshold.value");
    const value = isObject(threshold) ? Object.values(threshold)[0] : get(evaluation, "threshold.column.name");
    const subscriptions = blocks(get(evaluation, "notification.subscriptions")).map((s) => destinationName(stack, s.destination_id) ?? text(s.user_email));
    const aggregation = get(evaluation, "source.aggregation");
    const source = text(get(evaluation, "source.name"));
    rows.push({
      address: a.address,
      name: text(a.body.display_name),
      condition: `${aggregation ? `${text(aggregation)}(${source})` : source} ${text(get(evaluation, "comparison_operator"))} ${text(value)}`,
      notifies: subscriptions.join(", ") || "(nobody)",
    });
  }
  for (const j of resourcesOfType(stack, "databricks_job")) {
    const duration = blocks(get(j.body, "health.rules")).find((r) => r.metric === "RUN_DURATION_SECONDS");
    const failure = [...strings(get(j.body, "email_notifications.on_failure")), ...blocks(get(j.body, "webhook_notifications.on_failure")).map((w) => destinationName(stack, w.id) ?? text(w.id))];
    rows.push({
      address: j.address,
      name: text(j.body.name),
      condition: `failure; run longer than ${duration ? text(duration.value) : "(no rule)"} s; timeout ${text(j.body.timeout_seconds)} s`,
      notifies: failure.join(", ") || "(nobody)",
    });
  }
  for (const m of resourcesOfType(stack, "databricks_quality_monitor")) {
    rows.push({ address: m.address, name: text(m.body.table_name), condition: "refresh failure", notifies: strings(get(m.body, "notifications.on_failure.email_addresses")).join(", ") || "(nobody)" });
  }
  return rows;
}

/** `${databricks_notification_destination.X.id}` → `X's display name (type)`, so readers see where alerts go. */
function destinationName(stack: SynthesizedStack, reference: unknown): string | undefined {
  const match = /^\$\{databricks_notification_destination\.([^.}]+)\.id\}$/.exec(String(reference ?? ""));
  const body = match ? stack.resource?.databricks_notification_destination?.[match[1]] : undefined;
  if (!body) return reference === undefined ? undefined : text(reference);
  const [type = "?"] = Object.keys(blocks(body.config)[0] ?? {});
  return `${text(body.display_name)} (${type})`;
}

/** Shows which variable each setting comes from; a literal is reported as redacted, never shown. */
function describeSettings(settings: Json): string {
  return Object.keys(settings)
    .sort()
    .map((k) => `${k} = ${variableName(settings[k]) ? `var.${variableName(settings[k])}` : isReference(settings[k]) ? "(reference)" : "(literal, redacted)"}`)
    .join("; ");
}

export function text(value: unknown): string {
  if (value === undefined || value === null) return "";
  return typeof value === "string" ? value : JSON.stringify(value);
}

export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
