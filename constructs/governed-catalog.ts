import { Catalog } from "@cdktf/provider-databricks/lib/catalog";
import { Construct } from "constructs";
import { PrivilegeAssignment, SecurableGrants } from "./securable-grants";

export interface GovernedCatalogProps {
  readonly name: string;
  /** Group that owns the catalog; never left to the deploying identity. */
  readonly ownerGroup: string;
  readonly comment: string;
  /** @default - no properties */
  readonly properties?: Record<string, string>;
  /** Authoritative: principals not listed lose their grants on apply. */
  readonly grants: readonly PrivilegeAssignment[];
  /**
   * The catalog exists already: a Terraform `import` block (id: the name, per the provider's
   * resources/catalog "Import" section) brings it into this address instead of creating it. The
   * plan shows it as an import plus any update that makes it match these props.
   * @default false
   */
  readonly adoptExisting?: boolean;
}

/** A Unity Catalog catalog owned by a group, with authoritative grants. */
export class GovernedCatalog extends Construct {
  readonly resource: Catalog;
  /** The catalog name, as a reference that orders dependants after the catalog. */
  readonly name: string;

  constructor(scope: Construct, id: string, props: GovernedCatalogProps) {
    super(scope, id);
    this.resource = new Catalog(this, "Resource", {
      name: props.name,
      owner: props.ownerGroup,
      comment: props.comment,
      properties: props.properties,
      forceDestroy: false,
    });
    if (props.adoptExisting) this.resource.importFrom(props.name);
    this.name = this.resource.name;
    new SecurableGrants(this, "Grants", { securable: { catalog: this.name }, assignments: props.grants });
  }
}
