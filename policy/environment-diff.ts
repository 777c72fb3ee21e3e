import { SynthesizedStack } from "./rule";
import { allResources, backendOf, isObject } from "./synthesized";
import { compare, text } from "./facts";

/**
 * Settings that legitimately differ between environments and that reviewers must see side by side:
 * sizes, schedules, pause states, thresholds, retries, run-as and protection. Names and paths also
 * differ per environment but carry no decision, so they are left out.
 */
const COMPARED_SETTINGS = new Set([
  "cluster_size",
  "min_num_clusters",
  "max_num_clusters",
  "auto_stop_mins",
  "enable_serverless_compute",
  "warehouse_type",
  "workload_size",
  "workload_type",
  "scale_to_zero_enabled",
  "min_provisioned_throughput",
  "max_provisioned_throughput",
  "quartz_cron_expression",
  "quartz_cron_schedule",
  "timezone_id",
  "pause_status",
  "timeout_seconds",
  "max_retries",
  "min_retry_interval_millis",
  "max_concurrent_runs",
  "development",
  "continuous",
  "serverless",
  "channel",
  "prevent_destroy",
  "force_destroy",
  "service_principal_name",
  "user_name",
  "comparison_operator",
  "double_value",
  "value",
  "retrigger_seconds",
]);

export interface DiffRow {
  /** A resource address, or `stack` for stack-level settings. */
  readonly subject: string;
  readonly setting: string;
  /** Value per environment; `(absent)` where the environment does not have it. */
  readonly values: Readonly<Record<string, string>>;
}

/** Every compared setting whose value is not the same in all environments, sorted by subject and setting. */
export function environmentDiff(stacks: Readonly<Record<string, { stack: SynthesizedStack; tier: string }>>): DiffRow[] {
  const environments = Object.keys(stacks).sort();
  const table = new Map<string, Map<string, string>>();
  const put = (subject: string, setting: string, env: string, value: string) => {
    const key = `${subject}\u0000${setting}`;
    table.set(key, (table.get(key) ?? new Map()).set(env, value));
  };
  for (const env of environments) {
    const { stack, tier } = stacks[env];
    put("stack", "tier", env, tier);
    put("stack", "state backend", env, backendOf(stack)?.type ?? "local (default)");
    const resources = allResources(stack);
    // Counts per type rather than per-address presence: addresses embed principals, which differ.
    for (const type of new Set(resources.map((r) => r.type))) put("stack", `${type} count`, env, String(resources.filter((r) => r.type === type).length));
    for (const r of resources) {
      flatten(r.body, "", (path, value) => put(r.address, path, env, value));
    }
  }
  const rows: DiffRow[] = [];
  for (const [key, byEnv] of table) {
    const [subject, setting] = key.split("\u0000");
    const values = Object.fromEntries(environments.map((e) => [e, byEnv.get(e) ?? "(absent)"]));
    if (new Set(Object.values(values)).size > 1) rows.push({ subject, setting, values });
  }
  return rows.sort((a, b) => compare(a.subject, b.subject) || compare(a.setting, b.setting));
}

/** Leaf settings named in COMPARED_SETTINGS; list items are labelled by task_key/name/key so paths line up across stacks. */
function flatten(value: unknown, path: string, emit: (path: string, value: string) => void): void {
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      const label = isObject(item) ? (item.task_key ?? item.name ?? item.key ?? item.metric ?? i) : i;
      flatten(item, `${path}[${text(label)}]`, emit);
    });
  } else if (isObject(value)) {
    for (const [k, v] of Object.entries(value)) {
      if (k === "//") continue;
      const at = path ? `${path}.${k}` : k;
      if (COMPARED_SETTINGS.has(k) && !isObject(v) && !Array.isArray(v)) emit(at, text(v));
      else flatten(v, at, emit);
    }
  }
}
