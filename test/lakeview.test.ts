import * as fs from "fs";
import * as path from "path";
import { Testing } from "cdktf";
import {
  count,
  daily,
  DashboardBuilder,
  dateRangeParameter,
  field,
  fieldExpression,
  fieldName,
  stringParameter,
  sum,
} from "../constructs/lakeview/builder";
import { platformDashboards } from "../constructs/lakeview/dashboards";
import { bindSqlMarkers, sqlMarkers, stripHeaderComments, toQueryLines } from "../constructs/lakeview/sql-binding";
import { LakeviewDashboard } from "../constructs/lakeview-dashboard";
import { Dashboards, DashboardsProps } from "../constructs/dashboards";
import { resolvePlatformSpec } from "../stacks/config/resolve";
import { environmentSchema } from "../stacks/config/schema";
import { EXPORT_PATH, exportJson, TEST_INPUT } from "../scripts/export-dashboards";
import { exampleConfigs, PROJECT_ROOT, synthConstructs } from "./helpers";

const SQL_DIR = path.join(PROJECT_ROOT, "sql", "dashboards");
const BINDINGS = { catalog: "obs_dev", gold_schema: "gold" };

function small(bindings: Record<string, string> = BINDINGS): DashboardBuilder {
  const d = new DashboardBuilder({ id: "small", displayName: "Small", bindings });
  d.dataset("runs", {
    displayName: "Runs",
    sql: "SELECT run_date, outcome, runs FROM IDENTIFIER(:catalog || '.' || :gold_schema || '.job_runs')\nWHERE run_date BETWEEN :date_range.min AND :date_range.max AND (:workspace_id = 'All' OR workspace_id = :workspace_id)",
    parameters: [dateRangeParameter(), stringParameter("workspace_id", "Workspace", "All")],
  });
  d.page("main", "Main")
    .row(2, [{ type: "date-range-filter", title: "Dates", parameter: "date_range" }, 3], [{ type: "select-filter", title: "Workspace", parameter: "workspace_id" }, 3])
    .row(2, [{ type: "counter", title: "Runs", dataset: "runs", value: sum("runs") }, 6])
    .row(5, [{ type: "bar", title: "Runs per day", dataset: "runs", x: daily("run_date"), y: sum("runs"), color: field("outcome") }, 4], [{ type: "table", title: "Outcomes", dataset: "runs", columns: [field("outcome"), field("runs")] }, 2]);
  return d;
}

describe("SQL binding", () => {
  test("IDENTIFIER of bound markers becomes a back-quoted name; other bound markers become literals", () => {
    const sql = "SELECT :model AS m, IDENTIFIER(:col) FROM IDENTIFIER(:catalog || '.' || :schema || '.t_' || :suffix) WHERE d >= :date_range.min";
    expect(bindSqlMarkers(sql, { catalog: "my-cat", schema: "gold", suffix: "x", model: "it's", col: "model_id" })).toBe(
      "SELECT 'it\\'s' AS m, `model_id` FROM `my-cat`.`gold`.`t_x` WHERE d >= :date_range.min",
    );
  });

  test("literals, quoted identifiers and comments are never rewritten", () => {
    const sql = "SELECT ':catalog' AS a, `:catalog` AS b -- :catalog\n/* :catalog */ FROM IDENTIFIER(:catalog || '.s.t')";
    expect(bindSqlMarkers(sql, { catalog: "c" })).toBe("SELECT ':catalog' AS a, `:catalog` AS b -- :catalog\n/* :catalog */ FROM `c`.`s`.`t`");
  });

  test("an IDENTIFIER mixing a bound marker with an expression is refused", () => {
    expect(() => bindSqlMarkers("SELECT * FROM IDENTIFIER(:catalog || x)", { catalog: "c" })).toThrow(/neither a bound marker nor a string literal/);
  });

  test("casts and JSON paths are not markers", () => {
    expect(sqlMarkers("SELECT a::string, b:path, :p, x[0]:y FROM t")).toEqual(["p"]);
  });

  test("the header comment block is dropped, later comments stay", () => {
    expect(stripHeaderComments("-- uses :catalog\n\n-- more\nSELECT 1 -- one\n-- tail\nFROM t")).toBe("SELECT 1 -- one\n-- tail\nFROM t");
  });

  test("queryLines keep the newline on every line but the last", () => {
    expect(toQueryLines("SELECT 1\nFROM t\n")).toEqual(["SELECT 1\n", "FROM t"]);
  });
});

describe("DashboardBuilder", () => {
  test("serializes to the exported Lakeview shape", () => {
    const json = small().toJson();
    expect(json.datasets).toEqual([
      expect.objectContaining({
        name: "runs",
        displayName: "Runs",
        queryLines: expect.arrayContaining([expect.stringContaining("FROM `obs_dev`.`gold`.`job_runs`")]),
        parameters: [
          {
            displayName: "Date range",
            keyword: "date_range",
            dataType: "DATE",
            complexType: "RANGE",
            defaultSelection: { range: { dataType: "DATE", min: { value: "now-30d/d" }, max: { value: "now/d" } } },
          },
          { displayName: "Workspace", keyword: "workspace_id", dataType: "STRING", defaultSelection: { values: { dataType: "STRING", values: [{ value: "All" }] } } },
        ],
      }),
    ]);
    const [page] = json.pages;
    expect(page).toMatchObject({ name: "main", displayName: "Main", pageType: "PAGE_TYPE_CANVAS" });
    const byTitle = Object.fromEntries(page.layout.map((l) => [l.widget.spec.frame.title, l]));
    expect(byTitle["Dates"].widget.spec).toEqual({
      version: 2,
      widgetType: "filter-date-range-picker",
      encodings: { fields: [{ parameterName: "date_range", queryName: "parameter_runs_date_range" }] },
      frame: { showTitle: true, title: "Dates" },
    });
    expect(byTitle["Dates"].widget.queries).toEqual([
      { name: "parameter_runs_date_range", query: { datasetName: "runs", parameters: [{ name: "date_range", keyword: "date_range" }], disaggregated: false } },
    ]);
    expect(byTitle["Workspace"].widget.spec.widgetType).toBe("filter-single-select");
    expect(byTitle["Runs"].widget).toMatchObject({
      queries: [{ name: "main_query", query: { datasetName: "runs", fields: [{ name: "sum(runs)", expression: "SUM(`runs`)" }], disaggregated: false } }],
      spec: { version: 2, widgetType: "counter", encodings: { value: { fieldName: "sum(runs)" } } },
    });
    expect(byTitle["Runs per day"].widget.spec).toMatchObject({
      version: 3,
      widgetType: "bar",
      encodings: {
        x: { fieldName: "daily(run_date)", scale: { type: "temporal" } },
        y: { fieldName: "sum(runs)", scale: { type: "quantitative" } },
        color: { fieldName: "outcome", scale: { type: "categorical" } },
      },
    });
    expect(byTitle["Runs per day"].widget.queries[0].query.fields).toEqual([
      { name: "daily(run_date)", expression: 'DATE_TRUNC("DAY", `run_date`)' },
      { name: "sum(runs)", expression: "SUM(`runs`)" },
      { name: "outcome", expression: "`outcome`" },
    ]);
    expect(byTitle["Outcomes"].widget.spec).toMatchObject({ version: 1, widgetType: "table", itemsPerPage: 25 });
    expect(byTitle["Outcomes"].widget.queries[0].query.disaggregated).toBe(true);
    expect(page.layout.map((l) => l.position)).toEqual([
      { x: 0, y: 0, width: 3, height: 2 },
      { x: 3, y: 0, width: 3, height: 2 },
      { x: 0, y: 2, width: 6, height: 2 },
      { x: 0, y: 4, width: 4, height: 5 },
      { x: 4, y: 4, width: 2, height: 5 },
    ]);
    expect(JSON.parse(small().serialize())).toEqual(json);
  });

  test("field names and expressions follow the editor's convention", () => {
    expect([fieldName(count("run_id")), fieldExpression(count("run_id"))]).toEqual(["count(run_id)", "COUNT(`run_id`)"]);
    expect([fieldName({ column: "r", aggregation: "COUNT_DISTINCT" }), fieldExpression({ column: "r", aggregation: "COUNT_DISTINCT" })]).toEqual(["countdistinct(r)", "COUNT(DISTINCT `r`)"]);
  });

  test.each([
    ["a widget beyond the 6-column grid", (d: DashboardBuilder) => d.page("p", "P").place({ type: "counter", title: "c", dataset: "runs", value: sum("runs") }, { x: 4, y: 0, width: 3, height: 2 }), /exceeds the 6-column grid/],
    [
      "overlapping widgets",
      (d: DashboardBuilder) =>
        d.page("p", "P").place({ type: "counter", title: "a", dataset: "runs", value: sum("runs") }, { x: 0, y: 0, width: 3, height: 2 }).place({ type: "counter", title: "b", dataset: "runs", value: sum("runs") }, { x: 2, y: 1, width: 2, height: 2 }),
      /overlaps widget "a"/,
    ],
    ["an unknown dataset", (d: DashboardBuilder) => d.page("p", "P").row(2, [{ type: "counter", title: "c", dataset: "nope", value: sum("x") }, 2]), /unknown dataset "nope"/],
    ["an undeclared marker", (d: DashboardBuilder) => d.dataset("other", { displayName: "o", sql: "SELECT :nope" }), /:nope are neither bound nor declared/],
    ["an unused parameter", (d: DashboardBuilder) => d.dataset("other", { displayName: "o", sql: "SELECT 1", parameters: [dateRangeParameter()] }), /declared but not used/],
    ["a duplicate dataset", (d: DashboardBuilder) => d.dataset("runs", { displayName: "o", sql: "SELECT 1" }), /defined twice/],
  ])("refuses %s", (_, act, message) => {
    const d = new DashboardBuilder({ id: "x", displayName: "X", bindings: BINDINGS });
    d.dataset("runs", { displayName: "Runs", sql: "SELECT 1 AS runs" });
    expect(() => act(d)).toThrow(message);
  });

  test("refuses a filter whose parameter no dataset of the page declares, and unused datasets", () => {
    const d = new DashboardBuilder({ id: "x", displayName: "X", bindings: BINDINGS });
    d.dataset("runs", { displayName: "Runs", sql: "SELECT 1 AS runs" });
    d.page("p", "P").row(2, [{ type: "date-range-filter", title: "Dates", parameter: "date_range" }, 2], [{ type: "counter", title: "c", dataset: "runs", value: sum("runs") }, 2]);
    expect(() => d.toJson()).toThrow(/no dataset on the page declares parameter "date_range"/);
    const e = new DashboardBuilder({ id: "y", displayName: "Y", bindings: BINDINGS });
    e.dataset("runs", { displayName: "Runs", sql: "SELECT 1 AS runs" });
    e.dataset("spare", { displayName: "Spare", sql: "SELECT 2 AS x" });
    e.page("p", "P").row(2, [{ type: "counter", title: "c", dataset: "runs", value: sum("runs") }, 2]);
    expect(() => e.toJson()).toThrow(/datasets spare are not used/);
  });

  test("unionOver binds one copy per entry", () => {
    const d = new DashboardBuilder({ id: "u", displayName: "U", bindings: BINDINGS });
    d.dataset("fresh", { displayName: "F", sql: "SELECT :t AS name FROM IDENTIFIER(:catalog || '.b.' || :t);", unionOver: [{ t: "audit" }, { t: "usage" }] });
    d.page("p", "P").row(2, [{ type: "table", title: "t", dataset: "fresh", columns: [field("name")] }, 2]);
    expect(d.describe().datasets[0].sql).toBe("(\nSELECT 'audit' AS name FROM `obs_dev`.`b`.`audit`\n)\nUNION ALL\n(\nSELECT 'usage' AS name FROM `obs_dev`.`b`.`usage`\n)");
  });
});

describe("platform dashboards", () => {
  const dashboards = platformDashboards({ ...TEST_INPUT, sqlDir: SQL_DIR });

  test("five dashboards, each with pages, every SQL file used, no system tables read", () => {
    expect(dashboards.map((d) => d.id)).toEqual(["platform-health", "cost", "etl-processes", "alerts", "model-monitoring"]);
    for (const d of dashboards) {
      const json = d.toJson();
      expect(json.pages.length).toBeGreaterThan(0);
      for (const ds of json.datasets) {
        const sql = ds.queryLines.join("");
        expect(sql).not.toMatch(/\bsystem\./i);
        expect(sqlMarkers(sql).filter((m) => !["date_range", "workspace_id"].includes(m))).toEqual([]);
      }
    }
    const files = fs.readdirSync(SQL_DIR).filter((f) => f.endsWith(".sql"));
    const source = fs.readFileSync(path.join(PROJECT_ROOT, "constructs", "lakeview", "dashboards.ts"), "utf-8");
    expect(files.filter((f) => !source.includes(`"${f}"`))).toEqual([]);
  });

  test("dashboards with a workspace dimension offer date-range and workspace filters on every page", () => {
    for (const d of dashboards.filter((x) => ["platform-health", "cost", "alerts"].includes(x.id))) {
      for (const page of d.toJson().pages) {
        const types = page.layout.map((l) => l.widget.spec.widgetType);
        expect(types).toContain("filter-date-range-picker");
        expect(types).toContain("filter-single-select");
      }
    }
  });

  test("the model-monitoring dashboard is left out without models", () => {
    expect(platformDashboards({ ...TEST_INPUT, models: [], sqlDir: SQL_DIR }).map((d) => d.id)).not.toContain("model-monitoring");
  });

  test("the checked-in export for the Spark tests is up to date (UPDATE_DASHBOARD_EXPORT=1 rewrites it)", () => {
    const fresh = exportJson();
    if (process.env.UPDATE_DASHBOARD_EXPORT === "1") fs.writeFileSync(EXPORT_PATH, fresh);
    expect(fs.readFileSync(EXPORT_PATH, "utf-8")).toBe(fresh);
  });
});

describe("LakeviewDashboard", () => {
  const props = {
    displayName: "[dev] Small",
    parentPath: "/Workspace/observability-dev/dashboards",
    warehouseId: "wh-1",
    workspaceHost: "https://dbc-dev.cloud.databricks.com",
    readerGroups: ["data-analysts", "auditors"],
    managerGroups: ["platform-admins"],
  };

  test("synthesizes the dashboard and its ACL", () => {
    let url = "";
    const tf = synthConstructs((scope) => {
      const d = new LakeviewDashboard(scope, "Small", { ...props, definition: small() });
      url = d.url;
    });
    const dashboards = Object.values(tf.resource.databricks_dashboard);
    expect(dashboards).toHaveLength(1);
    const [dash] = dashboards as Record<string, unknown>[];
    expect(dash).toMatchObject({
      display_name: "[dev] Small",
      parent_path: "/Workspace/observability-dev/dashboards",
      warehouse_id: "wh-1",
      embed_credentials: false,
    });
    expect(JSON.parse(dash.serialized_dashboard as string)).toEqual(small().toJson());
    const [perm] = Object.values(tf.resource.databricks_permissions) as Record<string, unknown>[];
    expect(perm.dashboard_id).toMatch(/^\$\{databricks_dashboard\.\w+\.id\}$/);
    expect(perm.access_control).toEqual([
      { group_name: "platform-admins", permission_level: "CAN_MANAGE" },
      { group_name: "auditors", permission_level: "CAN_READ" },
      { group_name: "data-analysts", permission_level: "CAN_READ" },
    ]);
    expect(url).toMatch(/^https:\/\/dbc-dev\.cloud\.databricks\.com\/dashboardsv3\/\$\{TfToken\[TOKEN\.\d+\]\}$/);
  });

  test("validates its props, all problems at once", () => {
    const app = Testing.app();
    const { TerraformStack } = jest.requireActual("cdktf");
    const stack = new TerraformStack(app, "s");
    expect(
      () =>
        new LakeviewDashboard(stack, "Bad", {
          ...props,
          parentPath: "relative/",
          workspaceHost: "dbc.example.com",
          managerGroups: [],
          definition: new DashboardBuilder({ id: "empty", displayName: "Empty", bindings: {} }),
        }),
    ).toThrow(/parentPath: .*; workspaceHost: .*; managerGroups: .*; definition: .*no pages/);
  });
});

describe("Dashboards (the capability)", () => {
  const props: DashboardsProps = {
    namePrefix: "[dev] ",
    workspaceDir: "/Workspace/obs/dev/dashboards",
    workspaceHost: "https://dbc-dev.cloud.databricks.com",
    sqlDir: SQL_DIR,
    catalogName: "obs_dev",
    schemas: { gold: "gold", bronze: "bronze", etlMonitor: "etl", mlops: "mlops" },
    warehouseId: "wh-1",
    bronzeTables: TEST_INPUT.bronzeTables,
    models: TEST_INPUT.models,
    managerGroups: ["platform-admins"],
    readers: { cost: ["data-analysts"], "etl-processes": ["data-analysts", "data-engineers"] },
  };

  test("one prefixed dashboard per definition in the folder, readers per dashboard, managers on all", () => {
    const tf = synthConstructs((scope) => new Dashboards(scope, "Dashboards", props));
    const dashboards = Object.values(tf.resource.databricks_dashboard) as Record<string, unknown>[];
    expect(dashboards.map((d) => d.display_name).sort()).toEqual(["[dev] Alerts", "[dev] Cost", "[dev] ETL processes", "[dev] Model monitoring", "[dev] Platform health"]);
    for (const d of dashboards) expect(d).toMatchObject({ parent_path: "/Workspace/obs/dev/dashboards", warehouse_id: "wh-1", embed_credentials: false });
    const acl = Object.fromEntries(
      (Object.values(tf.resource.databricks_permissions) as { dashboard_id: string; access_control: { group_name: string; permission_level: string }[] }[]).map((p) => [
        String(tf.resource.databricks_dashboard[/databricks_dashboard\.([^.]+)\.id/.exec(p.dashboard_id)![1]].display_name),
        p.access_control.map((a) => `${a.group_name}:${a.permission_level}`),
      ]),
    );
    expect(acl["[dev] Cost"]).toEqual(["platform-admins:CAN_MANAGE", "data-analysts:CAN_READ"]);
    expect(acl["[dev] ETL processes"]).toEqual(["platform-admins:CAN_MANAGE", "data-analysts:CAN_READ", "data-engineers:CAN_READ"]);
    expect(acl["[dev] Alerts"]).toEqual(["platform-admins:CAN_MANAGE"]);
  });

  test("without models there is no model-monitoring dashboard", () => {
    const tf = synthConstructs((scope) => new Dashboards(scope, "Dashboards", { ...props, models: [] }));
    expect(Object.values(tf.resource.databricks_dashboard).map((d) => d.display_name)).not.toContain("[dev] Model monitoring");
  });

  test("catalog and schema references stay whole inside the back-quoted table names", () => {
    const tf = synthConstructs((scope) => {
      const { Token } = jest.requireActual("cdktf");
      new Dashboards(scope, "Dashboards", { ...props, catalogName: Token.asString({ resolve: () => "${databricks_catalog.C.name}" }) });
    });
    const health = Object.values(tf.resource.databricks_dashboard).find((d) => d.display_name === "[dev] Platform health")!;
    expect(String(health.serialized_dashboard)).toContain("`${databricks_catalog.C.name}`.`gold`.`job_health_scores`");
  });

  test("validates its props, all problems at once", () => {
    const build = (p: Partial<DashboardsProps>) => () => synthConstructs((scope) => new Dashboards(scope, "Dashboards", { ...props, ...p }));
    expect(build({ bronzeTables: [], models: [TEST_INPUT.models[0], TEST_INPUT.models[0]] })).toThrow(/bronzeTables: at least one table.*; models: duplicate name "churn_classifier"/);
    expect(build({ readers: { costs: ["a"] } })).toThrow(/readers\.costs: no such dashboard; defined: platform-health, cost, etl-processes, alerts, model-monitoring/);
  });

  test("the spec section: on with the observability section, readers by data grants, models from the resolved MLOps section", () => {
    const config = exampleConfigs().aut;
    const spec = resolvePlatformSpec(config, { projectRoot: PROJECT_ROOT });
    expect(spec.dashboards).toMatchObject({
      namePrefix: "[aut] ",
      workspaceDir: `${spec.workspaceRoot}/dashboards`,
      sqlDir: SQL_DIR,
      managerGroups: [config.principals.platformAdmins],
      readers: {
        "platform-health": [config.principals.analysts, config.principals.engineers],
        cost: [config.principals.analysts],
        "etl-processes": [config.principals.analysts, config.principals.engineers],
        alerts: [config.principals.analysts],
        "model-monitoring": [config.principals.analysts],
      },
    });
    expect(spec.dashboards!.models).toEqual(
      spec.modelMonitoring!.models.map((m) => ({ name: m.name, processedTable: `${m.name}_processed`, payloadTable: `${m.name}_payload`, modelIdCol: m.columns.modelId, granularity: m.monitoring.granularities[0], problemType: m.problemType })),
    );
    expect(resolvePlatformSpec({ ...config, dashboards: { enabled: false } }, { projectRoot: PROJECT_ROOT }).dashboards).toBeUndefined();
    expect(resolvePlatformSpec({ ...config, observability: undefined, dashboards: {} }, { projectRoot: PROJECT_ROOT }).dashboards).toBeUndefined();
  });

  test("dashboards.enabled without the observability section is a configuration error", () => {
    const config = exampleConfigs().aut;
    expect(environmentSchema.safeParse({ ...config, dashboards: { enabled: true } }).success).toBe(true);
    const result = environmentSchema.safeParse({ ...config, observability: undefined, dashboards: { enabled: true } });
    expect(result.error?.issues.map((i) => [i.path.join("."), i.message])).toEqual([
      ["dashboards.enabled", "the dashboards read the gold tables the observability section builds: add an observability section or remove dashboards.enabled"],
    ]);
  });
});

describe("preview", () => {
  // Imported lazily: vega is only needed here.
  const preview = () => require("../scripts/preview-dashboards") as typeof import("../scripts/preview-dashboards");

  test("applies the widget query: group by plain and binned fields, aggregate the rest", () => {
    const widget = {
      name: "w",
      title: "w",
      type: "bar" as const,
      dataset: "d",
      position: { x: 0, y: 0, width: 1, height: 1 },
      fields: [
        { role: "x", name: "weekly(d)", column: "d", bin: "WEEK" as const, requires: "temporal" as const },
        { role: "y", name: "sum(v)", column: "v", aggregation: "SUM" as const, requires: "numeric" as const },
        { role: "color", name: "k", column: "k", requires: "any" as const },
      ],
    };
    const rows = [
      { d: "2026-11-30", v: 1, k: "a" }, // Monday
      { d: "2026-12-06", v: 2, k: "a" }, // Sunday, same week
      { d: "2026-12-07", v: 4, k: "a" },
      { d: "2026-12-01", v: 8, k: "b" },
    ];
    expect(preview().widgetRows(widget, rows)).toEqual([
      { "weekly(d)": "2026-11-30", k: "a", "sum(v)": 3 },
      { "weekly(d)": "2026-12-07", k: "a", "sum(v)": 4 },
      { "weekly(d)": "2026-11-30", k: "b", "sum(v)": 8 },
    ]);
  });

  test("names the missing rows and how to produce them", () => {
    const dashboards = platformDashboards({ ...TEST_INPUT, sqlDir: SQL_DIR }).map((d) => d.describe());
    expect(() => preview().loadRows(fs.mkdtempSync(path.join(require("os").tmpdir(), "rows-")), dashboards)).toThrow(
      /dataset rows missing \(\d+\)[\s\S]*Run the Spark dataset tests first: .*test_dashboard_datasets\.py/,
    );
  });

  test("renders a dashboard page grid with SVG charts", async () => {
    const d = small().describe();
    const rows = new Map([["small/runs", { columns: {}, rows: [{ run_date: "2026-11-30", outcome: "succeeded", runs: 3 }, { run_date: "2026-12-01", outcome: "failed", runs: 1 }] }]]);
    const html = await preview().renderDashboard(d, rows);
    expect(html).toContain("grid-template-columns:repeat(6,");
    expect((html.match(/<svg/g) ?? []).length).toBe(2); // counter + bar
    expect(html).toContain("grid-column:1 / span 4;grid-row:5 / span 5");
    expect(html).toContain("<td>succeeded</td>");
  });

  test("a dataset that could not run says why in each of its widgets, and the note names the rows' source", async () => {
    const d = small().describe();
    const rows = new Map([["small/runs", { columns: {}, rows: [], notRun: "no <monitor> output" }]]);
    const html = await preview().renderDashboard(d, rows, "rows of npm run simulate");
    expect((html.match(/Not run on this data: no &lt;monitor&gt; output/g) ?? []).length).toBe(3);
    expect(html).not.toContain("<svg");
    expect(html).toContain("Offline preview: rows of npm run simulate,");
  });
});

describe("the dashboard export for an environment (npm run simulate binds its workspace with it)", () => {
  const { environmentInput } = require("../scripts/export-dashboards") as typeof import("../scripts/export-dashboards");

  test("binds the environment's resolved models and every registry table on the given schemas", () => {
    const input = environmentInput(path.join(PROJECT_ROOT, "environments", "dev.yaml"), "spark_catalog", "gold=g,bronze=b,etl=e,mlops=m", PROJECT_ROOT);
    expect(input.schemas).toEqual({ gold: "g", bronze: "b", etl: "e", mlops: "m" });
    expect(input.models.map((m) => [m.name, m.problemType])).toEqual([
      ["churn_classifier", "PROBLEM_TYPE_CLASSIFICATION"],
      ["demand_forecast", "PROBLEM_TYPE_REGRESSION"],
    ]);
    const registry = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "sql", "registry", "system_tables.json"), "utf-8")).tables;
    expect(input.bronzeTables).toHaveLength(registry.length);
  });

  test("refuses an incomplete --schemas and names the flag", () => {
    expect(() => environmentInput(path.join(PROJECT_ROOT, "environments", "dev.yaml"), "c", "gold=g,bronze=b", PROJECT_ROOT)).toThrow(
      /--schemas: expected gold=<schema>,bronze=<schema>,etl=<schema>,mlops=<schema>, got "gold=g,bronze=b"/,
    );
  });
});
