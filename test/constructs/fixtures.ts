import { SystemTableSpec } from "../../constructs/system-table";

export function table(overrides: Partial<SystemTableSpec> & Pick<SystemTableSpec, "name" | "source">): SystemTableSpec {
  return {
    domain: overrides.source.split(".")[1],
    mode: "stream",
    keys: ["id"],
    sequenceBy: null,
    retentionDays: 365,
    containsPii: false,
    dataClassification: "internal",
    entityType: "fact",
    description: "test table",
    ...overrides,
  };
}
