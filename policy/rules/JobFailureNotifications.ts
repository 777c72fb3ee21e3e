import { parse } from "path";
import { findingsOrCompliant, PolicyRule } from "../rule";
import { blocks, get, resourcesOfType, strings } from "../synthesized";

/** Every job routes failures to someone. */
export const JobFailureNotifications: PolicyRule = {
  id: "DBX-JOB-004",
  name: parse(__filename).name,
  level: "error",
  description: "Every job notifies on failure: email_notifications.on_failure or webhook_notifications.on_failure (at most 3 webhooks).",
  explanation:
    "An unrouted failure is found by whoever next reads the data. Webhook destinations are limited to 3 per event by the Jobs API.",
  check: (stack) => {
    const jobs = resourcesOfType(stack, "databricks_job");
    if (jobs.length === 0) return "not-applicable";
    return findingsOrCompliant(
      jobs.flatMap((j) => {
        const emails = strings(get(j.body, "email_notifications.on_failure"));
        const webhooks = blocks(get(j.body, "webhook_notifications.on_failure"));
        if (webhooks.length > 3) return [{ address: j.address, message: `${webhooks.length} on_failure webhooks; the API allows 3` }];
        return emails.length + webhooks.length === 0 ? [{ address: j.address, message: "has no on_failure email or webhook notification" }] : [];
      }),
    );
  },
};
