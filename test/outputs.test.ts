import { OUTPUT_NAMES } from "../stacks/outputs";
import { exampleStack, exampleConfigs, TfJson } from "./helpers";

const configs = exampleConfigs();

type Entry = { id: string; url: string };

describe.each(["dev", "aut", "prod"])("the %s stack outputs", (env) => {
  const tf = exampleStack(env) as TfJson & { output: Record<string, { value: Record<string, Entry> }> };
  const host = configs[env].workspace.host.replace(/\/+$/, "");

  test("declares ids and URLs of jobs, pipelines, the warehouse, serving endpoints, monitors, alerts and dashboards", () => {
    expect(Object.keys(tf.output).sort()).toEqual([...OUTPUT_NAMES].sort());
    for (const name of OUTPUT_NAMES) {
      const entries = Object.values(tf.output[name].value);
      expect([name, entries.length > 0]).toEqual([name, true]);
      for (const e of entries) expect(e.url.startsWith(`${host}/`)).toBe(true);
    }
  });

  test("every job and pipeline of the stack has an output pointing at it", () => {
    const refs = (type: string) => Object.keys(tf.resource[type]).map((id) => `\${${type}.${id}.id}`).sort();
    expect(Object.values(tf.output.jobs.value).map((e) => e.id).sort()).toEqual(refs("databricks_job"));
    expect(Object.values(tf.output.pipelines.value).map((e) => e.id).sort()).toEqual(refs("databricks_pipeline"));
    expect(Object.values(tf.output.alerts.value).map((e) => e.id).sort()).toEqual(refs("databricks_alert_v2"));
    for (const e of Object.values(tf.output.jobs.value)) expect(e.url).toBe(`${host}/jobs/${e.id}`);
    for (const e of Object.values(tf.output.pipelines.value)) expect(e.url).toBe(`${host}/pipelines/${e.id}`);
    expect(tf.output.warehouse.value.observability.url).toBe(`${host}/sql/warehouses/${tf.output.warehouse.value.observability.id}`);
  });

  test("every dashboard has an output: its id and the Lakeview URL", () => {
    const dashboards = tf.output.dashboards.value;
    expect(Object.values(dashboards).map((e) => e.id).sort()).toEqual(Object.keys(tf.resource.databricks_dashboard).map((id) => `\${databricks_dashboard.${id}.id}`).sort());
    expect(Object.keys(dashboards).sort()).toEqual(["alerts", "cost", "etl_processes", "model_monitoring", "platform_health"]);
    for (const e of Object.values(dashboards)) expect(e.url).toBe(`${host}/dashboardsv3/${e.id}`);
  });

  test("the smoke job in every stack, the ETL sample job only in development", () => {
    const jobs = tf.output.jobs.value;
    expect(jobs.smoke_test.url).toBe(`${host}/jobs/${jobs.smoke_test.id}`);
    expect(jobs.smoke_test.id).toMatch(/^\$\{databricks_job\..*SmokeTest.*\.id\}$/);
    expect("etl_sample" in jobs).toBe(configs[env].tier === "development");
  });
});
