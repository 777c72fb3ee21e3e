import { Analytics } from "../constructs/analytics";
import { Dashboards } from "../constructs/dashboards";
import { TerraformOutput, TerraformStack } from "../constructs/core";
import { EtlMonitorRuntime } from "../constructs/etl-monitor-runtime";
import { Foundation } from "../constructs/foundation";
import { ManagedJob } from "../constructs/managed-job";
import { ModelMonitoring } from "../constructs/model-monitoring";
import { SmokeTest } from "../constructs/smoke-test";
import { SystemTableIngestion } from "../constructs/system-table-ingestion";

export interface OutputSources {
  readonly foundation: Foundation;
  readonly ingestion: SystemTableIngestion;
  /** @default - no analytics outputs */
  readonly analytics?: Analytics;
  /** @default - no serving, monitor or drift-alert outputs */
  readonly modelMonitoring?: ModelMonitoring;
  /** @default - no dashboard outputs */
  readonly dashboards?: Dashboards;
  /** @default - no ETL sample job output */
  readonly etlMonitor?: EtlMonitorRuntime;
  /** @default - no smoke job output */
  readonly smokeTest?: SmokeTest;
}

/** What `terraform output` shows: one id and workspace URL per thing a user runs or opens. */
export const OUTPUT_NAMES = ["jobs", "pipelines", "warehouse", "serving_endpoints", "monitors", "alerts", "dashboards"] as const;

/**
 * Declares the stack outputs, each a map `name -> { id, url }` under a fixed Terraform name
 * (`terraform output -json jobs`). URLs follow the workspace UI routes: `/jobs/<id>`,
 * `/pipelines/<id>`, `/sql/warehouses/<id>`, `/ml/endpoints/<name>`, the monitor's dashboard
 * `/sql/dashboardsv3/<id>`, `/sql/alerts-v2/<id>` and the Lakeview dashboards' `/dashboardsv3/<id>`.
 */
export function declareOutputs(stack: TerraformStack, host: string, s: OutputSources): void {
  const base = host.replace(/\/+$/, "");
  const entry = (route: string, id: string, urlId = id) => ({ id, url: `${base}/${route}/${urlId}` });
  const jobs: [string, ManagedJob][] = [
    ["ingestion_orchestrator", s.ingestion.orchestrator],
    ["ingestion_setup", s.ingestion.setupJob],
    ["ingestion_merge", s.ingestion.mergeJob],
    ...(s.analytics ? ([["analytics_refresh", s.analytics.refreshJob], ["failed_run_report", s.analytics.reportJob]] as [string, ManagedJob][]) : []),
    ...(s.modelMonitoring ? ([["mlops_unpack", s.modelMonitoring.unpackJob]] as [string, ManagedJob][]) : []),
    ...(s.etlMonitor?.sampleJob ? ([["etl_sample", s.etlMonitor.sampleJob]] as [string, ManagedJob][]) : []),
    ...(s.smokeTest ? ([["smoke_test", s.smokeTest.job]] as [string, ManagedJob][]) : []),
  ];
  const models = [...(s.modelMonitoring?.models ?? new Map()).entries()];
  const values: Record<(typeof OUTPUT_NAMES)[number], Record<string, { id: string; url: string }>> = {
    jobs: Object.fromEntries(jobs.map(([name, job]) => [name, entry("jobs", job.jobId)])),
    pipelines: Object.fromEntries([...s.ingestion.pipelines.entries()].map(([domain, p]) => [domain, entry("pipelines", p.pipelineId)])),
    warehouse: { observability: entry("sql/warehouses", s.foundation.warehouseId) },
    serving_endpoints: Object.fromEntries(models.map(([name, m]) => [name, entry("ml/endpoints", m.endpoint.resource.servingEndpointId, m.endpoint.endpointName)])),
    monitors: Object.fromEntries(models.map(([name, m]) => [name, entry("sql/dashboardsv3", m.monitor.resource.id, m.monitor.resource.dashboardId)])),
    alerts: Object.fromEntries([
      ...[...(s.analytics?.alerts ?? new Map()).entries()].map(([name, a]) => [name, entry("sql/alerts-v2", a.resource.id)]),
      ...models.map(([name, m]) => [`drift_${name}`, entry("sql/alerts-v2", m.driftAlert.resource.id)]),
    ]),
    dashboards: Object.fromEntries([...(s.dashboards?.dashboards ?? new Map()).entries()].map(([name, d]) => [name.replace(/-/g, "_"), entry("dashboardsv3", d.dashboardId)])),
  };
  for (const name of OUTPUT_NAMES) {
    const output = new TerraformOutput(stack, `Output-${name}`, { value: values[name], description: `ids and workspace URLs of the ${name.replace(/_/g, " ")}` });
    output.overrideLogicalId(name);
  }
}
