import { Schema } from "@cdktf/provider-databricks/lib/schema";
import { Construct } from "constructs";
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
    this.resource = new Schema(this, "Resource", {
      catalogName: props.catalogName,
      name: props.name,
      owner: props.ownerGroup,
      comment: props.comment,
      properties: props.properties,
      forceDestroy: false,
    });
    this.name = this.resource.name;
    this.catalogName = this.resource.catalogName;
    this.fullName = `${this.resource.catalogName}.${this.resource.name}`;
    new SecurableGrants(this, "Grants", { securable: { schema: this.resource.id }, assignments: props.grants });
  }
}
