/**
 * The serialized Lakeview (AI/BI) dashboard: the JSON a `databricks_dashboard` takes as
 * `serialized_dashboard`. Databricks documents it only partly, so these types mirror what the
 * dashboards Databricks itself publishes look like, field for field:
 *
 * - databricks-demos/dbdemos-notebooks,
 *   product_demos/Unity-Catalog/uc-04-system-tables/_resources/dashboards/worklow-analysis.lvdash.json
 *   (datasets[].name/displayName/queryLines/parameters with defaultSelection; pages[] with
 *   layout[].widget{name, queries, spec{version, widgetType, encodings, frame}} and
 *   layout[].position{x, y, width, height} on a 6-column grid; pageType PAGE_TYPE_CANVAS;
 *   counter v2, bar/line v3 with x/y/color encodings and scale types, filter-single-select and
 *   filter-date-picker v2 bound to dataset parameters by `parameterName` + `queryName`).
 * - databrickslabs/lsql, src/databricks/labs/lsql/lakeview/model.py (generated from the Lakeview
 *   OpenAPI spec): spec versions per widget type (counter 2, table 1, filter-* 2, bar/line 3),
 *   TableV1Spec and its column encoding, ControlEncodingMap, Position, WidgetFrameSpec.
 * - RANGE parameters (`complexType: "RANGE"`, `defaultSelection.range.min/max`, used in SQL as
 *   `:name.min` / `:name.max`) bound by `filter-date-range-picker`, as exported by the
 *   dashboard editor (see the Databricks docs "Work with dashboard parameters",
 *   https://docs.databricks.com/aws/en/dashboards/parameters).
 */

export type ParameterDataType = "STRING" | "DATE" | "DATETIME" | "INTEGER" | "DECIMAL";

export interface SelectionValue {
  readonly value: string;
}

export interface SingleParameterSelection {
  readonly values: { readonly dataType: ParameterDataType; readonly values: readonly SelectionValue[] };
}

export interface RangeParameterSelection {
  readonly range: { readonly dataType: ParameterDataType; readonly min: SelectionValue; readonly max: SelectionValue };
}

export interface DatasetParameterJson {
  readonly displayName: string;
  readonly keyword: string;
  readonly dataType: ParameterDataType;
  readonly complexType?: "RANGE";
  readonly defaultSelection: SingleParameterSelection | RangeParameterSelection;
}

export interface DatasetJson {
  readonly name: string;
  readonly displayName: string;
  /** The query, one element per line, each ending in "\n" except the last (as exported). */
  readonly queryLines: readonly string[];
  readonly parameters?: readonly DatasetParameterJson[];
}

export interface QueryFieldJson {
  readonly name: string;
  readonly expression: string;
}

export interface QueryJson {
  readonly datasetName: string;
  readonly fields?: readonly QueryFieldJson[];
  readonly parameters?: readonly { readonly name: string; readonly keyword: string }[];
  readonly disaggregated: boolean;
  readonly orders?: readonly { readonly direction: "ASC" | "DESC"; readonly expression: string }[];
}

export interface NamedQueryJson {
  readonly name: string;
  readonly query: QueryJson;
}

export type ScaleType = "categorical" | "quantitative" | "temporal";

export interface FormatJson {
  readonly type: "number-plain" | "number-currency" | "number-percent";
  readonly currencyCode?: string;
  readonly abbreviation?: "compact" | "none";
  readonly decimalPlaces?: { readonly type: "max" | "exact"; readonly places: number };
}

export interface AxisEncodingJson {
  readonly fieldName: string;
  readonly scale: { readonly type: ScaleType; readonly sort?: { readonly by: string } };
  readonly axis?: { readonly hideTitle?: boolean; readonly title?: string };
  readonly format?: FormatJson;
  readonly displayName: string;
}

export interface ColorEncodingJson {
  readonly fieldName: string;
  readonly scale: { readonly type: "categorical" };
  readonly legend?: { readonly hide?: boolean; readonly position?: "bottom" | "right" };
  readonly displayName: string;
}

export interface FrameJson {
  readonly showTitle: boolean;
  readonly title: string;
  readonly showDescription?: boolean;
  readonly description?: string;
}

export interface CounterSpecJson {
  readonly version: 2;
  readonly widgetType: "counter";
  readonly encodings: { readonly value: { readonly fieldName: string; readonly displayName: string; readonly format?: FormatJson } };
  readonly frame: FrameJson;
}

export interface ChartSpecJson {
  readonly version: 3;
  readonly widgetType: "bar" | "line";
  readonly encodings: {
    readonly x: AxisEncodingJson;
    readonly y: AxisEncodingJson;
    readonly color?: ColorEncodingJson;
    readonly label?: { readonly show: boolean };
  };
  readonly frame: FrameJson;
}

/** lsql `TableV1ColumnEncoding`: booleanValues, displayAs, fieldName, title and type are required. */
export interface TableColumnJson {
  readonly fieldName: string;
  readonly booleanValues: readonly [string, string];
  readonly type: "string" | "integer" | "float" | "decimal" | "date" | "datetime" | "boolean";
  readonly displayAs: "string" | "number" | "datetime" | "boolean";
  readonly visible: boolean;
  readonly order: number;
  readonly title: string;
  readonly displayName: string;
  readonly alignContent: "left" | "right";
  readonly allowSearch: boolean;
  readonly numberFormat?: string;
  readonly dateTimeFormat?: string;
}

export interface TableSpecJson {
  readonly version: 1;
  readonly widgetType: "table";
  readonly encodings: { readonly columns: readonly TableColumnJson[] };
  readonly invisibleColumns: readonly never[];
  readonly allowHTMLByDefault: false;
  readonly itemsPerPage: number;
  readonly paginationSize: "default";
  readonly condensed: boolean;
  readonly withRowNumber: boolean;
  readonly frame: FrameJson;
}

export interface FilterSpecJson {
  readonly version: 2;
  readonly widgetType: "filter-date-range-picker" | "filter-single-select";
  readonly encodings: { readonly fields: readonly { readonly parameterName: string; readonly queryName: string }[] };
  readonly frame: FrameJson;
}

export type WidgetSpecJson = CounterSpecJson | ChartSpecJson | TableSpecJson | FilterSpecJson;

export interface WidgetJson {
  readonly name: string;
  readonly queries: readonly NamedQueryJson[];
  readonly spec: WidgetSpecJson;
}

export interface PositionJson {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface LayoutItemJson {
  readonly widget: WidgetJson;
  readonly position: PositionJson;
}

export interface PageJson {
  readonly name: string;
  readonly displayName: string;
  readonly layout: readonly LayoutItemJson[];
  readonly pageType: "PAGE_TYPE_CANVAS";
}

export interface SerializedDashboardJson {
  readonly datasets: readonly DatasetJson[];
  readonly pages: readonly PageJson[];
}
