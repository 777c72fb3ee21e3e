import { parse } from "path";
import { Finding, findingsOrCompliant, PolicyRule } from "../rule";
import { blocks, get, resourcesOfType } from "../synthesized";

/** Every served entity says whether it scales to zero. */
export const ServingScaleToZeroExplicit: PolicyRule = {
  id: "DBX-SRV-002",
  name: parse(__filename).name,
  level: "error",
  description: "Every served entity (and legacy served model) sets `scale_to_zero_enabled` explicitly.",
  explanation:
    "Scale-to-zero trades cold-start latency for cost; it is an environment decision (on in dev, often off in prod) that must be visible in " +
    "review and in the environment diff, not a server default.",
  check: (stack) => {
    const endpoints = resourcesOfType(stack, "databricks_model_serving");
    if (endpoints.length === 0) return "not-applicable";
    const findings: Finding[] = [];
    for (const e of endpoints) {
      for (const kind of ["served_entities", "served_models"]) {
        blocks(get(e.body, `config.${kind}`)).forEach((entity, i) => {
          if (typeof entity.scale_to_zero_enabled !== "boolean") {
            findings.push({ address: e.address, message: `config.${kind}[${i}] (${String(entity.name ?? entity.entity_name ?? "unnamed")}) does not set scale_to_zero_enabled` });
          }
        });
      }
    }
    return findingsOrCompliant(findings);
  },
};
