import * as fs from "fs";
import * as path from "path";
import { ConfigError, loadEnvironmentFile, loadEnvironments } from "../stacks/config/load";
import { PROJECT_ROOT, prodFileProblems, tempDir } from "./helpers";

const PROD = fs.readFileSync(path.join(PROJECT_ROOT, "environments", "prod.yaml"), "utf8");

/** Writes `environments/<name>.yaml` under a fresh root and returns the root. */
function writeEnv(files: Record<string, string>): string {
  const root = tempDir("dbx-config-");
  fs.mkdirSync(path.join(root, "environments"));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(root, "environments", `${name}.yaml`), text);
  return root;
}

const problemsOf = prodFileProblems;

describe("environment configuration", () => {
  test("the shipped dev, aut and prod files load with no environment variables", () => {
    const loaded = loadEnvironments(path.join(PROJECT_ROOT, "environments"), {}, PROJECT_ROOT);
    expect(loaded.map((l) => l.config.environment)).toEqual(["aut", "dev", "prod"]);
    expect(loaded.map((l) => l.config.tier)).toEqual(["acceptance", "development", "production"]);
  });

  test("defaults fill what a file leaves out", () => {
    const { config } = loadEnvironmentFile(path.join(PROJECT_ROOT, "environments", "prod.yaml"), {}, PROJECT_ROOT);
    expect(config.schemas).toEqual({ bronze: "system_bronze", gold: "observability_gold", etlMonitor: "etl_monitor", mlops: "mlops_monitoring" });
    expect(config.ingestion.timeoutSeconds).toBe(14_400);
    expect(config.systemSchemas.enable).toEqual([]);
    expect(config.tags.managedBy).toBe("cdktf");
  });

  describe("${VAR} and ${VAR:default} substitution", () => {
    test("uses the environment variable when set, else the default", () => {
      const file = path.join(PROJECT_ROOT, "environments", "prod.yaml");
      expect(loadEnvironmentFile(file, {}, PROJECT_ROOT).config.catalog.name).toBe("observability_prod");
      expect(loadEnvironmentFile(file, { DBX_CATALOG_PROD: "obs_p" }, PROJECT_ROOT).config.catalog.name).toBe("obs_p");
    });

    test("a whole-value reference is typed: booleans and numbers", () => {
      const text = PROD.replace("  timeoutSeconds: 14400", "  timeoutSeconds: ${TIMEOUT:17200}").replace(
        "  encrypt: true",
        "",
      );
      const root = writeEnv({ prod: text });
      const { config } = loadEnvironmentFile(path.join(root, "environments", "prod.yaml"), { TIMEOUT: "20000" }, root);
      expect(config.ingestion.timeoutSeconds).toBe(20000);
      const aut = fs
        .readFileSync(path.join(PROJECT_ROOT, "environments", "aut.yaml"), "utf8")
        .replace("encrypt: true", "encrypt: ${STATE_ENCRYPT:true}");
      const autRoot = writeEnv({ aut });
      const loaded = loadEnvironmentFile(path.join(autRoot, "environments", "aut.yaml"), { STATE_ENCRYPT: "false" }, autRoot);
      expect(loaded.config.stateBackend).toMatchObject({ type: "s3", encrypt: false });
    });

    test("an unset variable without default is an error naming the field and the variable", () => {
      expect(problemsOf(PROD.replace("costCenter: ${DBX_COST_CENTER:cc-0000}", "costCenter: ${COST_CENTER}"))).toEqual([
        "environments/prod.yaml: tags.costCenter: environment variable COST_CENTER is not set (write ${COST_CENTER:default} to give a default)",
      ]);
    });

    test("${VAR:} leaves an optional field unset", () => {
      const root = path.join(PROJECT_ROOT, "environments", "dev.yaml");
      expect(loadEnvironmentFile(root, {}, PROJECT_ROOT).config.runAs.servicePrincipal).toBeUndefined();
    });
  });

  describe("each class of invalid field is rejected with its path", () => {
    test.each([
      ["an unknown top-level key", PROD.replace("tier: production", "tier: production\ncolour: blue"), "environments/prod.yaml: colour: unknown key"],
      ["an unknown nested key", PROD.replace("  containerName: tfstate", "  containerName: tfstate\n  contaner: x"), "environments/prod.yaml: stateBackend.contaner: unknown key"],
      [
        "a value outside an enum",
        PROD.replace("pauseStatus: UNPAUSED", "pauseStatus: SOMETIMES"),
        'environments/prod.yaml: ingestion.schedule.pauseStatus: expected one of PAUSED|UNPAUSED, got "SOMETIMES"',
      ],
      ["a wrong type", PROD.replace("  timeoutSeconds: 14400", "  timeoutSeconds: four-hours"), 'environments/prod.yaml: ingestion.timeoutSeconds: expected number, got "four-hours"'],
      ["a missing required field", PROD.replace("  auditors: auditors\n", ""), "environments/prod.yaml: principals.auditors: required (expected string)"],
      [
        "an unknown backend type",
        PROD.replace("type: azurerm", "type: ftp"),
        'environments/prod.yaml: stateBackend.type: expected one of local|s3|azurerm|gcs|remote, got "ftp"',
      ],
      ["an invalid e-mail", PROD.replace("platform-alerts@example.com", "platform-alerts"), 'environments/prod.yaml: notifications.emails[0]: invalid email address, got "platform-alerts"'],
      ["a user e-mail as a principal", PROD.replace("engineers: data-engineers", "engineers: jane@example.com"), 'environments/prod.yaml: principals.engineers: expected a group or service principal, not a user e-mail, got "jane@example.com"'],
      [
        "a non-https host",
        PROD.replace("https://dbc-prod-example", "http://dbc-prod-example"),
        'environments/prod.yaml: workspace.host: expected an https:// workspace URL, got "http://dbc-prod-example.cloud.databricks.com"',
      ],
      [
        "a malformed cron",
        PROD.replace('quartzCron: "0 0 2 * * ?"', 'quartzCron: "daily"'),
        'environments/prod.yaml: ingestion.schedule.quartzCron: expected a Quartz cron expression with 6 or 7 fields, e.g. "0 0 2 * * ?", got "daily"',
      ],
    ])("%s", (_name, text, expected) => {
      expect(problemsOf(text)).toEqual([expected]);
    });
  });

  describe("cross-field rules", () => {
    test("acceptance and production need a run-as service principal", () => {
      const text = PROD.replace(/runAs:\n(.*\n){2}/, "");
      expect(problemsOf(text)).toEqual([
        "environments/prod.yaml: runAs.servicePrincipal: required for the production tier: jobs and pipelines must run as a service principal",
      ]);
    });

    test("acceptance and production need a remote state backend", () => {
      const text = PROD.replace(/stateBackend:\n(.*\n){5}/, "stateBackend:\n  type: local\n  path: state/prod.tfstate\n");
      expect(problemsOf(text)).toEqual([
        "environments/prod.yaml: stateBackend: a remote backend (s3, azurerm, gcs or remote) is required for the production tier: state holds destination secrets",
      ]);
    });

    test("a local state path must be relative", () => {
      const dev = fs.readFileSync(path.join(PROJECT_ROOT, "environments", "dev.yaml"), "utf8").replace("path: ../../../terraform.dev.tfstate", "path: /var/state/dev.tfstate");
      const root = writeEnv({ dev });
      expect(() => loadEnvironmentFile(path.join(root, "environments", "dev.yaml"), {}, root)).toThrow(
        'environments/dev.yaml: stateBackend.path: expected a relative path (absolute paths make the output machine-specific), got "/var/state/dev.tfstate"',
      );
    });

    test("the duration warning must be below the timeout", () => {
      const text = PROD.replace("  timeoutSeconds: 14400", "  timeoutSeconds: 3600\n  durationWarningSeconds: 7200");
      expect(problemsOf(text)).toEqual(["environments/prod.yaml: ingestion.durationWarningSeconds: must be below ingestion.timeoutSeconds (3600)"]);
    });
  });

  describe("secrets", () => {
    // Built at run time so that no secret-shaped literal is ever committed.
    const slackWebhook = ["https://hooks.", "slack.com/services/", "T0000", "/B0000/", "x".repeat(24)].join("");

    test("a secret literal in YAML is rejected", () => {
      const problems = problemsOf(PROD.replace("  properties:\n    purpose: observability", `  properties:\n    purpose: "${slackWebhook}"`));
      expect(problems).toEqual([
        "environments/prod.yaml: catalog.properties.purpose: looks like a Slack webhook URL; secrets never go in configuration: pass them as sensitive Terraform variables (TF_VAR_*) at plan/apply time",
      ]);
    });

    test("a secret arriving through ${VAR} substitution is rejected too", () => {
      const problems = problemsOf(PROD.replace("purpose: observability", "purpose: ${PURPOSE:observability}"), { PURPOSE: slackWebhook });
      expect(problems).toHaveLength(1);
      expect(problems[0]).toContain("catalog.properties.purpose: looks like a Slack webhook URL");
    });
  });

  test("all problems of all files are reported at once", () => {
    const root = writeEnv({
      prod: PROD.replace("pauseStatus: UNPAUSED", "pauseStatus: SOMETIMES").replace("tier: production", "tier: production\ncolour: blue"),
      aut: PROD,
    });
    let error: ConfigError | undefined;
    try {
      loadEnvironments(path.join(root, "environments"), {}, root);
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error?.problems).toEqual([
      'environments/aut.yaml: environment: must match the file name "aut", got "prod"',
      "environments/prod.yaml: colour: unknown key",
      'environments/prod.yaml: ingestion.schedule.pauseStatus: expected one of PAUSED|UNPAUSED, got "SOMETIMES"',
    ]);
  });

  test("invalid YAML names the line", () => {
    expect(problemsOf("environment: prod\ntier: [production\n")[0]).toMatch(/^environments\/prod\.yaml: line \d+: invalid YAML: /);
  });
});
