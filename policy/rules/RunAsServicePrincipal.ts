import { parse } from "path";
import { Finding, findingsOrCompliant, PolicyRule } from "../rule";
import { get, isServicePrincipal, resourcesOfType } from "../synthesized";

/** Jobs, pipelines and alerts run as a service principal in acceptance and production. */
export const RunAsServicePrincipal: PolicyRule = {
  id: "DBX-JOB-001",
  name: parse(__filename).name,
  level: "error",
  description: "Jobs, pipelines and alert_v2 set `run_as.service_principal_name` (application id) in acceptance and production; never a user.",
  explanation:
    "Without run_as a workload runs as its creator, the CI identity, and a user run-as writes production data with a person's rights " +
    "(SAT IA-7, Unity Catalog best practices). Set runAs.servicePrincipal in the environment file.",
  check: (stack, context) => {
    if (context.tier === "development") return "not-applicable";
    const workloads = resourcesOfType(stack, "databricks_job", "databricks_pipeline", "databricks_alert_v2");
    if (workloads.length === 0) return "not-applicable";
    const findings: Finding[] = [];
    for (const w of workloads) {
      const user = get(w.body, "run_as.user_name") ?? w.body.run_as_user_name;
      if (user !== undefined) findings.push({ address: w.address, message: `runs as user ${String(user)}` });
      else if (!isServicePrincipal(get(w.body, "run_as.service_principal_name"))) {
        findings.push({ address: w.address, message: "has no run_as.service_principal_name (application id)" });
      }
    }
    return findingsOrCompliant(findings);
  },
};
