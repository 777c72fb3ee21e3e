import { Grants } from "@cdktf/provider-databricks/lib/grants";
import { Construct } from "constructs";
import { throwIfProblems } from "./errors";

/** Privileges one principal holds on a securable. */
export interface PrivilegeAssignment {
  /** Group name or service principal application id. */
  readonly principal: string;
  readonly privileges: readonly string[];
}

/** Exactly one of these names the securable. */
export interface SecurableRef {
  readonly catalog?: string;
  readonly schema?: string;
  readonly volume?: string;
}

export interface SecurableGrantsProps {
  readonly securable: SecurableRef;
  readonly assignments: readonly PrivilegeAssignment[];
}

/**
 * Authoritative grants (`databricks_grants`) on one securable of the platform's own catalog:
 * whatever is not declared here is revoked on apply, which is what an auditor wants for objects
 * the platform owns. Assignments for the same principal are merged and everything is sorted, so
 * the provider never sees a reordering as a change.
 */
export class SecurableGrants extends Construct {
  readonly resource: Grants;

  constructor(scope: Construct, id: string, props: SecurableGrantsProps) {
    super(scope, id);
    const named = Object.entries(props.securable).filter(([, v]) => v !== undefined);
    const problems: string[] = [];
    if (named.length !== 1) problems.push(`securable: name exactly one of catalog, schema, volume (got ${named.length})`);
    if (props.assignments.length === 0) problems.push("assignments: at least one principal is required");
    const merged = new Map<string, Set<string>>();
    for (const a of props.assignments) {
      if (a.privileges.length === 0) problems.push(`assignments: principal "${a.principal}" has no privileges`);
      const set = merged.get(a.principal) ?? new Set<string>();
      a.privileges.forEach((p) => set.add(p));
      merged.set(a.principal, set);
    }
    throwIfProblems(this, problems);

    this.resource = new Grants(this, "Resource", {
      ...props.securable,
      grant: [...merged.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([principal, privileges]) => ({ principal, privileges: [...privileges].sort() })),
    });
  }
}
