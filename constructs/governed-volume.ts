import { Volume } from "@cdktf/provider-databricks/lib/volume";
import { Construct } from "constructs";
import { PrivilegeAssignment, SecurableGrants } from "./securable-grants";

export interface GovernedVolumeProps {
  readonly catalogName: string;
  readonly schemaName: string;
  readonly name: string;
  readonly ownerGroup: string;
  readonly comment: string;
  /** Authoritative: principals not listed lose their grants on apply. */
  readonly grants: readonly PrivilegeAssignment[];
}

/** A managed Unity Catalog volume (reports, exports) owned by a group, with authoritative grants. */
export class GovernedVolume extends Construct {
  readonly resource: Volume;
  /** `/Volumes/<catalog>/<schema>/<volume>`: where files in the volume are read and written. */
  readonly path: string;

  constructor(scope: Construct, id: string, props: GovernedVolumeProps) {
    super(scope, id);
    this.resource = new Volume(this, "Resource", {
      catalogName: props.catalogName,
      schemaName: props.schemaName,
      name: props.name,
      owner: props.ownerGroup,
      comment: props.comment,
      volumeType: "MANAGED",
    });
    this.path = `/Volumes/${this.resource.catalogName}/${this.resource.schemaName}/${this.resource.name}`;
    new SecurableGrants(this, "Grants", { securable: { volume: this.resource.id }, assignments: props.grants });
  }
}
