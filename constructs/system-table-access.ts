import { Grant } from "@cdktf/provider-databricks/lib/grant";
import { SystemSchema } from "@cdktf/provider-databricks/lib/system-schema";
import { Construct } from "constructs";
import { throwIfProblems } from "./errors";
import { SYSTEM_SCHEMA_READ_PRIVILEGES } from "../vocabulary/privileges";

export interface SystemTableAccessProps {
  /** Groups or service principals that read the system tables. */
  readonly readers: readonly string[];
  /** System schemas read, e.g. `lakeflow`; each is granted on its own. */
  readonly schemas: readonly string[];
  /**
   * Schemas to declare as `databricks_system_schema`. Only for schemas an account admin must still
   * enable: auto-enabled schemas report state MANAGED, which the provider drops from state, failing
   * every apply (terraform-provider-databricks #4874, #5878).
   * @default - none
   */
  readonly enableSchemas?: readonly string[];
}

/**
 * Read access to `system.*` for the platform's identities. Additive (`databricks_grant`): the
 * `system` catalog is shared by the metastore, and an authoritative resource would revoke every
 * other team's grants. USE_SCHEMA is granted per schema because granting it on the `system`
 * catalog is accepted but has no effect.
 */
export class SystemTableAccess extends Construct {
  constructor(scope: Construct, id: string, props: SystemTableAccessProps) {
    super(scope, id);
    const readers = [...new Set(props.readers)].sort();
    const schemas = [...new Set(props.schemas)].sort();
    const problems: string[] = [];
    if (readers.length === 0) problems.push("readers: at least one principal is required");
    if (schemas.length === 0) problems.push("schemas: at least one system schema is required");
    for (const s of schemas) if (!/^[a-z_]+$/.test(s)) problems.push(`schemas: "${s}" is not a system schema name (write "lakeflow", not "system.lakeflow")`);
    throwIfProblems(this, problems);

    const enabled = new Map<string, SystemSchema>();
    for (const s of [...new Set(props.enableSchemas ?? [])].sort()) {
      enabled.set(s, new SystemSchema(this, `Enable-${s}`, { schema: s }));
    }

    for (const principal of readers) {
      const catalogGrant = new Grant(this, `UseCatalog-${principal}`, {
        catalog: "system",
        principal,
        privileges: ["USE_CATALOG"],
      });
      for (const s of schemas) {
        const system = enabled.get(s);
        new Grant(this, `Read-${s}-${principal}`, {
          // The full name: the system schema resource's id is "<metastore>|<schema>" (#3630).
          schema: `system.${s}`,
          principal,
          privileges: [...SYSTEM_SCHEMA_READ_PRIVILEGES],
          dependsOn: system ? [catalogGrant, system] : [catalogGrant],
        });
      }
    }
  }
}
