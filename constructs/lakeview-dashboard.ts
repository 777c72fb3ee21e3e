import { Dashboard } from "@cdktf/provider-databricks/lib/dashboard";
import { Permissions } from "@cdktf/provider-databricks/lib/permissions";
import { Construct } from "constructs";
import { throwIfProblems } from "./errors";
import { DashboardBuilder } from "./lakeview/builder";

/** Levels `databricks_permissions` accepts for a Lakeview dashboard (`dashboard_id`). */
export const DASHBOARD_PERMISSION_LEVELS = ["CAN_READ", "CAN_RUN", "CAN_EDIT", "CAN_MANAGE"] as const;

export interface LakeviewDashboardProps {
  /** The dashboard definition; serialized into `serialized_dashboard`. */
  readonly definition: DashboardBuilder;
  /** Shown in the workspace. Prefix it with the environment (e.g. `[dev] Platform health`). */
  readonly displayName: string;
  /** Workspace folder of the dashboard (required by the provider), e.g. `<workspace root>/dashboards`. */
  readonly parentPath: string;
  /** SQL warehouse the datasets run on. */
  readonly warehouseId: string;
  /** Workspace URL, `https://<host>`: used for `url`. */
  readonly workspaceHost: string;
  /** Groups that may view the dashboard and run its queries (CAN_READ). @default - none */
  readonly readerGroups?: readonly string[];
  /** Groups that administer it (CAN_MANAGE). At least one: someone must own the ACL. */
  readonly managerGroups: readonly string[];
  /**
   * Whether viewers see the data with the publisher's credentials. Kept false so every viewer's
   * own Unity Catalog grants apply. @default false
   */
  readonly embedCredentials?: boolean;
}

/**
 * One Lakeview (AI/BI) dashboard (`databricks_dashboard`) with its ACL (`databricks_permissions`,
 * CAN_READ for readers, CAN_MANAGE for admins).
 *
 * Provider 1.99.0 arguments used (registry docs, resources/dashboard): display_name,
 * warehouse_id and parent_path (required), serialized_dashboard (instead of file_path),
 * embed_credentials. The dashboard's `id` is its UUID, the object `dashboard_id` of
 * `databricks_permissions` (resources/permissions, "Lakeview dashboard usage").
 */
export class LakeviewDashboard extends Construct {
  readonly resource: Dashboard;
  readonly permissions: Permissions;
  /** The dashboard id (UUID), as a reference. */
  readonly dashboardId: string;
  /** `<host>/dashboardsv3/<id>`: where the workspace UI opens a Lakeview dashboard. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: LakeviewDashboardProps) {
    super(scope, id);
    const problems: string[] = [];
    if (!props.displayName.trim()) problems.push("displayName: must not be empty");
    if (!props.parentPath.startsWith("/") || props.parentPath.endsWith("/")) {
      problems.push(`parentPath: expected an absolute workspace folder without a trailing slash, got "${props.parentPath}"`);
    }
    if (!props.warehouseId.trim()) problems.push("warehouseId: must not be empty");
    if (!/^https:\/\/[^/]+$/.test(props.workspaceHost)) problems.push(`workspaceHost: expected https://<host> without a path, got "${props.workspaceHost}"`);
    if (props.managerGroups.length === 0) problems.push("managerGroups: at least one group must manage the dashboard");
    const readers = props.readerGroups ?? [];
    const both = readers.filter((g) => props.managerGroups.includes(g));
    if (both.length) problems.push(`readerGroups: ${both.join(", ")} also in managerGroups (one level per principal)`);
    for (const g of [...readers, ...props.managerGroups]) if (!g.trim()) problems.push("readerGroups/managerGroups: empty group name");
    let serialized = "";
    try {
      serialized = props.definition.serialize();
    } catch (e) {
      problems.push(`definition: ${(e as Error).message}`);
    }
    throwIfProblems(this, problems);

    this.resource = new Dashboard(this, "Resource", {
      displayName: props.displayName,
      parentPath: props.parentPath,
      warehouseId: props.warehouseId,
      serializedDashboard: serialized,
      embedCredentials: props.embedCredentials ?? false,
    });
    this.dashboardId = this.resource.id;
    this.url = `${props.workspaceHost}/dashboardsv3/${this.resource.id}`;
    this.permissions = new Permissions(this, "Permissions", {
      dashboardId: this.resource.id,
      accessControl: [
        ...[...props.managerGroups].sort().map((groupName) => ({ groupName, permissionLevel: "CAN_MANAGE" })),
        ...[...readers].sort().map((groupName) => ({ groupName, permissionLevel: "CAN_READ" })),
      ],
    });
  }
}
