import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { cliConfigText, main, parseArgs, planEnv, platformDir, repoRoot, terraformEnv } from "../scripts/validate-terraform";
import {
  assertCreateOnly,
  classifyPlanStream,
  DELETE,
  expectDiagnostic,
  prepareForPlan,
  readTerraformPin,
  reportValidate,
  requiredProviderVersion,
  scheduledJobPausePath,
  setPath,
  setProviderVersion,
  stripNewerArguments,
  versionAtLeast,
} from "../scripts/terraform-json";
import { PROJECT_ROOT, tempDir } from "./helpers";

const fixture = () => JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "test/fixtures/terraform/job-schedule/cdk.tf.json"), "utf8"));

describe("validate-terraform: arguments (same flags as the former bash script)", () => {
  test("defaults: validate cdktf.out with the plan step", () => {
    expect(parseArgs([], {})).toEqual({ selfTest: false, stacksDir: undefined, plan: true, keepTmp: false, help: false });
  });
  test("every flag, both --stacks-dir forms, and the DBX_TF_PLAN / DBX_KEEP_TMP variables", () => {
    expect(parseArgs(["--self-test", "--stacks-dir", "d", "--no-plan", "--keep-tmp"], {})).toMatchObject({ selfTest: true, stacksDir: "d", plan: false, keepTmp: true });
    expect(parseArgs(["--stacks-dir=x/y"], {})).toMatchObject({ stacksDir: "x/y" });
    expect(parseArgs([], { DBX_TF_PLAN: "0", DBX_KEEP_TMP: "1" })).toMatchObject({ plan: false, keepTmp: true });
    expect(parseArgs(["--plan"], { DBX_TF_PLAN: "0" })).toMatchObject({ plan: true });
  });
  test("an unknown argument or a missing directory is a usage error", () => {
    expect(parseArgs(["--bogus"], {})).toEqual({ error: "unknown argument '--bogus' (try --help)" });
    expect(parseArgs(["--stacks-dir"], {})).toEqual({ error: "--stacks-dir needs a directory" });
  });
  test("the CLI exits 2 on usage errors and 0 on --help, without building anything", () => {
    const write = jest.spyOn(process.stderr, "write").mockImplementation(() => true);
    const out = jest.spyOn(process.stdout, "write").mockImplementation(() => true);
    try {
      expect(main(["--nope"], {})).toBe(2);
      expect(String(write.mock.calls[0][0])).toBe("validate-terraform: unknown argument '--nope' (try --help)\n");
      expect(main(["--help"], {})).toBe(0);
      expect(String(out.mock.calls[0][0])).toContain("--self-test");
    } finally {
      write.mockRestore();
      out.mockRestore();
    }
  });
});

describe("validate-terraform: environment of the Terraform child processes", () => {
  test("non-interactive, no checkpoint, never the ambient CLI config, plugin cache or workspace", () => {
    const env = terraformEnv({ PATH: "/bin", TF_CLI_CONFIG_FILE: "/root/.terraformrc", TF_PLUGIN_CACHE_DIR: "/c", TF_WORKSPACE: "w", TF_DATA_DIR: "/d" }, "/tmp/x/cli.tfrc");
    expect(env).toEqual({ PATH: "/bin", TF_IN_AUTOMATION: "1", TF_INPUT: "0", CHECKPOINT_DISABLE: "1", TF_CLI_CONFIG_FILE: "/tmp/x/cli.tfrc", TOFU_CLI_CONFIG_FILE: "/tmp/x/cli.tfrc" });
  });
  test("the plan sees only the dummy workspace: every ambient Databricks and cloud credential is dropped", () => {
    const fake = `fake-${Date.now()}`;
    const env = planEnv({ PATH: "/bin", DATABRICKS_HOST: "https://real.example", DATABRICKS_CLIENT_SECRET: fake, ARM_CLIENT_SECRET: fake, AZURE_X: fake, GOOGLE_CREDENTIALS: fake });
    expect(Object.values(env)).not.toContain(fake);
    expect(env.DATABRICKS_HOST).toBe("https://dummy.invalid");
    expect(env.DATABRICKS_CONFIG_FILE).toBe("/dev/null");
    expect(env.PATH).toBe("/bin");
  });
  test("mirror: platform directory names and a CLI config that excludes the registry for databricks only", () => {
    expect(platformDir("linux", "x64")).toBe("linux_amd64");
    expect(platformDir("darwin", "arm64")).toBe("darwin_arm64");
    const cfg = cliConfigText("/tmp/m");
    expect(cfg).toContain('path    = "/tmp/m"');
    expect(cfg.match(/registry\.terraform\.io\/databricks\/databricks/g)).toHaveLength(2);
    expect(cfg).toMatch(/direct \{\s+exclude =/);
  });
  test("the project root is found from scripts/ and from dist/scripts/", () => {
    expect(repoRoot(path.join(PROJECT_ROOT, "scripts"))).toBe(PROJECT_ROOT);
    expect(repoRoot(path.join(PROJECT_ROOT, "dist", "scripts"))).toBe(PROJECT_ROOT);
  });
});

describe("validate-terraform: stack rewriting", () => {
  test("reads .terraform-version, the one Terraform pin, and refuses anything but one exact version", () => {
    expect(readTerraformPin(path.join(PROJECT_ROOT, ".terraform-version"))).toMatch(/^\d+\.\d+\.\d+$/);
    const f = path.join(tempDir("dbx-tfv-"), ".terraform-version");
    fs.writeFileSync(f, "~> 1.11\n");
    expect(() => readTerraformPin(f)).toThrow(`${f}: expected one exact Terraform version like 1.11.4, got "~> 1.11"`);
  });
  test("mismatch mode against an older provider removes exactly the listed newer arguments, nothing else", () => {
    const known = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "scripts/provider-arguments-since.json"), "utf8")).arguments;
    const doc = {
      resource: {
        databricks_alert_v2: { a: { display_name: "x", run_as: { service_principal_name: "sp" } } },
        databricks_model_serving: { e: { name: "e", description: "d", not_an_argument: 1 } },
      },
    };
    expect(stripNewerArguments(doc, "1.99.0", known)).toEqual([]); // the pinned provider keeps everything
    expect(doc.resource.databricks_alert_v2.a).toHaveProperty("run_as");
    expect(stripNewerArguments(doc, "1.84.0", known)).toEqual([
      "databricks_alert_v2.run_as (1 resource; absent in 1.84.0)",
      "databricks_model_serving.description (1 resource; absent in 1.84.0)",
    ]);
    expect(doc.resource.databricks_alert_v2.a).toEqual({ display_name: "x" });
    // An argument nobody listed is left for terraform validate to refuse.
    expect(doc.resource.databricks_model_serving.e).toEqual({ name: "e", not_an_argument: 1 });
  });
  test("provider pin: read and (mismatch mode) rewrite", () => {
    const doc = fixture();
    expect(requiredProviderVersion(doc)).toBe("1.99.0");
    setProviderVersion(doc, "1.84.0");
    expect(requiredProviderVersion(doc)).toBe("1.84.0");
    expect(requiredProviderVersion({})).toBe("");
  });
  test("plan copy: no backend, provider pointed at the dummy host with only alias/account_id kept, variables defaulted", () => {
    const doc = {
      terraform: { backend: { s3: { bucket: "b" } }, cloud: {} },
      provider: { databricks: [{ host: "https://real.example", client_id: "id", alias: "ws", account_id: "a" }] },
      variable: { s: { type: "string", sensitive: true }, n: { type: "number" }, b: { type: "bool" }, m: { type: "${map(string)}" }, d: { default: "x" } },
    };
    expect(prepareForPlan(doc)).toEqual(["m (type map(string))"]);
    expect(doc.terraform).toEqual({});
    expect(doc.provider.databricks).toEqual([{ alias: "ws", account_id: "a", host: "https://dummy.invalid", token: "dummy" }]);
    expect(doc.variable).toMatchObject({ s: { default: "dummy" }, n: { default: 0 }, b: { default: false }, d: { default: "x" } });
  });
  test("mutations by dotted path, array indexes and deletion; an unknown path is an error", () => {
    const doc = fixture();
    setPath(doc, "resource.databricks_job.orchestrator.schedule.pause_status", "SOMETIMES");
    expect(doc.resource.databricks_job.orchestrator.schedule.pause_status).toBe("SOMETIMES");
    setPath(doc, "resource.databricks_schema.observability_schema.catalog_name", DELETE);
    expect(doc.resource.databricks_schema.observability_schema).not.toHaveProperty("catalog_name");
    const arr = { a: [{ b: 1 }] };
    setPath(arr, "a.0.b", 2);
    expect(arr.a[0].b).toBe(2);
    expect(() => setPath(doc, "resource.nope.x.y", 1)).toThrow("mutate: path resource.nope.x.y not found at nope");
  });
  test("the real-stack self-test case finds a scheduled job", () => {
    expect(scheduledJobPausePath(fixture())).toBe("resource.databricks_job.orchestrator.schedule.pause_status");
    expect(scheduledJobPausePath({ resource: {} })).toBeUndefined();
  });
  test("versions compare numerically", () => {
    expect(versionAtLeast("1.11.4", "1.5.0")).toBe(true);
    expect(versionAtLeast("1.4.9", "1.5.0")).toBe(false);
    expect(versionAtLeast("1.10.10", "1.6.0")).toBe(true);
  });
});

describe("validate-terraform: reading Terraform's machine-readable output", () => {
  const enumError = { severity: "error", summary: "expected schedule.0.pause_status to be one of [\"PAUSED\" \"UNPAUSED\"], got SOMETIMES", address: "databricks_job.orchestrator" };
  test("validate: OK with warnings, or every diagnostic with its address", () => {
    expect(reportValidate({ valid: true, diagnostics: [] }).lines).toEqual(["  validate: OK (0 warning(s))"]);
    const bad = reportValidate({ valid: false, diagnostics: [enumError] });
    expect(bad.valid).toBe(false);
    expect(bad.lines.join("\n")).toContain("address: databricks_job.orchestrator");
  });
  test("self-test expectation: fails with a matching diagnostic, not merely fails", () => {
    expect(expectDiagnostic({ valid: false, diagnostics: [enumError] }, "pause_status.*(PAUSED|one of)").ok).toBe(true);
    expect(expectDiagnostic({ valid: false, diagnostics: [enumError] }, "catalog_name").ok).toBe(false);
    expect(expectDiagnostic({ valid: true, diagnostics: [] }, "x").lines[0]).toBe("    validation unexpectedly PASSED");
  });
  const stream = (...msgs: object[]) => msgs.map((m) => JSON.stringify(m)).join("\n");
  test("plan stream: ok with the change summary", () => {
    expect(classifyPlanStream(stream({ type: "version" }, { type: "change_summary", changes: { add: 3, change: 0, remove: 0 } })).result).toEqual({ kind: "ok", detail: "3 to add, 0 to change, 0 to destroy" });
  });
  test("plan stream: errors that only come from reaching the dummy workspace are 'needs the API' (skipped)", () => {
    const api = { type: "diagnostic", diagnostic: { severity: "error", summary: "cannot read current user", detail: 'Get "https://dummy.invalid/api/2.0/preview/scim/v2/Me": dial tcp: lookup dummy.invalid: no such host', address: "data.databricks_current_user.me" } };
    expect(classifyPlanStream(stream(api)).result).toEqual({ kind: "api", detail: "data.databricks_current_user.me needs the workspace API (cannot read current user)" });
  });
  test("plan stream: any configuration error makes the plan fail", () => {
    const api = { type: "diagnostic", diagnostic: { severity: "error", summary: "x", detail: "no such host" } };
    const cfg = { type: "diagnostic", diagnostic: { severity: "error", summary: "Invalid reference", address: "databricks_job.a" } };
    expect(classifyPlanStream(stream(api, cfg)).result.kind).toBe("error");
  });
  test("an empty-state plan must be create-only", () => {
    expect(assertCreateOnly({ resource_changes: [{ address: "a", change: { actions: ["create"] } }, { address: "d", change: { actions: ["read"] } }] }).ok).toBe(true);
    const r = assertCreateOnly({ resource_changes: [{ address: "a", change: { actions: ["delete", "create"] } }] });
    expect(r.ok).toBe(false);
    expect(r.lines[1]).toBe('    a: ["delete","create"]');
  });
});

describe("validate-terraform: package.json and .ci/run keep calling it the same way", () => {
  test("npm run validate:terraform runs the TypeScript validator; .ci/run's two calls are unchanged", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8"));
    expect(pkg.scripts["validate:terraform"]).toBe("npm run build --silent && node dist/scripts/validate-terraform.js");
    const ci = fs.readFileSync(path.join(PROJECT_ROOT, ".ci/run"), "utf8");
    expect(ci).toContain("DBX_SKIP_IF_PROVIDER_UNAVAILABLE=1 npm run validate:terraform\n");
    expect(ci).toContain("DBX_PROVIDER_VERSION=1.84.0 DBX_ALLOW_PROVIDER_MISMATCH=1 npm run validate:terraform -- --self-test\n");
    expect(ci).toContain("DBX_PROVIDER_VERSION=1.84.0 DBX_ALLOW_PROVIDER_MISMATCH=1 npm run validate:terraform\n");
    expect(fs.existsSync(path.join(PROJECT_ROOT, "scripts/validate-terraform.sh"))).toBe(false);
  });
  test("the provider helpers it calls are valid bash", () => {
    for (const f of ["scripts/build-provider.sh", "scripts/terraform-go-build.sh"]) {
      expect(spawnSync("bash", ["-n", path.join(PROJECT_ROOT, f)]).status).toBe(0);
    }
  });
});
