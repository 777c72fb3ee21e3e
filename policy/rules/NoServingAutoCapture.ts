import { parse } from "path";
import { findingsOrCompliant, PolicyRule } from "../rule";
import { get, resourcesOfType } from "../synthesized";

/** Serving endpoints log inference through AI Gateway, not the legacy auto_capture_config. */
export const NoServingAutoCapture: PolicyRule = {
  id: "DBX-SRV-003",
  name: parse(__filename).name,
  level: "error",
  description: "Serving endpoints do not use `config.auto_capture_config`; use ai_gateway.inference_table_config.",
  explanation:
    "auto_capture_config is a one-way door: its catalog, schema and prefix cannot change once set, and payload logging disabled once cannot be " +
    "re-enabled (model_serving.md). AI Gateway inference tables are the supported successor.",
  check: (stack) => {
    const endpoints = resourcesOfType(stack, "databricks_model_serving");
    if (endpoints.length === 0) return "not-applicable";
    return findingsOrCompliant(
      endpoints.filter((e) => get(e.body, "config.auto_capture_config") !== undefined).map((e) => ({ address: e.address, message: "sets config.auto_capture_config" })),
    );
  },
};
