import { Construct } from "constructs";
import { throwIfProblems } from "./errors";
import { MAX_WEBHOOKS_PER_EVENT } from "./managed-job";
import { DestinationTarget, NotificationDestination, sensitiveVariable } from "./notification-destination";

/**
 * One destination as configured: secret fields name the sensitive Terraform variable that carries
 * the value (bound with `TF_VAR_<name>`), never the value.
 */
export type DestinationSpec = { readonly name: string } & (
  | { readonly type: "email"; readonly addresses: readonly string[] }
  | { readonly type: "slack"; readonly urlVariable: string }
  | { readonly type: "microsoft_teams"; readonly urlVariable: string }
  | { readonly type: "pagerduty"; readonly integrationKeyVariable: string }
  | {
      readonly type: "generic_webhook";
      readonly urlVariable: string;
      /** @default - no basic auth */
      readonly usernameVariable?: string;
      /** @default - no basic auth */
      readonly passwordVariable?: string;
    }
);

export interface NotificationsProps {
  /** Prefix of every destination's display name, e.g. `[dev] `. @default "" */
  readonly namePrefix?: string;
  /** The destinations to create (only enabled ones: a disabled destination is simply not listed). */
  readonly destinations: readonly DestinationSpec[];
  /**
   * Names of the destinations told when a platform job fails, at most 3 (the Databricks limit per
   * job event). Each must be one of `destinations`.
   * @default - none
   */
  readonly jobFailureDestinations?: readonly string[];
}

/**
 * The notification destinations of an environment (e-mail, Slack, Teams, PagerDuty, webhooks),
 * their sensitive variables, and which of them platform jobs report failures to.
 */
export class Notifications extends Construct {
  /** Destinations by name. */
  readonly byName: ReadonlyMap<string, NotificationDestination>;
  /** Destination ids for platform jobs' failure webhooks (at most 3). */
  readonly jobFailureIds: readonly string[];

  constructor(scope: Construct, id: string, props: NotificationsProps) {
    super(scope, id);
    const names = props.destinations.map((d) => d.name);
    const failure = props.jobFailureDestinations ?? [];
    throwIfProblems(this, [
      ...names.filter((n, i) => names.indexOf(n) !== i).map((n) => `destinations: duplicate name "${n}"`),
      ...failure.filter((n) => !names.includes(n)).map((n) => `jobFailureDestinations: unknown destination "${n}"`),
      ...(failure.length > MAX_WEBHOOKS_PER_EVENT ? [`jobFailureDestinations: at most ${MAX_WEBHOOKS_PER_EVENT}, got ${failure.length}`] : []),
    ]);
    const byName = new Map<string, NotificationDestination>();
    for (const d of props.destinations) {
      byName.set(d.name, new NotificationDestination(this, `Destination-${d.name}`, { displayName: `${props.namePrefix ?? ""}${d.name}`, target: this.target(d) }));
    }
    this.byName = byName;
    this.jobFailureIds = failure.map((n) => byName.get(n)!.destinationId);
  }

  /** Ids of the named destinations; names not created here (e.g. disabled ones) are skipped. */
  idsOf(names: readonly string[]): string[] {
    return names.filter((n) => this.byName.has(n)).map((n) => this.byName.get(n)!.destinationId);
  }

  private target(d: DestinationSpec): DestinationTarget {
    const secret = (variable: string, what: string) =>
      sensitiveVariable(this, variable, `${what} of notification destination "${d.name}" (secret: pass TF_VAR_${variable})`);
    switch (d.type) {
      case "email":
        return { type: "email", addresses: d.addresses };
      case "slack":
        return { type: "slack", url: secret(d.urlVariable, "Slack webhook URL") };
      case "microsoft_teams":
        return { type: "microsoft_teams", url: secret(d.urlVariable, "Microsoft Teams webhook URL") };
      case "pagerduty":
        return { type: "pagerduty", integrationKey: secret(d.integrationKeyVariable, "PagerDuty integration key") };
      case "generic_webhook":
        return {
          type: "generic_webhook",
          url: secret(d.urlVariable, "Webhook URL"),
          username: d.usernameVariable ? secret(d.usernameVariable, "Webhook user name") : undefined,
          password: d.passwordVariable ? secret(d.passwordVariable, "Webhook password") : undefined,
        };
    }
  }
}
