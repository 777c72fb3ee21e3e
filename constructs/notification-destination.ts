import { NotificationDestination as DestinationResource } from "@cdktf/provider-databricks/lib/notification-destination";
import { Construct } from "constructs";
import { TerraformVariable } from "./core";
import { throwIfProblems } from "./errors";
import { findSecret } from "../vocabulary/secret-shapes";

export const DESTINATION_TYPES = ["email", "slack", "microsoft_teams", "pagerduty", "generic_webhook"] as const;
export type DestinationType = (typeof DESTINATION_TYPES)[number];

/**
 * What a destination sends to. Secret values never appear here: every secret field takes a
 * sensitive Terraform variable (see {@link sensitiveVariable}), bound with `TF_VAR_<name>` at
 * plan/apply time. E-mail addresses are not secrets.
 */
export type DestinationTarget =
  | { readonly type: "email"; readonly addresses: readonly string[] }
  | { readonly type: "slack"; readonly url: TerraformVariable }
  | { readonly type: "microsoft_teams"; readonly url: TerraformVariable }
  | { readonly type: "pagerduty"; readonly integrationKey: TerraformVariable }
  | {
      readonly type: "generic_webhook";
      readonly url: TerraformVariable;
      /** @default - no basic auth */
      readonly username?: TerraformVariable;
      /** @default - no basic auth */
      readonly password?: TerraformVariable;
    };

export interface NotificationDestinationProps {
  readonly displayName: string;
  readonly target: DestinationTarget;
}

/**
 * A `databricks_notification_destination` (e-mail, Slack, Microsoft Teams, PagerDuty or generic
 * webhook) whose id feeds job `webhook_notifications` and alert subscriptions.
 *
 * Secret fields only accept sensitive Terraform variables, so no secret is ever synthesized into
 * the stack. The provider still writes the values to Terraform state in plain text: the state
 * backend must be encrypted (docs/alerts.md). Changing the type replaces the destination (new id).
 */
export class NotificationDestination extends Construct {
  readonly resource: DestinationResource;
  /** The destination id, for `webhook_notifications` and alert subscriptions. */
  readonly destinationId: string;
  readonly type: DestinationType;

  constructor(scope: Construct, id: string, props: NotificationDestinationProps) {
    super(scope, id);
    const t = props.target;
    const problems: string[] = [];
    if (!props.displayName.trim()) problems.push("displayName: must not be empty");
    if (t.type === "email") {
      if (t.addresses.length === 0) problems.push("addresses: at least one e-mail address is required");
      for (const a of t.addresses) if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(a)) problems.push(`addresses: "${a}" is not an e-mail address`);
    } else {
      for (const [field, variable] of secretVariables(t)) {
        if (!(variable instanceof TerraformVariable)) problems.push(`${field}: expected a TerraformVariable, never a literal value`);
        else if (variable.sensitive !== true) problems.push(`${field}: variable "${variable.friendlyUniqueId}" must be declared sensitive`);
        else if (variable.default !== undefined) problems.push(`${field}: variable "${variable.friendlyUniqueId}" must have no default (a default is a committed secret)`);
      }
      if (t.type === "generic_webhook" && (t.username === undefined) !== (t.password === undefined)) {
        problems.push("username/password: set both or neither");
      }
    }
    throwIfProblems(this, problems);
    this.type = t.type;

    this.resource = new DestinationResource(this, "Resource", {
      displayName: props.displayName,
      config: toConfig(t),
    });
    this.destinationId = this.resource.id;
  }
}

function secretVariables(t: Exclude<DestinationTarget, { type: "email" }>): [string, TerraformVariable][] {
  switch (t.type) {
    case "slack":
    case "microsoft_teams":
      return [["url", t.url]];
    case "pagerduty":
      return [["integrationKey", t.integrationKey]];
    case "generic_webhook":
      return [
        ["url", t.url],
        ...(t.username ? ([["username", t.username]] as [string, TerraformVariable][]) : []),
        ...(t.password ? ([["password", t.password]] as [string, TerraformVariable][]) : []),
      ];
  }
}

function toConfig(t: DestinationTarget) {
  switch (t.type) {
    case "email":
      return { email: { addresses: [...t.addresses] } };
    case "slack":
      return { slack: { url: t.url.stringValue } };
    case "microsoft_teams":
      return { microsoftTeams: { url: t.url.stringValue } };
    case "pagerduty":
      return { pagerduty: { integrationKey: t.integrationKey.stringValue } };
    case "generic_webhook":
      return { genericWebhook: { url: t.url.stringValue, username: t.username?.stringValue, password: t.password?.stringValue } };
  }
}

/** A Terraform variable name: what `TF_VAR_<name>` binds. */
export const VARIABLE_NAME = /^[a-z][a-z0-9_]{0,63}$/;

/**
 * Declares (once per stack and name) the sensitive string variable `name`, with no default, at
 * the stack's top level so its Terraform name is exactly `name` and `TF_VAR_<name>` binds it.
 */
export function sensitiveVariable(scope: Construct, name: string, description: string): TerraformVariable {
  const problems: string[] = [];
  if (!VARIABLE_NAME.test(name)) problems.push(`variable "${name}": expected a Terraform variable name (lower-case letters, digits, _)`);
  else if (findSecret(name) || /^[0-9a-f]{20,}$/.test(name)) problems.push(`variable "${name}": looks like a secret value, not a variable name`);
  throwIfProblems(scope, problems);
  const id = `SensitiveVariable-${name}`;
  const existing = scope.node.tryFindChild(id);
  if (existing instanceof TerraformVariable) return existing;
  const variable = new TerraformVariable(scope, id, {
    type: "string",
    sensitive: true,
    nullable: false,
    description,
    // An empty TF_VAR_ (an undefined CI secret often arrives as "") would deploy a destination
    // that silently delivers nothing: refuse it at plan time.
    validation: [{ condition: `\${length(trimspace(var.${name})) > 0}`, errorMessage: `${name} must not be empty: set TF_VAR_${name}.` }],
  });
  variable.overrideLogicalId(name);
  return variable;
}
