import * as fs from "fs";
import * as path from "path";
import { z } from "zod";
import { SystemTableSpec } from "../constructs/system-table";
import { ConfigError } from "./config/load";

const column = z.string().regex(/^[a-z_][a-z0-9_]*$/, "expected a column name");

const tableSchema = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9_]*$/, "expected a snake_case bronze table name"),
  source: z.string().regex(/^system\.[a-z_]+\.[a-z_]+$/, "expected system.<schema>.<table>"),
  domain: z.string().regex(/^[a-z_]+$/),
  mode: z.enum(["stream", "merge"]),
  keys: z.array(column).min(1),
  sequenceBy: column.nullable(),
  retentionDays: z.int().positive().nullable(),
  containsPii: z.boolean(),
  dataClassification: z.enum(["confidential", "internal"]),
  entityType: z.enum(["fact", "dimension"]),
  description: z.string().min(1),
});

const registrySchema = z.strictObject({ version: z.literal(1), tables: z.array(tableSchema).min(1) });

/** The system-table registry, validated: the one list of tables the platform ingests. */
export function loadSystemTableRegistry(file: string, root = process.cwd()): SystemTableSpec[] {
  const shown = path.relative(root, file);
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new ConfigError([`${shown}: cannot read registry (${(e as Error).message})`]);
  }
  const result = registrySchema.safeParse(raw, { reportInput: true });
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((i) => `${shown}: ${i.path.join(".")}: ${i.message}`));
  }
  return result.data.tables;
}
