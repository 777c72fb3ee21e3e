import { resolveBackend, resolvePlatformSpec, TIER_DEFAULTS } from "../stacks/config/resolve";
import { EnvironmentConfig } from "../stacks/config/schema";
import { exampleConfigs, PROJECT_ROOT } from "./helpers";

const configs = exampleConfigs();
const resolve = (c: EnvironmentConfig) => resolvePlatformSpec(c, { projectRoot: PROJECT_ROOT });

/** The example file of `env` with `edit` applied to a copy. */
function variant(env: string, edit: (c: EnvironmentConfig) => void): EnvironmentConfig {
  const c = structuredClone(configs[env]);
  edit(c);
  return c;
}

/** Every schedule that carries a pause status in a spec, by name. */
function pauseStatuses(c: EnvironmentConfig): Record<string, string> {
  const spec = resolve(c);
  return {
    ingestion: spec.ingestion.schedule.pauseStatus,
    refresh: spec.analytics!.refreshSchedule.pauseStatus,
    report: spec.analytics!.reportSchedule.pauseStatus,
    unpack: spec.modelMonitoring!.unpack.schedule.pauseStatus,
    ...Object.fromEntries(spec.analytics!.alerts.map((a) => [`alert:${a.name}`, a.schedule.pauseStatus])),
    ...Object.fromEntries(spec.modelMonitoring!.models.map((m) => [`drift:${m.name}`, m.monitoring.alertSchedule.pauseStatus])),
  };
}

describe("resolvePlatformSpec", () => {
  test("gold lookback and the job_overprovisioned thresholds: the file's values, else the defaults", () => {
    expect(resolve(configs.prod).analytics).toMatchObject({ goldLookbackHours: 24, overprovisioned: { memoryPercent: 40, minRuns: 3 } });
    const bare = variant("dev", (c) => {
      delete c.observability!.goldLookbackHours;
      delete c.observability!.overprovisioned;
    });
    expect(resolve(bare).analytics).toMatchObject({ goldLookbackHours: 24, overprovisioned: { memoryPercent: 40, minRuns: 3 } });
    const partial = variant("dev", (c) => {
      c.observability!.goldLookbackHours = 6;
      c.observability!.overprovisioned = { minRuns: 7 };
    });
    expect(resolve(partial).analytics).toMatchObject({ goldLookbackHours: 6, overprovisioned: { memoryPercent: 40, minRuns: 7 } });
  });

  test("the idle-cluster and driver-bound thresholds: the file's values, else the defaults", () => {
    expect(resolve(configs.dev).analytics).toMatchObject({ idleClusters: { cpuPercent: 5, minMinutes: 15 }, driverBound: { driverCpuPercent: 70, workerCpuPercent: 20 } });
    const bare = variant("dev", (c) => {
      delete c.observability!.idleClusters;
      delete c.observability!.driverBound;
    });
    expect(resolve(bare).analytics).toMatchObject({ idleClusters: { cpuPercent: 5, minMinutes: 30 }, driverBound: { driverCpuPercent: 70, workerCpuPercent: 20 } });
    const partial = variant("dev", (c) => {
      c.observability!.idleClusters = { cpuPercent: 2.5 };
      c.observability!.driverBound = { workerCpuPercent: 10 };
    });
    expect(resolve(partial).analytics).toMatchObject({ idleClusters: { cpuPercent: 2.5, minMinutes: 30 }, driverBound: { driverCpuPercent: 70, workerCpuPercent: 10 } });
    const explicit = variant("prod", (c) => {
      c.observability!.idleClusters = { cpuPercent: 10, minMinutes: 60 };
      c.observability!.driverBound = { driverCpuPercent: 80, workerCpuPercent: 15 };
    });
    expect(resolve(explicit).analytics).toMatchObject({ idleClusters: { cpuPercent: 10, minMinutes: 60 }, driverBound: { driverCpuPercent: 80, workerCpuPercent: 15 } });
  });

  test("returns a frozen spec and leaves the configuration it was given mutable", () => {
    const c = structuredClone(configs.dev);
    const spec = resolve(c);
    expect(Object.isFrozen(spec)).toBe(true);
    expect(Object.isFrozen(spec.foundation.catalog)).toBe(true);
    expect(Object.isFrozen(spec.analytics!.alerts)).toBe(true);
    expect(() => {
      (spec.foundation.schemas as { bronze: string }).bronze = "x";
    }).toThrow(TypeError);
    c.schemas.bronze = "still_mutable";
    expect(c.schemas.bronze).toBe("still_mutable");
  });

  test("pause status: without a value in the file every job and alert follows the tier (UNPAUSED only in production)", () => {
    const unset = (env: string) =>
      variant(env, (c) => {
        delete c.ingestion.schedule.pauseStatus;
        delete c.observability!.refreshSchedule.pauseStatus;
        delete c.observability!.reportSchedule.pauseStatus;
        delete c.mlops.unpack.pauseStatus;
        for (const a of c.observability!.alerts) delete a.schedule.pauseStatus;
        for (const m of c.mlops.models) delete m.monitoring.alertPauseStatus;
      });
    for (const [env, expected] of [["dev", "PAUSED"], ["aut", "PAUSED"], ["prod", "UNPAUSED"]]) {
      const statuses = pauseStatuses(unset(env));
      expect(Object.keys(statuses).length).toBeGreaterThan(5);
      expect(new Set(Object.values(statuses))).toEqual(new Set([expected]));
    }
  });

  test("pause status: a value in the file wins over the tier, for jobs, alerts and drift alerts alike", () => {
    const paused = variant("prod", (c) => {
      c.ingestion.schedule.pauseStatus = "PAUSED";
      c.observability!.refreshSchedule.pauseStatus = "PAUSED";
      c.observability!.reportSchedule.pauseStatus = "PAUSED";
      c.mlops.unpack.pauseStatus = "PAUSED";
      for (const a of c.observability!.alerts) a.schedule.pauseStatus = "PAUSED";
      for (const m of c.mlops.models) m.monitoring.alertPauseStatus = "PAUSED";
    });
    expect(new Set(Object.values(pauseStatuses(paused)))).toEqual(new Set(["PAUSED"]));
    const running = variant("dev", (c) => {
      c.observability!.alerts[0].schedule.pauseStatus = "UNPAUSED";
    });
    const name = running.observability!.alerts[0].name ?? running.observability!.alerts[0].kind;
    expect(pauseStatuses(running)[`alert:${name}`]).toBe("UNPAUSED");
  });

  test("serving and monitoring settings a model leaves out come from its tier", () => {
    for (const env of ["dev", "aut", "prod"]) {
      const tier = TIER_DEFAULTS[configs[env].tier];
      const bare = variant(env, (c) => {
        for (const m of c.mlops.models) {
          m.serving = { workloadType: m.serving.workloadType };
          m.monitoring = { timezone: "UTC", driftMetric: m.monitoring.driftMetric, alertCron: m.monitoring.alertCron };
        }
      });
      for (const m of resolve(bare).modelMonitoring!.models) {
        expect(m.serving).toMatchObject({ workloadSize: tier.workloadSize, scaleToZero: tier.scaleToZero });
        expect(m.monitoring).toMatchObject({
          granularities: tier.granularities,
          refreshSchedule: { quartzCron: tier.refreshCron, timezone: "UTC" },
          retentionDays: tier.retentionDays,
          driftThreshold: tier.driftThreshold,
        });
      }
    }
    const explicit = variant("prod", (c) => {
      c.mlops.models[0].serving.workloadSize = "Large";
      c.mlops.models[0].monitoring.driftThreshold = 0.3;
    });
    expect(resolve(explicit).modelMonitoring!.models[0]).toMatchObject({ serving: { workloadSize: "Large" }, monitoring: { driftThreshold: 0.3 } });
  });

  test("the workspace root defaults per environment; every deployed folder is under it", () => {
    const spec = resolve(variant("dev", (c) => delete c.workspace.rootPath));
    expect(spec.workspaceRoot).toBe("/Workspace/Shared/databricks-observability/dev");
    expect(spec.ingestion.workspaceDir).toBe(`${spec.workspaceRoot}/bronze`);
    expect(spec.analytics!.workspaceDir).toBe(`${spec.workspaceRoot}/analytics`);
    expect(spec.modelMonitoring!.workspaceDir).toBe(`${spec.workspaceRoot}/mlops`);
    const custom = resolve(variant("dev", (c) => (c.workspace.rootPath = "/Workspace/Platform/obs")));
    expect(custom.ingestion.workspaceDir).toBe("/Workspace/Platform/obs/bronze");
  });

  test("the backend defaults to a local file, and remote keys are per environment", () => {
    expect(resolveBackend("dev", undefined)).toEqual({ type: "local", path: "../../../terraform.dev.tfstate" });
    expect(resolveBackend("aut", { type: "s3", bucket: "b", region: "eu-west-1", encrypt: true, useLockfile: true })).toMatchObject({ key: "databricks-observability/aut.tfstate" });
    expect(resolveBackend("aut", { type: "s3", bucket: "b", key: "mine", region: "eu-west-1", encrypt: true, useLockfile: true })).toMatchObject({ key: "mine" });
    expect(
      resolveBackend("prod", { type: "azurerm", resourceGroupName: "r", storageAccountName: "s", containerName: "c", useAzureadAuth: true }),
    ).toMatchObject({ key: "databricks-observability/prod.tfstate" });
    expect(resolveBackend("prod", { type: "gcs", bucket: "b" })).toMatchObject({ prefix: "databricks-observability/prod" });
  });

  test("disabled destinations are left out, and so are references to them", () => {
    const c = variant("prod", (x) => {
      const email = x.observability!.destinations.find((d) => d.type === "email")!;
      email.enabled = false;
    });
    const disabled = c.observability!.destinations.find((d) => !d.enabled)!.name;
    const spec = resolve(c);
    expect(spec.notifications.destinations.map((d) => d.name)).not.toContain(disabled);
    expect(spec.notifications.jobFailureDestinations).not.toContain(disabled);
    for (const a of spec.analytics!.alerts) expect(a.destinations).not.toContain(disabled);
  });

  test("roles: the run-as principal writes; without one, nobody takes its place", () => {
    const prod = resolve(configs.prod).foundation.roles;
    expect(prod).toContainEqual({ principal: configs.prod.runAs.servicePrincipal, role: "writer" });
    const dev = resolve(variant("dev", (c) => delete c.runAs.servicePrincipal)).foundation.roles;
    expect(dev.map((r) => r.role)).toEqual(["admin", "writer", "reader", "auditor"]);
  });

  test("names and tags are derived once", () => {
    const spec = resolve(configs.aut);
    expect(spec.namePrefix).toBe("[aut] ");
    expect(spec.tags).toEqual({ owner: configs.aut.tags.owner, cost_center: configs.aut.tags.costCenter, environment: "aut", managed_by: configs.aut.tags.managedBy });
    expect(spec.preventDestroy).toBe(true);
    expect(resolve(configs.dev).preventDestroy).toBe(false);
    expect(spec.foundation.warehouse).toMatchObject({ name: "[aut] Observability Warehouse" });
  });
});

describe("the ETL monitor sample job", () => {
  test("is on in the development tier only, paused, unless the environment file says otherwise", () => {
    expect(resolve(configs.dev).etlMonitor.sampleJob?.schedule).toEqual({ quartzCron: "0 0 6 * * ?", timezone: "UTC", pauseStatus: "PAUSED" });
    expect(resolve(configs.aut).etlMonitor.sampleJob).toBeUndefined();
    expect(resolve(configs.prod).etlMonitor.sampleJob).toBeUndefined();
    expect(resolve(variant("dev", (c) => (c.etlMonitor.sampleJob = false))).etlMonitor.sampleJob).toBeUndefined();
    // Turned on elsewhere it stays paused: it is a demonstration, started by hand.
    expect(resolve(variant("aut", (c) => (c.etlMonitor.sampleJob = true))).etlMonitor.sampleJob?.schedule.pauseStatus).toBe("PAUSED");
  });

  test("the runtime and the smoke job deploy under the workspace root; engineers read the runtime folders", () => {
    const spec = resolve(configs.prod);
    expect(spec.etlMonitor.workspaceRoot).toBe(spec.workspaceRoot);
    expect(spec.etlMonitor.readerGroups).toEqual([configs.prod.principals.engineers]);
    expect(spec.smokeTest.workspaceDir).toBe(`${spec.workspaceRoot}/smoke`);
    expect(spec.smokeTest.runAsServicePrincipal).toBe(configs.prod.runAs.servicePrincipal);
  });
});
