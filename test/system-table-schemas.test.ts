import * as fs from "fs";
import * as path from "path";
import { PROJECT_ROOT, systemTables } from "./helpers";

// sql/registry/system_table_schemas.json (the documented columns of every system table, the
// fixtures' source) against the registry the TypeScript stacks deploy from.

interface DocumentedTable {
  source: string;
  docs: string;
  evidence: string;
  columns: { name: string; type: string; note?: string }[];
}

const schemaFile = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "sql", "registry", "system_table_schemas.json"), "utf8")) as {
  evidence: Record<string, string>;
  tables: DocumentedTable[];
};
const documented = new Map(schemaFile.tables.map((t) => [t.source, t]));
const registry = systemTables();

describe("the system-table schema file", () => {
  test("documents exactly the tables the registry ingests, each once", () => {
    expect(schemaFile.tables).toHaveLength(documented.size);
    expect([...documented.keys()].sort()).toEqual(registry.map((t) => t.source).sort());
  });

  test.each(registry.map((t) => [t.name, t] as const))("%s: keys and sequence column are documented columns", (_name, table) => {
    const columns = new Set(documented.get(table.source)!.columns.map((c) => c.name));
    for (const key of table.keys) expect(columns).toContain(key);
    if (table.sequenceBy) expect(columns).toContain(table.sequenceBy);
  });

  test("every table cites its reference page and names its evidence", () => {
    for (const t of schemaFile.tables) {
      expect(t.docs).toMatch(/^https:\/\/docs\.databricks\.com\/aws\/en\/admin\/system-tables\/[a-z-]+$/);
      expect(Object.keys(schemaFile.evidence)).toContain(t.evidence);
      expect(new Set(t.columns.map((c) => c.name)).size).toBe(t.columns.length);
    }
  });

  test("a merge table's sequence column is a timestamp, so 'newer' is well defined", () => {
    for (const t of registry.filter((r) => r.mode === "merge" && r.sequenceBy)) {
      const column = documented.get(t.source)!.columns.find((c) => c.name === t.sequenceBy)!;
      expect([t.name, column.type]).toEqual([t.name, "timestamp"]);
    }
  });
});
