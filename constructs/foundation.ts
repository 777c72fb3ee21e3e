import { Construct } from "constructs";
import { throwIfProblems } from "./errors";
import { GovernedCatalog } from "./governed-catalog";
import { GovernedSchema } from "./governed-schema";
import { GovernedVolume } from "./governed-volume";
import { PrivilegeAssignment } from "./securable-grants";
import { SqlWarehouse, SqlWarehouseProps } from "./sql-warehouse";
import { AccessRole, CATALOG_PRIVILEGES, SCHEMA_PRIVILEGES, VOLUME_PRIVILEGES } from "../vocabulary/privileges";

/** A principal and the role it holds on everything the platform owns. */
export interface RoleHolder {
  /** Group name or service principal application id. */
  readonly principal: string;
  readonly role: AccessRole;
}

/** The four schemas of the platform catalog. */
export interface FoundationSchemaNames {
  readonly bronze: string;
  readonly gold: string;
  readonly etlMonitor: string;
  readonly mlops: string;
}

/** Create a serverless warehouse, or use an existing Pro or serverless one. */
export type FoundationWarehouse = { readonly existingId: string } | ({ readonly existingId?: undefined } & SqlWarehouseProps);

export interface FoundationProps {
  readonly catalog: {
    readonly name: string;
    /** Owns the catalog, its schemas and the volume; never left to the deploying identity. */
    readonly ownerGroup: string;
    readonly comment: string;
    /** @default - no properties */
    readonly properties?: Record<string, string>;
  };
  readonly schemas: FoundationSchemaNames;
  /** Properties set on every schema. @default - none */
  readonly schemaProperties?: Record<string, string>;
  /** Volume in the gold schema for generated reports. */
  readonly reportsVolume: string;
  /**
   * Who holds which role, in grant order. Grants are authoritative: a principal not listed loses
   * its grants on apply. Bronze (raw audit and billing data with PII) is not granted to readers.
   */
  readonly roles: readonly RoleHolder[];
  /** The SQL warehouse of SQL tasks and alerts. */
  readonly warehouse: FoundationWarehouse;
  /**
   * What exists already and is imported (Terraform `import` blocks) rather than created: the
   * catalog, schemas by key (only inside an adopted catalog: a new catalog has none), and the
   * created warehouse's `adoptId` (SqlWarehouseProps). Adopted grants become authoritative.
   * @default - nothing: every object is created
   */
  readonly adopt?: FoundationAdoption;
}

export interface FoundationAdoption {
  /** @default false */
  readonly catalog?: boolean;
  /** @default - none */
  readonly schemas?: readonly (keyof FoundationSchemaNames)[];
}

const SCHEMA_COMMENTS: Readonly<Record<keyof FoundationSchemaNames, string>> = {
  bronze: "Raw copies of the Databricks system tables (bronze)",
  gold: "Job health, anomalies, alert history and reports (gold)",
  etlMonitor: "ETL process tracking: configuration, execution log, watermarks",
  mlops: "Inference tables and Lakehouse monitor outputs",
};
const SCHEMA_IDS: Readonly<Record<keyof FoundationSchemaNames, string>> = {
  bronze: "BronzeSchema",
  gold: "GoldSchema",
  etlMonitor: "EtlMonitorSchema",
  mlops: "MlopsSchema",
};
const EVERYONE: readonly AccessRole[] = ["admin", "writer", "reader", "auditor"];
const BRONZE_ROLES: readonly AccessRole[] = ["admin", "writer", "auditor"];

/**
 * The governed ground every capability builds on: the platform catalog, its four schemas, the
 * reports volume and their grants by role, and the SQL warehouse.
 */
export class Foundation extends Construct {
  readonly catalog: GovernedCatalog;
  /** The catalog name, as a reference that orders dependants after the catalog. */
  readonly catalogName: string;
  readonly schemas: { readonly [K in keyof FoundationSchemaNames]: GovernedSchema };
  /** `/Volumes/<catalog>/<gold schema>/<volume>` of the reports volume. */
  readonly reportsVolumePath: string;
  readonly warehouseId: string;
  /** The warehouse created here. @default - none when an existing warehouse is used */
  readonly warehouse?: SqlWarehouse;

  constructor(scope: Construct, id: string, props: FoundationProps) {
    super(scope, id);
    const names = Object.values(props.schemas);
    const dupPrincipals = props.roles.filter((r, i) => props.roles.findIndex((o) => o.principal === r.principal && o.role === r.role) !== i);
    throwIfProblems(this, [
      ...(new Set(names).size !== names.length ? [`schemas: names must be distinct, got ${names.join(", ")}`] : []),
      ...(props.roles.some((r) => r.role === "admin") ? [] : ["roles: at least one admin is required"]),
      ...dupPrincipals.map((r) => `roles: ${r.principal} holds ${r.role} twice`),
      ...adoptionProblems(props.adopt),
    ]);

    const assign = (table: Readonly<Record<AccessRole, readonly string[]>>, include: readonly AccessRole[]): PrivilegeAssignment[] =>
      props.roles.filter((r) => include.includes(r.role)).map((r) => ({ principal: r.principal, privileges: table[r.role] }));

    const adoptedSchemas = new Set(props.adopt?.schemas ?? []);
    this.catalog = new GovernedCatalog(this, "Catalog", {
      ...props.catalog,
      grants: assign(CATALOG_PRIVILEGES, EVERYONE),
      adoptExisting: props.adopt?.catalog ?? false,
    });
    this.catalogName = this.catalog.name;
    const schema = (key: keyof FoundationSchemaNames) =>
      new GovernedSchema(this, SCHEMA_IDS[key], {
        catalogName: this.catalogName,
        name: props.schemas[key],
        ownerGroup: props.catalog.ownerGroup,
        comment: SCHEMA_COMMENTS[key],
        properties: props.schemaProperties,
        grants: assign(SCHEMA_PRIVILEGES, key === "bronze" ? BRONZE_ROLES : EVERYONE),
        adoptFullName: adoptedSchemas.has(key) ? `${props.catalog.name}.${props.schemas[key]}` : undefined,
      });
    this.schemas = { bronze: schema("bronze"), gold: schema("gold"), etlMonitor: schema("etlMonitor"), mlops: schema("mlops") };

    this.reportsVolumePath = new GovernedVolume(this, "ReportsVolume", {
      catalogName: this.catalogName,
      schemaName: this.schemas.gold.name,
      name: props.reportsVolume,
      ownerGroup: props.catalog.ownerGroup,
      comment: "Generated reports, such as the daily failed-run CSV",
      grants: assign(VOLUME_PRIVILEGES, EVERYONE),
    }).path;

    if (props.warehouse.existingId !== undefined) {
      this.warehouseId = props.warehouse.existingId;
    } else {
      this.warehouse = new SqlWarehouse(this, "Warehouse", props.warehouse);
      this.warehouseId = this.warehouse.warehouseId;
    }
  }
}

function adoptionProblems(adopt: FoundationAdoption | undefined): string[] {
  const schemas = adopt?.schemas ?? [];
  const problems = schemas.filter((k, i) => schemas.indexOf(k) !== i).map((k) => `adopt.schemas: ${k} is listed twice`);
  for (const k of schemas) if (!(k in SCHEMA_IDS)) problems.push(`adopt.schemas: unknown schema key "${k}"; expected one of ${Object.keys(SCHEMA_IDS).join(", ")}`);
  if (schemas.length > 0 && !adopt?.catalog) problems.push("adopt.schemas: a schema can exist only in an existing catalog; set adopt.catalog too");
  return problems;
}
