// Prints the parts of an environment file the simulation needs, as JSON on stdout:
// the alerts (kind, threshold), the over-provisioning, idle-cluster and driver-bound thresholds
// and the served models (name, template, features).
//   node scripts/simulate/config.mjs environments/dev.yaml
// Read with the project's own YAML parser; ${VAR:default} placeholders are not expanded
// because none of the fields read here may carry one.
import { readFileSync } from "node:fs";
import { parse } from "yaml";

const file = process.argv[2];
if (!file) {
  console.error("usage: node scripts/simulate/config.mjs <environment yaml>");
  process.exit(2);
}
let doc;
try {
  doc = parse(readFileSync(file, "utf8"));
} catch (e) {
  console.error(`${file}: ${e.message}`);
  process.exit(1);
}
const alerts = doc?.observability?.alerts ?? [];
const models = doc?.mlops?.models ?? [];
for (const [i, a] of alerts.entries()) {
  if (typeof a?.kind !== "string" || typeof a?.threshold !== "number") {
    console.error(`${file}: observability.alerts[${i}] needs a kind (string) and a threshold (number)`);
    process.exit(1);
  }
}
for (const [i, m] of models.entries()) {
  if (typeof m?.name !== "string" || typeof m?.template !== "string" || !Array.isArray(m?.features)) {
    console.error(`${file}: mlops.models[${i}] needs a name, a template and features`);
    process.exit(1);
  }
}
console.log(
  JSON.stringify({
    // the job_overprovisioned thresholds besides its CPU threshold; run.py applies resolve.ts's defaults
    overprovisioned: doc?.observability?.overprovisioned ?? {},
    // the rightsizing views' thresholds (sql/gold/utilization_setup.sql); run.py applies resolve.ts's defaults
    idleClusters: doc?.observability?.idleClusters ?? {},
    driverBound: doc?.observability?.driverBound ?? {},
    alerts: alerts.map((a) => ({ kind: a.kind, name: a.name ?? a.kind, threshold: a.threshold, destinations: a.destinations ?? [], retriggerMinutes: a.retriggerMinutes ?? 0 })),
    models: models.map((m) => ({ name: m.name, model: m.model, version: m.version ?? null, template: m.template, features: m.features })),
  }),
);
