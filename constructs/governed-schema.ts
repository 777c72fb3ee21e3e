import { Schema } from "@cdktf/provider-databricks/lib/schema";
import { Construct } from "constructs";
import { Token } from "./core";
import { throwIfProblems } from "./errors";
import { PrivilegeAssignment, SecurableGrants } from "./securable-grants";

export interface GovernedSchemaProps {
  /** Catalog name; pass `GovernedCatalog.name` so the schema is created after its catalog. */
  readonly catalogName: string;
  readonly name: string;
  readonly ownerGroup: string;
  readonly comment: string;
  /** @default - no properties */
  readonly properties?: Record<string, string>;
  /** Authoritative: principals not listed lose their grants on apply. Privileges inherit to tables. */
  readonly grants: readonly PrivilegeAssignment[];
  /**
   * The schema exists already under this full name, `<catalog>.<schema>` (the import id of the
   * provider's resources/schema "Import" section): a Terraform `import` block brings it into this
   * address instead of creating it. A literal, not `GovernedCatalog.name`: an import id is read
   * before the plan knows any resource.
   * @default - the schema is created
   */
  readonly adoptFullName?: string;
}

/**
 * A schema owned by a group, with authoritative grants. Grants sit at schema level because
 * pipeline tables do not exist at first apply and privileges inherit to them.
 */
export class GovernedSchema extends Construct {
  readonly resource: Schema;
  /** `catalog.schema`, as a reference that orders dependants after the schema. */
  readonly fullName: string;
  readonly name: string;
  readonly catalogName: string;

  constructor(scope: Construct, id: string, props: GovernedSchemaProps) {
    super(scope, id);
    if (props.adoptFullName !== undefined) {
      const full = props.adoptFullName;
      const problems: string[] = [];
      if (Token.isUnresolved(full) || !/^[^.\s]+\.[^.\s]+$/.test(full)) problems.push(`adoptFullName: expected a literal <catalog>.<schema>, got "${full}"`);
      else if (!Token.isUnresolved(props.name) && !full.endsWith(`.${props.name}`)) problems.push(`adoptFullName: "${full}" is not the schema "${props.name}"`);
      throwIfProblems(this, problems);
    }
    this.resource = new Schema(this, "Resource", {
      catalogName: props.catalogName,
      name: props.name,
      owner: props.ownerGroup,
      comment: props.comment,
      properties: props.properties,
      forceDestroy: false,
    });
    if (props.adoptFullName !== undefined) this.resource.importFrom(props.adoptFullName);
    this.name = this.resource.name;
    this.catalogName = this.resource.catalogName;
    this.fullName = `${this.resource.catalogName}.${this.resource.name}`;
    new SecurableGrants(this, "Grants", { securable: { schema: this.resource.id }, assignments: props.grants });
  }
}
