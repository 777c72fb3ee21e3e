import { bindSqlMarkers, sqlMarkers, stripHeaderComments, toQueryLines } from "./sql-binding";
import {
  AxisEncodingJson,
  DatasetJson,
  DatasetParameterJson,
  FormatJson,
  LayoutItemJson,
  NamedQueryJson,
  PageJson,
  PositionJson,
  ScaleType,
  SerializedDashboardJson,
  TableColumnJson,
  WidgetJson,
  WidgetSpecJson,
} from "./types";

/**
 * A small typed builder for Lakeview dashboards: datasets with parameters, pages on the 6-column
 * grid, counter / line / bar / table widgets and parameter filters. It produces the
 * `serialized_dashboard` JSON (see types.ts for the files it mirrors) and, for tests and the
 * offline preview, a description of which dataset columns every widget reads.
 *
 * Everything is checked when added: unknown datasets, parameters a dataset does not declare or
 * does not use, markers left unbound, widgets outside the grid or overlapping, duplicate names.
 */

/** Lakeview's grid is 6 columns wide (every position in the Databricks-published dashboards). */
export const GRID_COLUMNS = 6;

export class DashboardDefinitionError extends Error {
  constructor(dashboard: string, message: string) {
    super(`dashboard "${dashboard}": ${message}`);
    this.name = "DashboardDefinitionError";
  }
}

// ---------------------------------------------------------------------------------------------
// Parameters
// ---------------------------------------------------------------------------------------------

export interface DateRangeParameter {
  readonly kind: "date-range";
  readonly keyword: string;
  readonly displayName: string;
  /** Relative date expressions as the editor writes them, e.g. `now-30d/d`. */
  readonly defaultMin: string;
  readonly defaultMax: string;
}

export interface StringParameter {
  readonly kind: "string";
  readonly keyword: string;
  readonly displayName: string;
  readonly defaultValue: string;
}

export type DashboardParameter = DateRangeParameter | StringParameter;

/** A date range, used in SQL as `:<keyword>.min` and `:<keyword>.max`. @default last 30 days */
export function dateRangeParameter(keyword = "date_range", displayName = "Date range", defaultMin = "now-30d/d", defaultMax = "now/d"): DateRangeParameter {
  return { kind: "date-range", keyword, displayName, defaultMin, defaultMax };
}

/** A single string, e.g. a workspace id with `All` meaning no restriction. */
export function stringParameter(keyword: string, displayName: string, defaultValue: string): StringParameter {
  return { kind: "string", keyword, displayName, defaultValue };
}

function parameterJson(p: DashboardParameter): DatasetParameterJson {
  if (p.kind === "date-range") {
    return {
      displayName: p.displayName,
      keyword: p.keyword,
      dataType: "DATE",
      complexType: "RANGE",
      defaultSelection: { range: { dataType: "DATE", min: { value: p.defaultMin }, max: { value: p.defaultMax } } },
    };
  }
  return {
    displayName: p.displayName,
    keyword: p.keyword,
    dataType: "STRING",
    defaultSelection: { values: { dataType: "STRING", values: [{ value: p.defaultValue }] } },
  };
}

// ---------------------------------------------------------------------------------------------
// Fields
// ---------------------------------------------------------------------------------------------

export type Aggregation = "SUM" | "AVG" | "MIN" | "MAX" | "COUNT" | "COUNT_DISTINCT";
export type TimeBin = "DAY" | "WEEK" | "MONTH";

/** One dataset column as a widget reads it: raw, binned in time, or aggregated. */
export interface FieldRef {
  readonly column: string;
  readonly aggregation?: Aggregation;
  readonly bin?: TimeBin;
  /** A raw column shown on a time axis. */
  readonly temporal?: boolean;
  readonly displayName?: string;
}

export const field = (column: string, displayName?: string): FieldRef => ({ column, displayName });
export const temporal = (column: string, displayName?: string): FieldRef => ({ column, temporal: true, displayName });
export const daily = (column: string, displayName?: string): FieldRef => ({ column, bin: "DAY", displayName });
export const weekly = (column: string, displayName?: string): FieldRef => ({ column, bin: "WEEK", displayName });
export const sum = (column: string, displayName?: string): FieldRef => ({ column, aggregation: "SUM", displayName });
export const avg = (column: string, displayName?: string): FieldRef => ({ column, aggregation: "AVG", displayName });
export const max = (column: string, displayName?: string): FieldRef => ({ column, aggregation: "MAX", displayName });
export const min = (column: string, displayName?: string): FieldRef => ({ column, aggregation: "MIN", displayName });
export const count = (column: string, displayName?: string): FieldRef => ({ column, aggregation: "COUNT", displayName });
export const countDistinct = (column: string, displayName?: string): FieldRef => ({ column, aggregation: "COUNT_DISTINCT", displayName });

const BIN_NAMES: Record<TimeBin, string> = { DAY: "daily", WEEK: "weekly", MONTH: "monthly" };

/** The query field name, as the editor names it: `sum(usd)`, `countdistinct(run_id)`, `daily(run_date)`. */
export function fieldName(f: FieldRef): string {
  if (f.aggregation) return `${f.aggregation.replace("_", "").toLowerCase()}(${f.column})`;
  if (f.bin) return `${BIN_NAMES[f.bin]}(${f.column})`;
  return f.column;
}

export function fieldExpression(f: FieldRef): string {
  const col = "`" + f.column.replace(/`/g, "``") + "`";
  if (f.aggregation === "COUNT_DISTINCT") return `COUNT(DISTINCT ${col})`;
  if (f.aggregation) return `${f.aggregation}(${col})`;
  if (f.bin) return `DATE_TRUNC("${f.bin}", ${col})`;
  return col;
}

function defaultDisplayName(f: FieldRef): string {
  if (f.displayName) return f.displayName;
  const labels: Record<Aggregation, string> = { SUM: "Sum of", AVG: "Average", MIN: "Minimum", MAX: "Maximum", COUNT: "Count of", COUNT_DISTINCT: "Count of unique" };
  return f.aggregation ? `${labels[f.aggregation]} ${f.column}` : f.column;
}

/**
 * What a widget needs from a dataset column, checked against the real result schema by the
 * Spark dataset tests: `numeric` for SUM/AVG and quantitative axes, `temporal` for time axes and
 * bins, `any` otherwise.
 */
export type ColumnRequirement = "numeric" | "temporal" | "any";

function requirement(f: FieldRef, scale: ScaleType | "value"): ColumnRequirement {
  if (f.aggregation === "SUM" || f.aggregation === "AVG") return "numeric";
  if (f.aggregation) return "any";
  if (f.bin || f.temporal || scale === "temporal") return "temporal";
  if (scale === "quantitative") return "numeric";
  return "any";
}

// ---------------------------------------------------------------------------------------------
// Widgets
// ---------------------------------------------------------------------------------------------

export type NumberFormat = "plain" | "usd" | "percent";

function formatJson(format: NumberFormat | undefined): FormatJson | undefined {
  switch (format) {
    case "usd":
      return { type: "number-currency", currencyCode: "USD", abbreviation: "compact", decimalPlaces: { type: "max", places: 2 } };
    case "percent":
      return { type: "number-percent", decimalPlaces: { type: "max", places: 1 } };
    case "plain":
      return { type: "number-plain", abbreviation: "compact", decimalPlaces: { type: "max", places: 1 } };
    default:
      return undefined;
  }
}

interface WidgetBase {
  readonly title: string;
  readonly description?: string;
}

export interface CounterWidget extends WidgetBase {
  readonly type: "counter";
  readonly dataset: string;
  readonly value: FieldRef;
  readonly format?: NumberFormat;
}

export interface ChartWidget extends WidgetBase {
  readonly type: "line" | "bar";
  readonly dataset: string;
  readonly x: FieldRef;
  readonly y: FieldRef;
  readonly color?: FieldRef;
  /** A bar chart with categories on the y axis (x quantitative), as the editor stores it. */
  readonly horizontal?: boolean;
  readonly format?: NumberFormat;
}

export interface TableWidget extends WidgetBase {
  readonly type: "table";
  readonly dataset: string;
  readonly columns: readonly FieldRef[];
  /** Sort, applied by the widget query. @default - the dataset's order */
  readonly orderBy?: { readonly column: string; readonly direction: "ASC" | "DESC" };
  /** @default 25 */
  readonly itemsPerPage?: number;
}

export interface FilterWidget extends WidgetBase {
  readonly type: "date-range-filter" | "select-filter";
  readonly parameter: string;
  /** Datasets the filter sets the parameter of. @default - every dataset of the page that declares it */
  readonly datasets?: readonly string[];
}

export type Widget = CounterWidget | ChartWidget | TableWidget | FilterWidget;

export function isFilter(w: Widget): w is FilterWidget {
  return w.type === "date-range-filter" || w.type === "select-filter";
}

/** What the Spark tests and the preview need to know about a widget. */
export interface WidgetUsage {
  readonly name: string;
  readonly title: string;
  readonly type: Widget["type"];
  readonly dataset?: string;
  /** Encoded fields: query field name, the dataset column read, and what the column must be. */
  readonly fields: readonly { readonly role: string; readonly name: string; readonly column: string; readonly aggregation?: Aggregation; readonly bin?: TimeBin; readonly requires: ColumnRequirement }[];
  readonly parameter?: string;
  /** Datasets a filter sets its parameter on. */
  readonly datasets?: readonly string[];
  readonly position: PositionJson;
  readonly horizontal?: boolean;
  readonly format?: NumberFormat;
  /** A table's sort. */
  readonly orderDirection?: "ASC" | "DESC";
}

// ---------------------------------------------------------------------------------------------
// Builder
// ---------------------------------------------------------------------------------------------

export interface DatasetDefinition {
  readonly displayName: string;
  /** SQL of the dataset; deployment markers are bound with the dashboard's bindings. */
  readonly sql: string;
  /** @default - none */
  readonly parameters?: readonly DashboardParameter[];
  /**
   * Instantiates the SQL once per entry, each bound with the dashboard's bindings plus the entry
   * (e.g. one per bronze table or served model), and unions the copies (UNION ALL).
   * @default - one copy, the dashboard's bindings only
   */
  readonly unionOver?: readonly Readonly<Record<string, string>>[];
}

export interface DashboardBuilderProps {
  /** Short id (kebab-case): file names of the preview, construct ids. */
  readonly id: string;
  readonly displayName: string;
  /** Values of the deployment markers (`catalog`, `gold_schema`, ...), bound in every dataset. */
  readonly bindings: Readonly<Record<string, string>>;
}

interface DatasetEntry {
  readonly name: string;
  readonly json: DatasetJson;
  readonly sql: string;
  readonly parameters: readonly DashboardParameter[];
}

interface PageEntry {
  readonly name: string;
  readonly displayName: string;
  readonly items: { readonly widget: Widget; readonly position: PositionJson; readonly name: string }[];
}

export class PageBuilder {
  private nextRow = 0;

  constructor(
    private readonly dashboard: DashboardBuilder,
    private readonly entry: PageEntry,
  ) {}

  /** Places a widget at an explicit grid position. */
  place(widget: Widget, position: PositionJson): this {
    this.dashboard.addWidget(this.entry, widget, position);
    this.nextRow = Math.max(this.nextRow, position.y + position.height);
    return this;
  }

  /** Places widgets side by side in the next free row, each with its width; all `height` tall. */
  row(height: number, ...cells: readonly [Widget, number][]): this {
    let x = 0;
    const y = this.nextRow;
    for (const [widget, width] of cells) {
      this.place(widget, { x, y, width, height });
      x += width;
    }
    return this;
  }
}

export class DashboardBuilder {
  readonly id: string;
  readonly displayName: string;
  private readonly bindings: Readonly<Record<string, string>>;
  private readonly datasets = new Map<string, DatasetEntry>();
  private readonly pages: PageEntry[] = [];
  private readonly widgetNames = new Set<string>();

  constructor(props: DashboardBuilderProps) {
    if (!/^[a-z][a-z0-9-]*$/.test(props.id)) throw new DashboardDefinitionError(props.id, "id: expected kebab-case (a-z, 0-9, -)");
    if (!props.displayName.trim()) throw new DashboardDefinitionError(props.id, "displayName: must not be empty");
    this.id = props.id;
    this.displayName = props.displayName;
    this.bindings = props.bindings;
  }

  private fail(message: string): never {
    throw new DashboardDefinitionError(this.id, message);
  }

  /** Adds a dataset; its SQL may use only the bindings and its declared parameters as markers. */
  dataset(name: string, def: DatasetDefinition): string {
    if (!/^[a-z][a-z0-9_]*$/.test(name)) this.fail(`dataset "${name}": name must be snake_case`);
    if (this.datasets.has(name)) this.fail(`dataset "${name}" is defined twice`);
    if (def.unionOver && def.unionOver.length === 0) this.fail(`dataset "${name}": unionOver is empty`);
    let sql: string;
    try {
      const body = stripHeaderComments(def.sql).replace(/;\s*$/, "");
      const copies = (def.unionOver ?? [{}]).map((extra) => bindSqlMarkers(body, { ...this.bindings, ...extra }));
      sql = copies.length === 1 ? copies[0] : copies.map((c) => `(\n${c.trim()}\n)`).join("\nUNION ALL\n");
    } catch (e) {
      this.fail(`dataset "${name}": ${(e as Error).message}`);
    }
    const parameters = def.parameters ?? [];
    const keywords = parameters.map((p) => p.keyword);
    const left = sqlMarkers(sql);
    const undeclared = left.filter((m) => !keywords.includes(m));
    if (undeclared.length) this.fail(`dataset "${name}": markers ${undeclared.map((m) => `:${m}`).join(", ")} are neither bound nor declared parameters`);
    const unused = keywords.filter((k) => !left.includes(k));
    if (unused.length) this.fail(`dataset "${name}": parameters ${unused.join(", ")} are declared but not used in the SQL`);
    const json: DatasetJson = {
      name,
      displayName: def.displayName,
      queryLines: toQueryLines(sql),
      ...(parameters.length ? { parameters: parameters.map(parameterJson) } : {}),
    };
    this.datasets.set(name, { name, json, sql, parameters });
    return name;
  }

  page(name: string, displayName: string): PageBuilder {
    if (!/^[a-z][a-z0-9_]*$/.test(name)) this.fail(`page "${name}": name must be snake_case`);
    if (this.pages.some((p) => p.name === name)) this.fail(`page "${name}" is defined twice`);
    const entry: PageEntry = { name, displayName, items: [] };
    this.pages.push(entry);
    return new PageBuilder(this, entry);
  }

  /** @internal used by PageBuilder */
  addWidget(page: PageEntry, widget: Widget, position: PositionJson): void {
    const where = `page "${page.name}", widget "${widget.title}"`;
    const { x, y, width, height } = position;
    if (![x, y, width, height].every(Number.isInteger) || x < 0 || y < 0 || width < 1 || height < 1) {
      this.fail(`${where}: position ${JSON.stringify(position)} must be non-negative integers with width and height >= 1`);
    }
    if (x + width > GRID_COLUMNS) this.fail(`${where}: x + width = ${x + width} exceeds the ${GRID_COLUMNS}-column grid`);
    for (const other of page.items) {
      const o = other.position;
      if (x < o.x + o.width && o.x < x + width && y < o.y + o.height && o.y < y + height) {
        this.fail(`${where}: overlaps widget "${other.widget.title}" at ${JSON.stringify(o)}`);
      }
    }
    if (isFilter(widget)) {
      for (const d of widget.datasets ?? []) this.requireDataset(where, d);
    } else {
      this.requireDataset(where, widget.dataset);
      if (widget.type === "table" && widget.columns.length === 0) this.fail(`${where}: a table needs at least one column`);
    }
    const base = `${page.name}_${widget.title.toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_|_$/g, "")}`.slice(0, 60);
    let name = base;
    for (let n = 2; this.widgetNames.has(name); n++) name = `${base}_${n}`;
    this.widgetNames.add(name);
    page.items.push({ widget, position, name });
  }

  private requireDataset(where: string, name: string): DatasetEntry {
    const d = this.datasets.get(name);
    if (!d) this.fail(`${where}: unknown dataset "${name}"`);
    return d;
  }

  /** A filter's datasets: as given, or every dataset of its page declaring the parameter; checked. */
  private filterTargets(page: PageEntry, widget: FilterWidget): string[] {
    const where = `page "${page.name}", widget "${widget.title}"`;
    const kind = widget.type === "date-range-filter" ? "date-range" : "string";
    const targets = widget.datasets ? [...widget.datasets] : this.pageDatasets(page).filter((d) => this.datasets.get(d)!.parameters.some((p) => p.keyword === widget.parameter));
    if (!targets.length) this.fail(`${where}: no dataset on the page declares parameter "${widget.parameter}"`);
    for (const d of targets) {
      const p = this.requireDataset(where, d).parameters.find((q) => q.keyword === widget.parameter);
      if (!p) this.fail(`${where}: dataset "${d}" does not declare parameter "${widget.parameter}"`);
      if (p.kind !== kind) this.fail(`${where}: parameter "${widget.parameter}" of dataset "${d}" is a ${p.kind} parameter`);
    }
    return targets;
  }

  /** Page items with filter targets resolved. */
  private resolved(page: PageEntry): PageEntry["items"] {
    return page.items.map((item) =>
      isFilter(item.widget)
        ? { ...item, widget: { ...item.widget, datasets: this.filterTargets(page, item.widget) } }
        : item,
    );
  }

  private pageDatasets(page: PageEntry): string[] {
    const names = new Set<string>();
    for (const { widget } of page.items) if ("dataset" in widget) names.add(widget.dataset);
    return [...names];
  }

  /** The `serialized_dashboard` object. Every dataset must be used by a widget. */
  toJson(): SerializedDashboardJson {
    if (this.pages.length === 0) this.fail("no pages");
    const pages = this.pages.map((p) => ({ ...p, items: this.resolved(p) }));
    const used = new Set(pages.flatMap((p) => p.items.flatMap(({ widget }) => ("dataset" in widget ? [widget.dataset] : widget.datasets ?? []))));
    const unusedDatasets = [...this.datasets.keys()].filter((d) => !used.has(d));
    if (unusedDatasets.length) this.fail(`datasets ${unusedDatasets.join(", ")} are not used by any widget`);
    for (const p of pages) if (p.items.length === 0) this.fail(`page "${p.name}" has no widgets`);
    return {
      datasets: [...this.datasets.values()].map((d) => d.json),
      pages: pages.map(
        (p): PageJson => ({
          name: p.name,
          displayName: p.displayName,
          layout: p.items.map((item): LayoutItemJson => ({ widget: widgetJson(item.name, item.widget), position: item.position })),
          pageType: "PAGE_TYPE_CANVAS",
        }),
      ),
    };
  }

  /** The JSON string for `serialized_dashboard`. */
  serialize(): string {
    return JSON.stringify(this.toJson());
  }

  /** Datasets (bound SQL, parameters) and pages with each widget's field usage. */
  describe(): DashboardDescription {
    this.toJson();
    return {
      id: this.id,
      displayName: this.displayName,
      datasets: [...this.datasets.values()].map((d) => ({ name: d.name, displayName: d.json.displayName, sql: d.sql, parameters: d.parameters })),
      pages: this.pages.map((p) => ({ name: p.name, displayName: p.displayName, widgets: this.resolved(p).map((i) => widgetUsage(i.name, i.widget, i.position)) })),
    };
  }
}

export interface DashboardDescription {
  readonly id: string;
  readonly displayName: string;
  readonly datasets: readonly { readonly name: string; readonly displayName: string; readonly sql: string; readonly parameters: readonly DashboardParameter[] }[];
  readonly pages: readonly { readonly name: string; readonly displayName: string; readonly widgets: readonly WidgetUsage[] }[];
}

function frame(w: Widget) {
  return w.description ? { showTitle: true, title: w.title, showDescription: true, description: w.description } : { showTitle: true, title: w.title };
}

function mainQuery(dataset: string, fields: readonly FieldRef[], disaggregated: boolean, orders?: NamedQueryJson["query"]["orders"]): NamedQueryJson[] {
  const unique = new Map<string, FieldRef>();
  for (const f of fields) unique.set(fieldName(f), f);
  return [
    {
      name: "main_query",
      query: {
        datasetName: dataset,
        fields: [...unique.values()].map((f) => ({ name: fieldName(f), expression: fieldExpression(f) })),
        disaggregated,
        ...(orders ? { orders } : {}),
      },
    },
  ];
}

function axis(f: FieldRef, scale: ScaleType, format?: NumberFormat, sortBy?: string): AxisEncodingJson {
  const fmt = scale === "quantitative" ? formatJson(format) : undefined;
  return {
    fieldName: fieldName(f),
    scale: sortBy ? { type: scale, sort: { by: sortBy } } : { type: scale },
    axis: { hideTitle: false, title: defaultDisplayName(f) },
    ...(fmt ? { format: fmt } : {}),
    displayName: defaultDisplayName(f),
  };
}

function chartScales(w: ChartWidget): { x: ScaleType; y: ScaleType } {
  const xTime = w.x.bin !== undefined || w.x.temporal === true;
  if (w.horizontal) return { x: "quantitative", y: "categorical" };
  return { x: xTime ? "temporal" : "categorical", y: "quantitative" };
}

function tableColumn(f: FieldRef, order: number): TableColumnJson {
  const name = fieldName(f);
  return {
    fieldName: name,
    booleanValues: ["false", "true"],
    type: "string",
    displayAs: "string",
    visible: true,
    order,
    title: defaultDisplayName(f),
    displayName: defaultDisplayName(f),
    alignContent: "left",
    allowSearch: true,
  };
}

function widgetJson(name: string, w: Widget): WidgetJson {
  let spec: WidgetSpecJson;
  let queries: NamedQueryJson[];
  switch (w.type) {
    case "counter": {
      const fmt = formatJson(w.format);
      spec = {
        version: 2,
        widgetType: "counter",
        encodings: { value: { fieldName: fieldName(w.value), displayName: defaultDisplayName(w.value), ...(fmt ? { format: fmt } : {}) } },
        frame: frame(w),
      };
      queries = mainQuery(w.dataset, [w.value], w.value.aggregation === undefined);
      break;
    }
    case "line":
    case "bar": {
      const scales = chartScales(w);
      const fields = [w.x, w.y, ...(w.color ? [w.color] : [])];
      spec = {
        version: 3,
        widgetType: w.type,
        encodings: {
          x: axis(w.x, scales.x, w.format),
          y: axis(w.y, scales.y, w.format, w.horizontal ? "x-reversed" : undefined),
          ...(w.color
            ? { color: { fieldName: fieldName(w.color), scale: { type: "categorical" as const }, legend: { hide: false, position: "bottom" as const }, displayName: defaultDisplayName(w.color) } }
            : {}),
          ...(w.type === "bar" ? { label: { show: false } } : {}),
        },
        frame: frame(w),
      };
      queries = mainQuery(w.dataset, fields, false);
      break;
    }
    case "table": {
      const aggregated = w.columns.some((c) => c.aggregation !== undefined);
      spec = {
        version: 1,
        widgetType: "table",
        encodings: { columns: w.columns.map((c, i) => tableColumn(c, i)) },
        invisibleColumns: [],
        allowHTMLByDefault: false,
        itemsPerPage: w.itemsPerPage ?? 25,
        paginationSize: "default",
        condensed: true,
        withRowNumber: false,
        frame: frame(w),
      };
      const orders = w.orderBy ? [{ direction: w.orderBy.direction, expression: "`" + w.orderBy.column + "`" }] : undefined;
      queries = mainQuery(w.dataset, w.columns, !aggregated, orders);
      break;
    }
    case "date-range-filter":
    case "select-filter": {
      const targets = w.datasets ?? [];
      queries = targets.map((d) => ({
        name: `parameter_${d}_${w.parameter}`,
        query: { datasetName: d, parameters: [{ name: w.parameter, keyword: w.parameter }], disaggregated: false },
      }));
      spec = {
        version: 2,
        widgetType: w.type === "date-range-filter" ? "filter-date-range-picker" : "filter-single-select",
        encodings: { fields: queries.map((q) => ({ parameterName: w.parameter, queryName: q.name })) },
        frame: frame(w),
      };
      break;
    }
  }
  return { name, queries, spec };
}

function widgetUsage(name: string, w: Widget, position: PositionJson): WidgetUsage {
  const use = (role: string, f: FieldRef, scale: ScaleType | "value") => ({
    role,
    name: fieldName(f),
    column: f.column,
    ...(f.aggregation ? { aggregation: f.aggregation } : {}),
    ...(f.bin ? { bin: f.bin } : {}),
    requires: requirement(f, scale),
  });
  const base = { name, title: w.title, type: w.type, position };
  switch (w.type) {
    case "counter":
      return { ...base, dataset: w.dataset, fields: [use("value", w.value, "value")], format: w.format };
    case "line":
    case "bar": {
      const scales = chartScales(w);
      return {
        ...base,
        dataset: w.dataset,
        horizontal: w.horizontal === true,
        format: w.format,
        fields: [use("x", w.x, scales.x), use("y", w.y, scales.y), ...(w.color ? [use("color", w.color, "categorical")] : [])],
      };
    }
    case "table":
      return {
        ...base,
        dataset: w.dataset,
        fields: [...w.columns.map((c, i) => use(`column${i}`, c, "categorical")), ...(w.orderBy ? [use("order", field(w.orderBy.column), "categorical")] : [])],
        ...(w.orderBy ? { orderDirection: w.orderBy.direction } : {}),
      };
    default:
      return { ...base, fields: [], parameter: w.parameter, datasets: w.datasets ?? [] };
  }
}
