import * as fs from "fs";
import * as path from "path";
import * as vega from "vega";
import { compile, TopLevelSpec } from "vega-lite";
import { DashboardDescription, NumberFormat, WidgetUsage } from "../constructs/lakeview/builder";
import { DashboardExport, exportDashboards } from "./export-dashboards";
import { projectRoot } from "./project-root";

/**
 * Offline preview of the dashboards: cdktf.out/previews/<dashboard>.html, each page on its
 * 6-column grid, each chart and counter an SVG rendered headless by Vega-Lite from the rows the
 * Spark dataset tests produced (test/python/test_dashboard_datasets.py writes them to
 * cdktf.out/previews/data/<dashboard>/<dataset>.json, or $DASHBOARD_PREVIEW_DATA). The widget's
 * own query (grouping, binning, aggregation) is applied to the rows here, as Lakeview would.
 * Tables are HTML tables; filters show their parameter and default.
 *
 * `npm run simulate` renders its own workspace the same way: DASHBOARD_PREVIEW_DEFINITIONS (an
 * export bound for its schemas and models), DASHBOARD_PREVIEW_DATA, DASHBOARD_PREVIEW_OUT and
 * DASHBOARD_PREVIEW_SOURCE (the line saying where the rows come from). A rows file may say
 * `notRun` with a reason instead of rows; its widgets then say so.
 */

const ROW_PX = 56;
const COL_PX = 210;
const GAP_PX = 12;

type Row = Record<string, unknown>;
interface DatasetRows {
  readonly columns: Record<string, string>;
  readonly rows: Row[];
  /** Why the dataset could not run on this data (e.g. no Lakehouse monitor output locally). */
  readonly notRun?: string;
}

const TEST_SOURCE = "fixture rows from the Spark dataset tests";

export class MissingRowsError extends Error {}

export function loadRows(dataDir: string, dashboards: readonly DashboardDescription[]): Map<string, DatasetRows> {
  const rows = new Map<string, DatasetRows>();
  const missing: string[] = [];
  for (const d of dashboards) {
    for (const ds of d.datasets) {
      const file = path.join(dataDir, d.id, `${ds.name}.json`);
      if (!fs.existsSync(file)) missing.push(path.relative(process.cwd(), file));
      else rows.set(`${d.id}/${ds.name}`, JSON.parse(fs.readFileSync(file, "utf-8")) as DatasetRows);
    }
  }
  if (missing.length) {
    throw new MissingRowsError(
      `dataset rows missing (${missing.length}), e.g. ${missing[0]}.\n` +
        "Run the Spark dataset tests first: .venv/bin/python -m pytest test/python/test_dashboard_datasets.py -q",
    );
  }
  return rows;
}

function binDate(value: unknown, bin: "DAY" | "WEEK" | "MONTH"): string {
  const d = new Date(String(value).length === 10 ? `${String(value)}T00:00:00Z` : String(value));
  if (bin === "WEEK") d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7)); // DATE_TRUNC('WEEK') starts on Monday
  if (bin === "MONTH") d.setUTCDate(1);
  return d.toISOString().slice(0, 10);
}

/** The widget's query over the dataset rows: group by the plain fields, aggregate the others. */
export function widgetRows(widget: WidgetUsage, rows: readonly Row[]): Row[] {
  const keys = widget.fields.filter((f) => !f.aggregation);
  const aggs = widget.fields.filter((f) => f.aggregation);
  if (aggs.length === 0) return rows.map((r) => Object.fromEntries(widget.fields.map((f) => [f.name, f.bin ? binDate(r[f.column], f.bin) : r[f.column]])));
  const groups = new Map<string, { key: Row; members: Row[] }>();
  for (const r of rows) {
    const key = Object.fromEntries(keys.map((f) => [f.name, f.bin ? binDate(r[f.column], f.bin) : r[f.column]]));
    const id = JSON.stringify(key);
    if (!groups.has(id)) groups.set(id, { key, members: [] });
    groups.get(id)!.members.push(r);
  }
  return [...groups.values()].map(({ key, members }) => {
    const out: Row = { ...key };
    for (const f of aggs) {
      const values = members.map((m) => m[f.column]).filter((v) => v !== null && v !== undefined);
      const nums = values.map(Number);
      switch (f.aggregation) {
        case "SUM":
          out[f.name] = nums.reduce((a, b) => a + b, 0);
          break;
        case "AVG":
          out[f.name] = nums.length ? nums.reduce((a, b) => a + b, 0) / nums.length : null;
          break;
        case "MIN":
          out[f.name] = nums.length ? Math.min(...nums) : null;
          break;
        case "MAX":
          out[f.name] = nums.length ? Math.max(...nums) : null;
          break;
        case "COUNT":
          out[f.name] = values.length;
          break;
        case "COUNT_DISTINCT":
          out[f.name] = new Set(values.map((v) => JSON.stringify(v))).size;
          break;
      }
    }
    return out;
  });
}

function d3Format(format: NumberFormat | undefined): string | undefined {
  return format === "usd" ? "$,.2f" : format === "percent" ? ".1%" : format === "plain" ? ",.1f" : undefined;
}

function escapeHtml(s: unknown): string {
  return String(s ?? "").replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);
}

async function svg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: "none" });
  return view.toSVG();
}

function chartSpec(w: WidgetUsage, values: Row[], width: number, height: number): TopLevelSpec {
  const x = w.fields.find((f) => f.role === "x")!;
  const y = w.fields.find((f) => f.role === "y")!;
  const color = w.fields.find((f) => f.role === "color");
  const fmt = d3Format(w.format);
  const enc = (f: typeof x, axisScale: "quantitative" | "temporal" | "nominal" | "ordinal") => ({
    field: f.name,
    type: axisScale,
    title: f.column,
    ...(axisScale === "quantitative" && fmt ? { axis: { format: fmt } } : {}),
    ...(axisScale === "nominal" && w.horizontal ? { sort: "-x" as const } : {}),
    ...(axisScale === "ordinal" ? { axis: { labelAngle: -45 } } : {}),
  });
  // Bars over time are drawn per day/week as discrete bands, as Lakeview draws them.
  const xType = w.horizontal ? "quantitative" : x.requires === "temporal" ? (w.type === "bar" ? "ordinal" : "temporal") : "nominal";
  const yType = w.horizontal ? "nominal" : "quantitative";
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    width,
    height,
    data: { values },
    mark: w.type === "line" ? { type: "line", point: true } : { type: "bar" },
    encoding: {
      x: enc(x, xType),
      y: enc(y, yType),
      ...(color ? { color: { field: color.name, type: "nominal" as const, title: color.column, legend: { orient: "bottom" as const } } } : {}),
    },
    config: { font: "Helvetica, Arial, sans-serif", axis: { labelLimit: 140 } },
  } as TopLevelSpec;
}

function counterSpec(w: WidgetUsage, values: Row[], width: number, height: number): TopLevelSpec {
  const f = w.fields[0];
  const fmt = d3Format(w.format) ?? ",.0f";
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    width,
    height,
    data: { values },
    mark: { type: "text", fontSize: Math.min(44, height * 0.6), fontWeight: "bold", color: "#1b3139" },
    encoding: { text: { field: f.name, type: "quantitative", format: fmt } },
    config: { view: { stroke: null } },
  } as TopLevelSpec;
}

function tableHtml(w: WidgetUsage, values: Row[]): string {
  const cols = w.fields.filter((f) => f.role !== "order");
  const order = w.fields.find((f) => f.role === "order");
  const sorted = [...values];
  if (order) {
    const sign = w.orderDirection === "ASC" ? -1 : 1;
    const key = (r: Row) => r[order.name];
    sorted.sort((a, b) => {
      const [ka, kb] = [key(a), key(b)];
      const cmp = typeof ka === "number" && typeof kb === "number" ? kb - ka : String(kb ?? "").localeCompare(String(ka ?? ""));
      return cmp * sign;
    });
  }
  const cell = (v: unknown) => (typeof v === "number" && !Number.isInteger(v) ? v.toFixed(2) : escapeHtml(v));
  return `<table><thead><tr>${cols.map((c) => `<th>${escapeHtml(c.column)}</th>`).join("")}</tr></thead><tbody>${sorted
    .slice(0, 12)
    .map((r) => `<tr>${cols.map((c) => `<td>${cell(r[c.name])}</td>`).join("")}</tr>`)
    .join("")}</tbody></table>`;
}

async function widgetHtml(d: DashboardDescription, w: WidgetUsage, rows: Map<string, DatasetRows>): Promise<string> {
  const { x, y, width, height } = w.position;
  const style = `grid-column:${x + 1} / span ${width};grid-row:${y + 1} / span ${height}`;
  const innerW = width * COL_PX + (width - 1) * GAP_PX - 24;
  const innerH = height * ROW_PX + (height - 1) * GAP_PX - 40;
  let body: string;
  if (w.type === "date-range-filter" || w.type === "select-filter") {
    const param = d.datasets.flatMap((ds) => ds.parameters).find((p) => p.keyword === w.parameter);
    const value = param?.kind === "date-range" ? `${param.defaultMin} → ${param.defaultMax}` : param?.kind === "string" ? param.defaultValue : "";
    body = `<div class="filter"><span>:${escapeHtml(w.parameter)}</span> <b>${escapeHtml(value)}</b> <small>(${w.datasets?.length ?? 0} datasets)</small></div>`;
  } else {
    const data = rows.get(`${d.id}/${w.dataset}`)!;
    const values = widgetRows(w, data.rows);
    if (data.notRun !== undefined) body = `<div class="notrun">Not run on this data: ${escapeHtml(data.notRun)}</div>`;
    else if (w.type === "table") body = tableHtml(w, values);
    else if (w.type === "counter") body = await svg(counterSpec(w, values, innerW, Math.max(30, innerH - 10)));
    else {
      const legend = w.fields.some((f) => f.role === "color") ? 60 : 0;
      const dateBands = w.type === "bar" && !w.horizontal && w.fields.some((f) => f.role === "x" && f.requires === "temporal") ? 45 : 0;
      body = await svg(chartSpec(w, values, Math.max(80, innerW - (w.horizontal ? 160 : 60)), Math.max(40, innerH - 50 - legend - dateBands)));
    }
  }
  return `<div class="widget" style="${style}"><h3>${escapeHtml(w.title)}</h3>${body}</div>`;
}

export async function renderDashboard(d: DashboardDescription, rows: Map<string, DatasetRows>, source = TEST_SOURCE): Promise<string> {
  const pages: string[] = [];
  for (const page of d.pages) {
    const widgets = await Promise.all(page.widgets.map((w) => widgetHtml(d, w, rows)));
    pages.push(`<section><h2>${escapeHtml(page.displayName)}</h2><div class="grid">${widgets.join("\n")}</div></section>`);
  }
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(d.displayName)} (preview)</title><style>
body{font-family:Helvetica,Arial,sans-serif;background:#f7f8fa;margin:16px;color:#1b3139}
h1{font-size:22px;margin:0 0 4px} .note{color:#5a6f77;font-size:12px;margin-bottom:12px}
h2{font-size:17px;border-bottom:2px solid #ff3621;padding-bottom:4px}
.grid{display:grid;grid-template-columns:repeat(6,${COL_PX}px);grid-auto-rows:${ROW_PX}px;gap:${GAP_PX}px}
.widget{background:#fff;border:1px solid #dde3e6;border-radius:6px;padding:8px 12px;overflow:hidden}
.widget h3{font-size:13px;margin:0 0 6px} table{border-collapse:collapse;font-size:11px;width:100%}
th,td{border-bottom:1px solid #eef1f3;text-align:left;padding:2px 4px;white-space:nowrap}
.filter{font-size:13px;padding:6px;background:#eef4f8;border-radius:4px}
.notrun{font-size:12px;color:#8a5a00;background:#fff6e0;padding:6px;border-radius:4px}
</style></head><body><h1>${escapeHtml(d.displayName)}</h1>
<div class="note">Offline preview: ${escapeHtml(source)}, charts rendered with Vega-Lite. Not live data.</div>
${pages.join("\n")}</body></html>
`;
}

async function main(): Promise<void> {
  const root = projectRoot();
  const outDir = process.env.DASHBOARD_PREVIEW_OUT || path.join(root, "cdktf.out", "previews");
  const dataDir = process.env.DASHBOARD_PREVIEW_DATA || path.join(outDir, "data");
  const definitions = process.env.DASHBOARD_PREVIEW_DEFINITIONS;
  const { dashboards } = definitions ? (JSON.parse(fs.readFileSync(definitions, "utf-8")) as DashboardExport) : exportDashboards();
  const rows = loadRows(dataDir, dashboards);
  const source = process.env.DASHBOARD_PREVIEW_SOURCE || TEST_SOURCE;
  const pages = await Promise.all(dashboards.map(async (d) => [d.id, await renderDashboard(d, rows, source)] as const));
  fs.mkdirSync(outDir, { recursive: true });
  for (const [id, html] of pages) {
    fs.writeFileSync(path.join(outDir, `${id}.html`), html);
    console.log(`wrote ${path.relative(process.cwd(), path.join(outDir, `${id}.html`))}`);
  }
}

if (require.main === module) {
  main().catch((e: Error) => {
    console.error(e instanceof MissingRowsError ? e.message : e.stack);
    process.exit(1);
  });
}
