import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { STATEFUL_RESOURCE_TYPES } from "../vocabulary/stateful-types";
import { resolvePlatformSpec } from "../stacks/config/resolve";
import { synthesize } from "../stacks/synth";
import { exampleStack, exampleConfigs, listFiles, PROJECT_ROOT, resourcesOf, systemTables, tempDir, TfJson } from "./helpers";

const configs = exampleConfigs();
const stacks: Record<string, TfJson> = Object.fromEntries(Object.keys(configs).map((env) => [env, exampleStack(env)]));
const ENVS = ["dev", "aut", "prod"];

function allResources(tf: TfJson): [string, string, Record<string, unknown>][] {
  return Object.entries(tf.resource).flatMap(([type, byId]) => Object.entries(byId).map(([id, r]) => [type, id, r] as [string, string, Record<string, unknown>]));
}

describe("the system-table registry", () => {
  const tables = systemTables();

  test("lists 35 tables: 25 streamed, 10 merged, none twice", () => {
    expect(tables).toHaveLength(35);
    expect(tables.filter((t) => t.mode === "stream")).toHaveLength(25);
    expect(tables.filter((t) => t.mode === "merge")).toHaveLength(10);
    expect(new Set(tables.map((t) => t.name)).size).toBe(35);
    expect(new Set(tables.map((t) => t.source)).size).toBe(35);
  });

  test("streams the eight system schemas of the reference, one pipeline each", () => {
    const domains = [...new Set(tables.filter((t) => t.mode === "stream").map((t) => t.domain))].sort();
    expect(domains).toEqual(["access", "billing", "compute", "lakeflow", "marketplace", "mlflow", "serving", "sharing"]);
    for (const env of ENVS) {
      const pipelines = Object.values(resourcesOf(stacks[env], "databricks_pipeline")).filter((p) => String(p.name).includes("Streaming Pipeline"));
      expect(pipelines.map((p) => (p.configuration as Record<string, string>)["observability.domain"]).sort()).toEqual(domains);
      const streamed = pipelines.flatMap((p) => JSON.parse((p.configuration as Record<string, string>)["observability.tables"]).map((t: { name: string }) => t.name));
      expect(streamed.sort()).toEqual(tables.filter((t) => t.mode === "stream").map((t) => t.name).sort());
    }
  });
});

describe.each(ENVS)("the %s stack", (env) => {
  const tf = stacks[env];
  const tier = configs[env].tier;

  test("matches its reviewed snapshot", () => {
    expect(tf).toMatchSnapshot();
  });

  // Renaming or re-parenting a construct changes its address, which Terraform plans as
  // destroy + create: for these types that drops data. This list changes only on purpose.
  test("the addresses of stateful resources are the reviewed ones", () => {
    const addresses = allResources(tf)
      .filter(([type]) => STATEFUL_RESOURCE_TYPES.includes(type))
      .map(([type, id]) => `${type}.${id}`)
      .sort();
    expect(addresses).toMatchSnapshot();
  });

  test("the provider block holds no credentials", () => {
    expect(tf.provider.databricks).toEqual([{ host: configs[env].workspace.host }]);
  });

  test("prevent_destroy is on every stateful resource outside development, and nowhere in development", () => {
    const stateful = allResources(tf).filter(([type]) => STATEFUL_RESOURCE_TYPES.includes(type));
    expect(stateful.length).toBeGreaterThanOrEqual(14);
    for (const [type, id, r] of stateful) {
      const lifecycle = r.lifecycle as { prevent_destroy?: boolean } | undefined;
      expect([`${type}.${id}`, lifecycle?.prevent_destroy === true]).toEqual([`${type}.${id}`, tier !== "development"]);
    }
  });

  test("force_destroy is never true", () => {
    for (const [, , r] of allResources(tf)) expect(r.force_destroy).not.toBe(true);
  });

  test("declares no databricks_system_schema by default", () => {
    expect(resourcesOf(tf, "databricks_system_schema")).toEqual({});
  });

  test("analysts cannot read bronze; auditors only browse metadata on the catalog", () => {
    const grants = Object.values(resourcesOf(tf, "databricks_grants"));
    const bronze = grants.find((g) => String(g.schema).includes("BronzeSchema"))!;
    expect((bronze.grant as { principal: string }[]).map((g) => g.principal)).not.toContain("data-analysts");
    const catalog = grants.find((g) => g.catalog)!;
    expect((catalog.grant as { principal: string; privileges: string[] }[]).find((g) => g.principal === "auditors")?.privileges).toEqual(["BROWSE", "USE_CATALOG"]);
    for (const g of grants) {
      for (const entry of g.grant as { privileges: string[] }[]) {
        expect(entry.privileges).not.toContain("ALL_PRIVILEGES");
        expect(entry.privileges).not.toContain("MANAGE");
      }
    }
  });

  test("system tables are read through additive grants, schema by schema", () => {
    const grants = Object.values(resourcesOf(tf, "databricks_grant"));
    const schemas = [...new Set(grants.map((g) => g.schema).filter(Boolean))].sort();
    expect(schemas).toContain("system.lakeflow");
    expect(schemas).toContain("system.query");
    for (const g of grants) expect(String(g.catalog ?? g.schema)).toMatch(/^system(\.|$)/);
  });

  test("the orchestrator runs setup, the 8 pipelines in parallel, then merge, on an explicit schedule", () => {
    const orchestrator = Object.values(resourcesOf(tf, "databricks_job")).find((j) => j.name === `[${env}] System Tables Orchestrator`)!;
    const tasks = orchestrator.task as { task_key: string; depends_on?: { task_key: string }[] }[];
    expect(tasks.map((t) => t.task_key)).toEqual([...tasks.map((t) => t.task_key)].sort());
    expect(tasks.filter((t) => t.task_key.startsWith("ingest_"))).toHaveLength(8);
    expect(tasks.find((t) => t.task_key === "merge")!.depends_on).toHaveLength(8);
    expect(orchestrator.schedule).toEqual({
      quartz_cron_expression: "0 0 2 * * ?",
      timezone_id: "UTC",
      pause_status: env === "prod" ? "UNPAUSED" : "PAUSED",
    });
  });

  test("jobs and pipelines run as the service principal outside development; pipelines develop only in dev", () => {
    const runAs = configs[env].runAs.servicePrincipal;
    for (const j of Object.values(resourcesOf(tf, "databricks_job"))) {
      expect(j.run_as).toEqual(tier === "development" ? undefined : { service_principal_name: runAs });
    }
    for (const p of Object.values(resourcesOf(tf, "databricks_pipeline"))) {
      expect(p.development).toBe(tier === "development");
    }
  });

  test("jobs and pipelines carry the owner, cost center, environment and managed_by tags", () => {
    for (const type of ["databricks_job", "databricks_pipeline"]) {
      for (const r of Object.values(resourcesOf(tf, type))) {
        expect(r.tags).toMatchObject({ owner: "platform-operations", environment: env, managed_by: "cdktf" });
      }
    }
  });

  test("the ETL monitor package, SQL and utility notebooks are deployed; the paused sample job only in development", () => {
    const spec = resolvePlatformSpec(configs[env], { projectRoot: PROJECT_ROOT });
    const root = spec.workspaceRoot;
    const files = Object.values(resourcesOf(tf, "databricks_workspace_file")).map((f) => String(f.path));
    expect(files).toEqual(expect.arrayContaining([`${root}/lib/etl_monitor/__init__.py`, `${root}/lib/etl_monitor/sql/setup.sql`, `${root}/lib/etl_monitor/sql/status_reset.sql`]));
    const notebooks = Object.values(resourcesOf(tf, "databricks_notebook")).map((n) => String(n.path));
    expect(notebooks).toEqual(expect.arrayContaining(["etl_start_task", "etl_end_task", "etl_fail_task", "etl_pending_tasks"].map((n) => `${root}/etl/${n}`)));
    const sample = Object.values(resourcesOf(tf, "databricks_job")).filter((j) => String(j.name).includes("ETL Monitor Sample Process"));
    expect(sample).toHaveLength(tier === "development" ? 1 : 0);
    for (const j of sample) expect((j.schedule as { pause_status: string }).pause_status).toBe("PAUSED");
    const acls = Object.values(resourcesOf(tf, "databricks_permissions")).filter((p) => p.directory_path !== undefined);
    expect(acls.map((p) => p.directory_path).sort()).toEqual([`${root}/etl`, `${root}/lib`]);
    for (const p of acls) expect(p.access_control).toContainEqual({ group_name: configs[env].principals.engineers, permission_level: "CAN_READ" });
  });

  test("one manual smoke job: every platform schema, every notification destination", () => {
    const smoke = Object.values(resourcesOf(tf, "databricks_job")).filter((j) => String(j.name).includes("Post-deploy Smoke Test"));
    expect(smoke).toHaveLength(1);
    expect(smoke[0].schedule).toBeUndefined();
    const params = (smoke[0].task as { notebook_task: { base_parameters: Record<string, string> } }[])[0].notebook_task.base_parameters;
    const schemas = Object.entries(resourcesOf(tf, "databricks_schema"));
    expect(schemas.map(([, r]) => r.name).sort()).toEqual(Object.values(configs[env].schemas).map(String).sort());
    expect(params.schemas.split(",").sort()).toEqual(schemas.map(([id]) => `\${databricks_schema.${id}.name}`).sort());
    const destinations = Object.keys(resourcesOf(tf, "databricks_notification_destination"));
    expect(params.destination_ids.split(",").filter(Boolean).sort()).toEqual(destinations.map((id) => `\${databricks_notification_destination.${id}.id}`).sort());
  });
});

describe("state backends", () => {
  test("dev keeps local state at a relative path outside cdktf.out", () => {
    expect(stacks.dev.terraform.backend).toEqual({ local: { path: "../../../terraform.dev.tfstate" } });
  });
  test("aut uses encrypted S3 with native locking, prod azurerm, each with its own key", () => {
    expect(stacks.aut.terraform.backend).toEqual({
      s3: { bucket: "example-dbx-observability-tfstate", key: "databricks-observability/aut.tfstate", region: "eu-west-1", encrypt: true, use_lockfile: true },
    });
    expect(stacks.prod.terraform.backend).toMatchObject({ azurerm: { key: "databricks-observability/prod.tfstate", use_azuread_auth: true } });
  });
});

describe("npm run synth", () => {
  const main = path.join(PROJECT_ROOT, "dist", "stacks", "main.js");

  test("two synths are byte-identical, assets included", () => {
    const a = tempDir("dbx-synth-a-");
    const b = tempDir("dbx-synth-b-");
    synthesize({ projectRoot: PROJECT_ROOT, outdir: a, env: {} });
    synthesize({ projectRoot: PROJECT_ROOT, outdir: b, env: {} });
    const files = (dir: string) => listFiles(dir).map((f) => [f, fs.readFileSync(path.join(dir, f), "utf8")]);
    expect(files(a).length).toBeGreaterThan(3);
    expect(files(a)).toEqual(files(b));
  });

  test("writes the three stacks and a manifest", () => {
    const out = tempDir("dbx-synth-");
    const run = spawnSync(process.execPath, [main, "--outdir", out], { encoding: "utf8", cwd: PROJECT_ROOT });
    expect(run.status).toBe(0);
    for (const env of ENVS) expect(fs.existsSync(path.join(out, "stacks", env, "cdk.tf.json"))).toBe(true);
    expect(Object.keys(JSON.parse(fs.readFileSync(path.join(out, "manifest.json"), "utf8")).stacks).sort()).toEqual(["aut", "dev", "prod"]);
  });

  test("bad configuration: every problem on stderr, exit 1, no stack trace, nothing written", () => {
    const envDir = tempDir("dbx-bad-env-");
    const prod = fs.readFileSync(path.join(PROJECT_ROOT, "environments", "prod.yaml"), "utf8");
    fs.writeFileSync(path.join(envDir, "prod.yaml"), prod.replace("pauseStatus: UNPAUSED", "pauseStatus: SOMETIMES").replace("tier: production", "tier: production\ncolour: blue"));
    const out = path.join(tempDir("dbx-synth-"), "cdktf.out");
    const run = spawnSync(process.execPath, [main, "--environments", envDir, "--outdir", out], { encoding: "utf8", cwd: PROJECT_ROOT });
    expect(run.status).toBe(1);
    const shown = path.relative(PROJECT_ROOT, path.join(envDir, "prod.yaml"));
    expect(run.stderr).toBe(
      [
        "configuration errors:",
        `  ${shown}: colour: unknown key`,
        `  ${shown}: ingestion.schedule.pauseStatus: expected one of PAUSED|UNPAUSED, got "SOMETIMES"`,
        "",
      ].join("\n"),
    );
    expect(fs.existsSync(out)).toBe(false);
  });

  test("an unknown argument prints the usage and exits 2", () => {
    const run = spawnSync(process.execPath, [main, "--colour"], { encoding: "utf8" });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("usage: main.js");
  });
});
