import * as fs from "fs";
import * as path from "path";
import { parseDocument } from "yaml";
import { GovernedCatalog } from "../constructs/governed-catalog";
import { GovernedSchema } from "../constructs/governed-schema";
import { SqlWarehouse } from "../constructs/sql-warehouse";
import { ValidationError } from "../constructs/errors";
import { Foundation } from "../constructs/foundation";
import { resolvePlatformSpec } from "../stacks/config/resolve";
import { stackFacts } from "../policy/facts";
import { SynthesizedStack } from "../policy/rule";
import { loadEnvironmentFile } from "../stacks/config/load";
import { PROJECT_ROOT, prodFileProblems, synthConstructs, synthStack, tempDir, TfJson } from "./helpers";

// Import ids per the provider's docs (registry 1.99.0, resources/catalog, schema, sql_endpoint,
// "Import"): a catalog is its name, a schema `<catalog>.<schema>`, a warehouse its id.
const PROD = fs.readFileSync(path.join(PROJECT_ROOT, "environments", "prod.yaml"), "utf8");

const GRANTS = [{ principal: "admins", privileges: ["USE_CATALOG"] }];

interface ImportBlock {
  to: string;
  id: string;
}
const importsOf = (tf: TfJson) => ((tf as { import?: ImportBlock[] }).import ?? []).slice().sort((a, b) => a.to.localeCompare(b.to));

/** prod.yaml with `adopt` (and any other top-level sections) set. */
function prodWith(sections: Record<string, unknown>): string {
  const doc = parseDocument(PROD);
  for (const [k, v] of Object.entries(sections)) doc.set(k, v);
  return doc.toString();
}

function load(text: string) {
  const root = tempDir("dbx-adopt-");
  fs.mkdirSync(path.join(root, "environments"));
  const file = path.join(root, "environments", "prod.yaml");
  fs.writeFileSync(file, text);
  return () => loadEnvironmentFile(file, {}, root);
}

const problemsOf = prodFileProblems;

describe("adopting existing objects (Terraform import blocks)", () => {
  test("constructs: an adopted catalog, schema and warehouse each get one import block at their own address", () => {
    const tf = synthConstructs((scope) => {
      const catalog = new GovernedCatalog(scope, "Catalog", { name: "obs", ownerGroup: "admins", comment: "c", grants: GRANTS, adoptExisting: true });
      new GovernedSchema(scope, "Gold", { catalogName: catalog.name, name: "gold", ownerGroup: "admins", comment: "g", grants: GRANTS, adoptFullName: "obs.gold" });
      new GovernedSchema(scope, "Bronze", { catalogName: catalog.name, name: "bronze", ownerGroup: "admins", comment: "b", grants: GRANTS });
      new SqlWarehouse(scope, "Warehouse", { name: "wh", adoptId: "1234567890abcdef" });
    });
    const catalog = Object.keys(tf.resource.databricks_catalog)[0];
    const gold = Object.entries(tf.resource.databricks_schema).find(([, r]) => r.name === "gold")![0];
    const warehouse = Object.keys(tf.resource.databricks_sql_endpoint)[0];
    expect(importsOf(tf)).toEqual(
      [
        { to: `databricks_catalog.${catalog}`, id: "obs" },
        { to: `databricks_schema.${gold}`, id: "obs.gold" },
        { to: `databricks_sql_endpoint.${warehouse}`, id: "1234567890abcdef" },
      ].sort((a, b) => a.to.localeCompare(b.to)),
    );
    // import blocks need Terraform >= 1.5: cdktf records that as a validation, which the stacks' ~> 1.11 satisfies
    expect(JSON.stringify(tf)).not.toContain('"provider":null');
  });

  test("constructs: nothing adopted, no import block", () => {
    const tf = synthConstructs((scope) => {
      new GovernedCatalog(scope, "Catalog", { name: "obs", ownerGroup: "admins", comment: "c", grants: GRANTS });
      new SqlWarehouse(scope, "Warehouse", { name: "wh" });
    });
    expect(importsOf(tf)).toEqual([]);
  });

  test("constructs: a schema's import id is a literal full name of that schema", () => {
    const schema = (catalogName: string, adoptFullName: string) => () =>
      synthConstructs((scope) => new GovernedSchema(scope, "Gold", { catalogName, name: "gold", ownerGroup: "admins", comment: "g", grants: GRANTS, adoptFullName }));
    expect(schema("obs", "gold")).toThrow('test/Gold: adoptFullName: expected a literal <catalog>.<schema>, got "gold"');
    expect(schema("obs", "obs.silver")).toThrow('test/Gold: adoptFullName: "obs.silver" is not the schema "gold"');
    expect(() =>
      synthConstructs((scope) => {
        const catalog = new GovernedCatalog(scope, "Catalog", { name: "obs", ownerGroup: "admins", comment: "c", grants: GRANTS });
        new GovernedSchema(scope, "Gold", { catalogName: catalog.name, name: "gold", ownerGroup: "admins", comment: "g", grants: GRANTS, adoptFullName: `${catalog.name}.gold` });
      }),
    ).toThrow(/adoptFullName: expected a literal <catalog>.<schema>/);
  });

  test("constructs: a warehouse HTTP path instead of its id is refused at construction", () => {
    expect(() => synthConstructs((scope) => new SqlWarehouse(scope, "Warehouse", { name: "wh", adoptId: "/sql/1.0/warehouses/1234567890abcdef" }))).toThrow(
      ValidationError,
    );
  });

  test("Foundation refuses schemas adopted twice or outside an adopted catalog, naming the construct", () => {
    const spec = resolvePlatformSpec(load(PROD)().config, { projectRoot: PROJECT_ROOT });
    expect(() => synthConstructs((scope) => new Foundation(scope, "Foundation", { ...spec.foundation, adopt: { schemas: ["gold", "gold"] } }))).toThrow(
      "test/Foundation: adopt.schemas: gold is listed twice; adopt.schemas: a schema can exist only in an existing catalog; set adopt.catalog too",
    );
  });

  test("configuration: the adopt section defaults to nothing and resolves into the stack", () => {
    expect(load(PROD)().config.adopt).toEqual({ catalog: false, schemas: [] });
    const { config } = load(prodWith({ adopt: { catalog: true, schemas: ["bronze", "gold"], warehouseId: "abcdef0123456789" } }))();
    const tf = synthStack(config);
    const address = (type: string, pick: (r: Record<string, unknown>) => boolean) => `${type}.${Object.entries(tf.resource[type]).find(([, r]) => pick(r))![0]}`;
    const catalog = address("databricks_catalog", () => true);
    expect(importsOf(tf)).toEqual(
      [
        { to: catalog, id: "observability_prod" },
        { to: address("databricks_schema", (r) => r.name === "system_bronze"), id: "observability_prod.system_bronze" },
        { to: address("databricks_schema", (r) => r.name === "observability_gold"), id: "observability_prod.observability_gold" },
        { to: address("databricks_sql_endpoint", () => true), id: "abcdef0123456789" },
      ].sort((a, b) => a.to.localeCompare(b.to)),
    );
    // every target is a resource the stack declares: terraform validate does not check that (it
    // passes an import of an undeclared address; only a plan fails), so this test does, and at
    // synth time the policy rule DBX-TF-001 (ReferencesResolveInStack)
    for (const { to } of importsOf(tf)) {
      const [type, name] = to.split(".");
      expect(tf.resource[type]?.[name]).toBeDefined();
    }
    // the audit lists them for the reviewer of the first apply
    expect(stackFacts(tf as SynthesizedStack).adopted).toEqual(importsOf(tf).map((i) => ({ address: i.to, importId: i.id })));
  });

  test("configuration: schemas outside an adopted catalog, a key twice, an unknown key, and both warehouse fields are refused, naming the field", () => {
    const shown = (p: string[]) => p.map((x) => x.replace(/^.*prod\.yaml: /, ""));
    expect(shown(problemsOf(prodWith({ adopt: { schemas: ["gold"] } })))).toEqual([
      "adopt.schemas: a schema can exist only in an existing catalog: set adopt.catalog: true too",
    ]);
    expect(shown(problemsOf(prodWith({ adopt: { catalog: true, schemas: ["gold", "gold"] } })))).toEqual(["adopt.schemas: listed twice: gold"]);
    expect(shown(problemsOf(prodWith({ adopt: { catalog: true, schemas: ["silver"] } })))[0]).toMatch(/^adopt\.schemas\[0\]: expected one of bronze\|gold\|etlMonitor\|mlops, got "silver"/);
    expect(shown(problemsOf(prodWith({ adopt: { warehouseId: "abc" }, warehouse: { existingId: "def" } })))).toEqual([
      "adopt.warehouseId: warehouse.existingId uses a warehouse without managing it, adopt.warehouseId manages one: set only one",
    ]);
    expect(shown(problemsOf(prodWith({ adopt: { warehouseId: "https://x/sql/1.0/warehouses/abc" } })))[0]).toMatch(/^adopt\.warehouseId: expected a warehouse id/);
    expect(shown(problemsOf(prodWith({ adopt: { catalogs: true } })))[0]).toMatch(/^adopt\.catalogs: unknown key/);
  });
});
