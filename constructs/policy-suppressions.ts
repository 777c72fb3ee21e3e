import { IConstruct } from "constructs";
import { TerraformResource } from "./core";
import { MIN_REASON_LENGTH } from "../vocabulary/reasons";

export interface ConstructSuppression {
  /** A policy rule ID such as `DBX-JOB-008`. */
  readonly rule: string;
  /** Why the exception is acceptable; at least 10 characters, shown in the audit report. */
  readonly reason: string;
}

/**
 * Suppresses policy findings on a construct and every resource below it, in the style of cdk-nag's
 * NagSuppressions. The suppression is written into each resource's `"//"` metadata, so it is
 * visible in cdk.tf.json and the standalone audit sees it without the construct tree.
 */
export class PolicySuppressions {
  static add(scope: IConstruct, suppressions: readonly ConstructSuppression[]): void {
    for (const s of suppressions) {
      if (s.reason.trim().length < MIN_REASON_LENGTH) {
        throw new Error(`suppression of ${s.rule} on ${scope.node.path}: the reason must have ${MIN_REASON_LENGTH} characters or more`);
      }
    }
    const resources = scope.node.findAll().filter((c): c is TerraformResource => c instanceof TerraformResource);
    for (const resource of resources) {
      for (const s of suppressions) resource.addOverride(`//.policy_suppressions.${s.rule}`, s.reason);
    }
  }
}
