import { AlertV2 } from "@cdktf/provider-databricks/lib/alert-v2";
import { Construct } from "constructs";
import { throwIfProblems } from "./errors";
import { JobScheduleSpec } from "./managed-job";

export const COMPARISON_OPERATORS = [
  "GREATER_THAN",
  "GREATER_THAN_OR_EQUAL",
  "LESS_THAN",
  "LESS_THAN_OR_EQUAL",
  "EQUAL",
  "NOT_EQUAL",
  "IS_NULL",
] as const;

export interface SqlAlertProps {
  readonly displayName: string;
  /** The query; it must return the column named by `column`. */
  readonly queryText: string;
  readonly warehouseId: string;
  /** Result column compared with the threshold. */
  readonly column: string;
  /** @default - the first row's value */
  readonly aggregation?: "SUM" | "COUNT" | "COUNT_DISTINCT" | "AVG" | "MEDIAN" | "MIN" | "MAX" | "STDDEV";
  readonly operator: (typeof COMPARISON_OPERATORS)[number];
  /** Not used with IS_NULL. */
  readonly threshold?: number;
  /** State when the query returns no rows. Never UNKNOWN, which hides broken queries. @default "OK" */
  readonly emptyResultState?: "OK" | "TRIGGERED" | "ERROR";
  readonly schedule: JobScheduleSpec;
  /** Notified when the alert triggers. At least one e-mail or destination. */
  readonly emails?: readonly string[];
  readonly destinationIds?: readonly string[];
  /** Rate limit: minimum seconds between two notifications while the alert stays triggered. */
  readonly retriggerSeconds: number;
  /** @default true */
  readonly notifyOnOk?: boolean;
  /** @default - the deploying identity */
  readonly runAsServicePrincipal?: string;
  /** Workspace folder; create-only in the API. @default - the deploying identity's home */
  readonly parentPath?: string;
  /** @default - Databricks' default summary */
  readonly customSummary?: string;
}

/**
 * A self-contained SQL alert (`databricks_alert_v2`): query, schedule, condition and subscribers in
 * one resource, unlike the legacy `databricks_sql_alert` which has no schedule or destinations.
 */
export class SqlAlert extends Construct {
  readonly resource: AlertV2;

  constructor(scope: Construct, id: string, props: SqlAlertProps) {
    super(scope, id);
    const problems: string[] = [];
    const subscribers = [
      ...(props.emails ?? []).map((userEmail) => ({ userEmail })),
      ...(props.destinationIds ?? []).map((destinationId) => ({ destinationId })),
    ];
    if (subscribers.length === 0) problems.push("emails/destinationIds: at least one subscriber is required");
    if (props.operator !== "IS_NULL" && props.threshold === undefined) problems.push(`threshold: required with ${props.operator}`);
    if (props.retriggerSeconds < 0) problems.push(`retriggerSeconds: expected >= 0, got ${props.retriggerSeconds}`);
    throwIfProblems(this, problems);

    this.resource = new AlertV2(this, "Resource", {
      displayName: props.displayName,
      queryText: props.queryText,
      warehouseId: props.warehouseId,
      parentPath: props.parentPath,
      customSummary: props.customSummary,
      evaluation: {
        source: { name: props.column, aggregation: props.aggregation },
        comparisonOperator: props.operator,
        threshold: props.threshold === undefined ? undefined : { value: { doubleValue: props.threshold } },
        emptyResultState: props.emptyResultState ?? "OK",
        notification: {
          subscriptions: subscribers,
          notifyOnOk: props.notifyOnOk ?? true,
          retriggerSeconds: props.retriggerSeconds,
        },
      },
      schedule: {
        quartzCronSchedule: props.schedule.quartzCron,
        timezoneId: props.schedule.timezone,
        pauseStatus: props.schedule.pauseStatus,
      },
      runAs: props.runAsServicePrincipal ? { servicePrincipalName: props.runAsServicePrincipal } : undefined,
    });
  }
}
