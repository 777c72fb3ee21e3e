import { ModelServing } from "@cdktf/provider-databricks/lib/model-serving";
import { Permissions } from "@cdktf/provider-databricks/lib/permissions";
import { Construct } from "constructs";
import { throwIfProblems } from "./errors";

export const SERVING_WORKLOAD_SIZES = ["Small", "Medium", "Large"] as const;
export const SERVING_WORKLOAD_TYPES = ["CPU", "GPU_SMALL", "GPU_MEDIUM", "GPU_LARGE", "MULTIGPU_MEDIUM"] as const;

export interface ServingRateLimit {
  /** Calls allowed per renewal period. */
  readonly calls: number;
  /** `endpoint`: one budget for all callers; `user`: one budget per caller. */
  readonly key: "user" | "endpoint";
  readonly renewalPeriod: "minute";
}

export interface ServedModelEndpointProps {
  /** Endpoint name: letters, digits, - and _, at most 63 characters. Changing it replaces the endpoint. */
  readonly name: string;
  /** Unity Catalog model, `catalog.schema.model`. */
  readonly modelName: string;
  /** Model version number (may be a reference resolved at plan time, e.g. from an alias). */
  readonly modelVersion: string;
  readonly workloadSize: (typeof SERVING_WORKLOAD_SIZES)[number];
  /** Always explicit: `served_entities` has no default (unlike the legacy served_models). */
  readonly scaleToZero: boolean;
  /** @default "CPU" */
  readonly workloadType?: (typeof SERVING_WORKLOAD_TYPES)[number];
  /**
   * AI Gateway inference table: requests and responses land in
   * `<catalogName>.<schemaName>.<tableNamePrefix>_payload`. Never the legacy `auto_capture_config`,
   * which cannot be enabled from 20 Feb 2026.
   */
  readonly inferenceTable: { readonly catalogName: string; readonly schemaName: string; readonly tableNamePrefix: string };
  /** @default true */
  readonly usageTracking?: boolean;
  /** AI Gateway rate limits. @default - none */
  readonly rateLimits?: readonly ServingRateLimit[];
  /** The only principal granted CAN_MANAGE. */
  readonly adminGroup: string;
  /** Groups or service principals granted CAN_QUERY. @default - none */
  readonly consumers?: readonly string[];
  /** Endpoint tags; the ResourceTags aspect adds the platform defaults. @default - none */
  readonly tags?: Record<string, string>;
  /** @default - none */
  readonly description?: string;
}

/**
 * A model serving endpoint for one Unity Catalog model version, logging every request and
 * response to an AI Gateway inference table, with usage tracking, rate limits and authoritative
 * permissions (CAN_MANAGE for the admin group only, CAN_QUERY for consumers).
 */
export class ServedModelEndpoint extends Construct {
  readonly resource: ModelServing;
  readonly permissions: Permissions;
  readonly endpointName: string;
  /** `<catalog>.<schema>.<prefix>_payload`: the raw JSON request/response table the endpoint writes. */
  readonly payloadTableName: string;

  constructor(scope: Construct, id: string, props: ServedModelEndpointProps) {
    super(scope, id);
    throwIfProblems(this, validate(props));
    const { catalogName, schemaName, tableNamePrefix } = props.inferenceTable;
    const servedEntityName = props.modelName.split(".")[2].replace(/_/g, "-");

    this.resource = new ModelServing(this, "Resource", {
      name: props.name,
      description: props.description,
      config: {
        servedEntities: [
          {
            name: servedEntityName,
            entityName: props.modelName,
            entityVersion: props.modelVersion,
            workloadSize: props.workloadSize,
            workloadType: props.workloadType ?? "CPU",
            scaleToZeroEnabled: props.scaleToZero,
          },
        ],
      },
      aiGateway: {
        inferenceTableConfig: { catalogName, schemaName, tableNamePrefix, enabled: true },
        usageTrackingConfig: { enabled: props.usageTracking ?? true },
        rateLimits: props.rateLimits?.length
          ? props.rateLimits.map((r) => ({ calls: r.calls, key: r.key, renewalPeriod: r.renewalPeriod }))
          : undefined,
      },
      tags: props.tags && Object.entries(props.tags).map(([key, value]) => ({ key, value })),
    });
    this.endpointName = this.resource.name;
    this.payloadTableName = `${catalogName}.${schemaName}.${tableNamePrefix}_payload`;

    this.permissions = new Permissions(this, "Permissions", {
      servingEndpointId: this.resource.servingEndpointId,
      accessControl: [
        { groupName: props.adminGroup, permissionLevel: "CAN_MANAGE" },
        ...[...(props.consumers ?? [])].sort().map((c) => ({ ...principalField(c), permissionLevel: "CAN_QUERY" })),
      ],
    });
  }
}

/** A UUID is a service principal application id; anything else a group name. */
function principalField(principal: string): { groupName: string } | { servicePrincipalName: string } {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(principal)
    ? { servicePrincipalName: principal }
    : { groupName: principal };
}

function validate(props: ServedModelEndpointProps): string[] {
  const problems: string[] = [];
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/.test(props.name)) {
    problems.push(`name: expected letters, digits, - and _ (at most 63), got "${props.name}"`);
  }
  if (props.modelName.split(".").length !== 3) problems.push(`modelName: expected catalog.schema.model, got "${props.modelName}"`);
  if (!SERVING_WORKLOAD_SIZES.includes(props.workloadSize)) {
    problems.push(`workloadSize: expected one of ${SERVING_WORKLOAD_SIZES.join("|")}, got "${props.workloadSize}"`);
  }
  if (!/^[A-Za-z0-9_]{1,100}$/.test(props.inferenceTable.tableNamePrefix)) {
    problems.push(`inferenceTable.tableNamePrefix: expected letters, digits and _, got "${props.inferenceTable.tableNamePrefix}"`);
  }
  const consumers = props.consumers ?? [];
  if (consumers.includes(props.adminGroup)) problems.push(`consumers: "${props.adminGroup}" already has CAN_MANAGE as the admin group`);
  const dup = consumers.filter((c, i) => consumers.indexOf(c) !== i);
  if (dup.length) problems.push(`consumers: duplicate ${[...new Set(dup)].join(", ")}`);
  for (const r of props.rateLimits ?? []) {
    if (!Number.isInteger(r.calls) || r.calls <= 0) problems.push(`rateLimits: calls must be a positive integer, got ${r.calls}`);
  }
  return problems;
}
