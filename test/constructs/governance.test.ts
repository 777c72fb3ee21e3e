import { Aspects } from "cdktf";
import { DataProtection } from "../../constructs/data-protection";
import { GovernedCatalog } from "../../constructs/governed-catalog";
import { GovernedSchema } from "../../constructs/governed-schema";
import { GovernedVolume } from "../../constructs/governed-volume";
import { SecurableGrants } from "../../constructs/securable-grants";
import { SystemTableAccess } from "../../constructs/system-table-access";
import { onlyResource, resourcesOf, synthConstructs } from "../helpers";

describe("GovernedCatalog, GovernedSchema, GovernedVolume", () => {
  const tf = synthConstructs((scope) => {
    const catalog = new GovernedCatalog(scope, "Catalog", {
      name: "obs",
      ownerGroup: "platform-admins",
      comment: "observability",
      properties: { purpose: "test" },
      grants: [
        { principal: "readers", privileges: ["USE_CATALOG", "BROWSE"] },
        { principal: "admins", privileges: ["USE_CATALOG"] },
        { principal: "admins", privileges: ["CREATE_SCHEMA"] },
      ],
    });
    const schema = new GovernedSchema(scope, "Bronze", {
      catalogName: catalog.name,
      name: "bronze",
      ownerGroup: "platform-admins",
      comment: "raw",
      grants: [{ principal: "writers", privileges: ["SELECT", "MODIFY", "USE_SCHEMA"] }],
    });
    new GovernedVolume(scope, "Reports", {
      catalogName: catalog.name,
      schemaName: schema.name,
      name: "reports",
      ownerGroup: "platform-admins",
      comment: "reports",
      grants: [{ principal: "readers", privileges: ["READ_VOLUME"] }],
    });
  });

  test("the catalog is owned by the group and never force-destroyed", () => {
    expect(onlyResource(tf, "databricks_catalog")).toMatchObject({
      name: "obs",
      owner: "platform-admins",
      comment: "observability",
      properties: { purpose: "test" },
      force_destroy: false,
    });
  });

  test("schemas and volumes reference their parents, so they are created after them", () => {
    const schema = onlyResource(tf, "databricks_schema");
    expect(schema.catalog_name).toMatch(/^\$\{databricks_catalog\.\w+\.name\}$/);
    expect(schema).toMatchObject({ owner: "platform-admins", force_destroy: false });
    expect(onlyResource(tf, "databricks_volume")).toMatchObject({ volume_type: "MANAGED", owner: "platform-admins" });
  });

  test("grants are authoritative, merged per principal and sorted", () => {
    const grants = Object.values(resourcesOf(tf, "databricks_grants"));
    expect(grants).toHaveLength(3);
    const onCatalog = grants.find((g) => "catalog" in g)!;
    expect(onCatalog.grant).toEqual([
      { principal: "admins", privileges: ["CREATE_SCHEMA", "USE_CATALOG"] },
      { principal: "readers", privileges: ["BROWSE", "USE_CATALOG"] },
    ]);
    const onSchema = grants.find((g) => "schema" in g)!;
    expect(onSchema.schema).toMatch(/^\$\{databricks_schema\.\w+\.id\}$/);
    expect(onSchema.grant).toEqual([{ principal: "writers", privileges: ["MODIFY", "SELECT", "USE_SCHEMA"] }]);
    expect(grants.find((g) => "volume" in g)!.grant).toEqual([{ principal: "readers", privileges: ["READ_VOLUME"] }]);
  });

  test("no additive grant is ever mixed onto the platform's own securables", () => {
    expect(resourcesOf(tf, "databricks_grant")).toEqual({});
  });

  test("bad grants are refused at construction with every problem named", () => {
    expect(() =>
      synthConstructs((scope) => {
        new SecurableGrants(scope, "Bad", {
          securable: { catalog: "a", schema: "a.b" },
          assignments: [{ principal: "x", privileges: [] }],
        });
      }),
    ).toThrow('test/Bad: securable: name exactly one of catalog, schema, volume (got 2); assignments: principal "x" has no privileges');
  });
});

describe("SystemTableAccess", () => {
  const build = (enableSchemas?: string[]) =>
    synthConstructs((scope) => {
      new SystemTableAccess(scope, "System", { readers: ["sp-app-id", "admins", "admins"], schemas: ["lakeflow", "billing"], enableSchemas });
    });

  test("grants USE_CATALOG on system and USE_SCHEMA + SELECT per schema, additively, per principal", () => {
    const grants = Object.values(resourcesOf(build(), "databricks_grant"));
    expect(resourcesOf(build(), "databricks_grants")).toEqual({});
    expect(grants.filter((g) => g.catalog === "system").map((g) => [g.principal, g.privileges])).toEqual([
      ["admins", ["USE_CATALOG"]],
      ["sp-app-id", ["USE_CATALOG"]],
    ]);
    const perSchema = grants.filter((g) => g.schema).map((g) => `${g.principal}:${g.schema}:${(g.privileges as string[]).join("+")}`);
    expect(perSchema.sort()).toEqual([
      "admins:system.billing:SELECT+USE_SCHEMA",
      "admins:system.lakeflow:SELECT+USE_SCHEMA",
      "sp-app-id:system.billing:SELECT+USE_SCHEMA",
      "sp-app-id:system.lakeflow:SELECT+USE_SCHEMA",
    ]);
  });

  test("declares no databricks_system_schema unless asked, then only the ones asked for", () => {
    expect(resourcesOf(build(), "databricks_system_schema")).toEqual({});
    const declared = Object.values(resourcesOf(build(["lakeflow"]), "databricks_system_schema"));
    expect(declared).toEqual([expect.objectContaining({ schema: "lakeflow" })]);
  });

  test("refuses a 3-part schema name", () => {
    expect(() =>
      synthConstructs((scope) => new SystemTableAccess(scope, "S", { readers: ["a"], schemas: ["system.lakeflow"] })),
    ).toThrow('schemas: "system.lakeflow" is not a system schema name');
  });
});

describe("DataProtection", () => {
  const build = (preventDestroy: boolean, forceDestroy = false) =>
    synthConstructs((scope) => {
      Aspects.of(scope).add(new DataProtection({ preventDestroy }));
      const catalog = new GovernedCatalog(scope, "Catalog", { name: "c", ownerGroup: "g", comment: "c", grants: [{ principal: "g", privileges: ["USE_CATALOG"] }] });
      if (forceDestroy) catalog.resource.forceDestroy = true;
    });

  test("adds prevent_destroy to stateful resources when protecting", () => {
    const tf = build(true);
    expect(onlyResource(tf, "databricks_catalog").lifecycle).toEqual({ prevent_destroy: true });
    // Grants hold no data: they stay freely replaceable.
    expect(onlyResource(tf, "databricks_grants").lifecycle).toBeUndefined();
  });

  test("leaves resources alone when not protecting", () => {
    expect(onlyResource(build(false), "databricks_catalog").lifecycle).toBeUndefined();
  });

  test("force_destroy = true fails synthesis in a protected environment", () => {
    expect(() => build(true, true)).toThrow(/force_destroy = true in a protected environment/);
  });
});
