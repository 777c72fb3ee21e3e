import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ConfigError, loadEnvironmentFile, loadEnvironments, MAX_STRING_LENGTH } from "../stacks/config/load";
import { quartzCronProblem } from "../stacks/config/quartz-cron";
import { isTimezoneId } from "../stacks/config/fields";
import { openStagingFor, removeAbandonedStaging, removeStagingDirectories, stagingParent, synthesize, SynthUsageError } from "../stacks/synth";
import { requiredTerraformVersion } from "../stacks/terraform-settings";
import { findSecret } from "../vocabulary/secret-shapes";
import { listFiles, PROJECT_ROOT, tempDir } from "./helpers";

/** #12 items 1-8 and #13 items 2, 4, 13: one case per class of hostile input. */

const PROD = fs.readFileSync(path.join(PROJECT_ROOT, "environments", "prod.yaml"), "utf8");
const j = (...parts: string[]) => parts.join("");
const slackWebhook = () => j("https://hooks.", "slack.com/services/", "T0000/B0000/", "x".repeat(24));

function writeEnv(files: Record<string, string>): string {
  const root = tempDir("dbx-hostile-");
  fs.mkdirSync(path.join(root, "environments"));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(root, "environments", `${name}.yaml`), text);
  return root;
}

function problemsOf(text: string, env: NodeJS.ProcessEnv = {}, strict = false): string[] {
  const root = writeEnv({ prod: text });
  try {
    loadEnvironmentFile(path.join(root, "environments", "prod.yaml"), env, root, { strict });
  } catch (e) {
    if (e instanceof ConfigError) return [...e.problems];
    throw e;
  }
  return [];
}

/** Staging directories this (jest worker) process created beside `outdir` and did not remove. */
function ownStaging(outdir: string): string[] {
  return fs.readdirSync(path.dirname(outdir)).filter((d) => d.startsWith(`.dbx-observability-synth-${process.pid}-`));
}

describe("1. keys that are JavaScript object internals", () => {
  test("__proto__, constructor and prototype are unknown keys, at the top level and inside records", () => {
    const text = PROD.replace("tier: production", `tier: production\n__proto__:\n  tier: development\n  note: "${slackWebhook()}"`).replace(
      "    purpose: observability",
      "    purpose: observability\n    constructor: x\n    prototype: y",
    );
    const problems = problemsOf(text);
    expect(problems).toEqual([
      "environments/prod.yaml: __proto__.note: looks like a Slack webhook URL; secrets never go in configuration: pass them as sensitive Terraform variables (TF_VAR_*) at plan/apply time",
      "environments/prod.yaml: __proto__: unknown key (__proto__, constructor and prototype are never configuration keys)",
      "environments/prod.yaml: catalog.properties.constructor: unknown key (__proto__, constructor and prototype are never configuration keys)",
      "environments/prod.yaml: catalog.properties.prototype: unknown key (__proto__, constructor and prototype are never configuration keys)",
    ]);
    expect(problems.join("\n")).not.toContain(slackWebhook());
  });

  test("a __proto__ key changes nothing the loader reads", () => {
    const root = writeEnv({ prod: PROD });
    const { config } = loadEnvironmentFile(path.join(root, "environments", "prod.yaml"), {}, root);
    expect(Object.getPrototypeOf(config.catalog.properties)).not.toHaveProperty("tier");
    expect(({} as Record<string, unknown>).tier).toBeUndefined();
  });
});

describe("2. strings Terraform interprets", () => {
  const refused = (got: string) =>
    `expected literal text without "\${" or "%{" (Terraform would evaluate it as an expression or template in the synthesized stack), got ${got}`;

  test.each([
    ["an interpolation in a tag", PROD.replace("owner: platform-operations", 'owner: "${var.slack_webhook_url}"'), {}, "tags.owner", '"${var.slack_webhook_url}"'],
    ["a template directive in a comment", PROD.replace("  ownerGroup: platform-admins", '  ownerGroup: platform-admins\n  comment: "%{ if true }x%{ endif }"'), {}, "catalog.comment", '"%{ if true }x%{ endif }"'],
    ["a nested reference", PROD.replace("owner: platform-operations", 'owner: "${${X}}"'), { X: "var.x" }, "tags.owner", '"${var.x}"'],
    ["an escaped reference (refused too: one rule, no escaping)", PROD.replace("owner: platform-operations", () => 'owner: "$${var.x}"'), {}, "tags.owner", '"$${var.x}"'],
    ["a reference arriving through a variable", PROD.replace("owner: platform-operations", "owner: ${OWNER:x}"), { OWNER: "${path.root}" }, "tags.owner", '"${path.root}"'],
    ["a model slicing expression (SQL parameter)", PROD.replace('slicingExprs: ["plan"]', 'slicingExprs: ["%{ for p in x }p%{ endfor }"]'), {}, "mlops.models[0].slicingExprs[0]", '"%{ for p in x }p%{ endfor }"'],
  ])("%s", (_name, text, env, field, got) => {
    expect(problemsOf(text, env)).toEqual([`environments/prod.yaml: ${field}: ${refused(got)}`]);
  });

  test("in a map key too", () => {
    expect(problemsOf(PROD.replace("    purpose: observability", '    "${var.k}": observability'))).toEqual([
      'environments/prod.yaml: catalog.properties: expected keys without "${" or "%{" (Terraform would evaluate it as an expression or template in the synthesized stack), got the key "${var.k}"',
    ]);
  });
});

describe("3. schedules", () => {
  test.each([
    ["not a cron at all x", 'seconds field "NOT": expected 0-59, got "NOT"'],
    ["0 0 25 * * ?", 'hours field "25": 25 is outside 0-23'],
    ["60 0 2 * * ?", 'seconds field "60": 60 is outside 0-59'],
    ["0 0 2 32 * ?", 'day-of-month field "32": 32 is outside 1-31'],
    ["0 0 2 ? 13 *", 'month field "13": 13 is outside 1-12'],
    ["0 0 2 ? FOO MON", 'month field "FOO": expected 1-12 or JAN-DEC, got "FOO"'],
    ["0 0 2 ? * 8", 'day-of-week field "8": 8 is outside 1-7'],
    ["0 0 2 ? * MON#6", 'day-of-week field "MON#6": the n of "day#n" must be 1-5'],
    ["0 0/0 2 * * ?", 'minutes field "0/0": the increment after "/" must be 1-60'],
    ["0 0 2 * * ? 1969", 'year field "1969": 1969 is outside 1970-2099'],
    ["0 0 ? * * ?", 'hours field "?": "?" is only allowed in day-of-month and day-of-week'],
    ["0 0 2 1W-3 * ?", 'day-of-month field "1W-3": expected 1-31, got "1W"'],
    ["0 0 2 * * MON", 'exactly one of day-of-month and day-of-week must be "?" (Quartz supports one of them, not both), got "*" and "MON"'],
    ["0 0 2 ? * ?", 'exactly one of day-of-month and day-of-week must be "?" (Quartz supports one of them, not both), got "?" and "?"'],
  ])("%s is refused: %s", (cron, reason) => {
    expect(quartzCronProblem(cron)).toBe(`expected a Quartz cron expression "seconds minutes hours day-of-month month day-of-week [year]", e.g. "0 0 2 * * ?": ${reason}`);
  });

  test.each([
    "0 0 2 * * ?",
    "0 0/15 * * * ?",
    "0 15 10 ? * 6L 2002-2005",
    "0 0 12 1/5 * ?",
    "0 11 11 11 11 ?",
    "0 15 10 L-2 * ?",
    "0 15 10 ? * 6#3",
    "0 0 12 ? jan-mar mon-fri",
    "0 0 12 LW * ?",
    "0 0 12 15W * ?",
    "0 0 22-2 ? * FRI-MON",
    "0/5 14,18,3-39,52 * ? JAN,MAR,SEP MON-FRI 2002-2010".replace("3-39", "3-39".replace("39", "59")),
    "* * * * * ? *",
  ])("%s is accepted", (cron) => {
    expect(quartzCronProblem(cron)).toBeUndefined();
  });

  test("the loader reports the field, and refuses unknown time zones", () => {
    const text = PROD.replace('quartzCron: "0 0 2 * * ?"', 'quartzCron: "0 0 25 * * ?"').replace("    timezone: UTC\n    pauseStatus: UNPAUSED\n  timeoutSeconds", "    timezone: Mars/Olympus\n    pauseStatus: UNPAUSED\n  timeoutSeconds");
    expect(problemsOf(text)).toEqual([
      'environments/prod.yaml: ingestion.schedule.quartzCron: expected a Quartz cron expression "seconds minutes hours day-of-month month day-of-week [year]", e.g. "0 0 2 * * ?": hours field "25": 25 is outside 0-23, got "0 0 25 * * ?"',
      'environments/prod.yaml: ingestion.schedule.timezone: expected an IANA time zone id such as "UTC", "Europe/Amsterdam" or "America/New_York", got "Mars/Olympus"',
    ]);
  });

  test.each([
    ["UTC", true],
    ["Europe/Amsterdam", true],
    ["America/Argentina/Buenos_Aires", true],
    ["US/Pacific", true],
    ["Etc/GMT+5", true],
    ["Mars/Olympus", false],
    ["utc", false],
    ["+01:00", false],
    ["", false],
  ])("time zone %s: %s", (tz, ok) => {
    expect(isTimezoneId(tz)).toBe(ok);
  });
});

describe("4 and 5. secret shapes, as values and as map keys", () => {
  const fakes: Record<string, string> = {
    "AWS access key": j("AK", "IA", "ABCDEFGHIJKLMNOP"),
    "GitHub token": j("gh", "p_", "aB3dE6gH9j".repeat(4).slice(0, 36)),
    "Databricks OAuth secret": j("do", "se", "0123456789abcdef".repeat(2)),
    "JSON web token": j("ey", "JhbGciOiJSUzI1NiJ9", ".ey", "JzdWIiOiJzcG4ifQ", ".", "x".repeat(43)),
  };

  test.each(Object.entries(fakes))("a %s as a value is refused and never echoed", (kind, secret) => {
    const problems = problemsOf(PROD.replace("    purpose: observability", `    purpose: "${secret}"`));
    expect(problems).toEqual([expect.stringContaining(`environments/prod.yaml: catalog.properties.purpose: looks like a ${kind};`)]);
    expect(problems.join("\n")).not.toContain(secret);
  });

  test("a webhook URL as a catalog property key is refused at the map's path, not echoed", () => {
    const problems = problemsOf(PROD.replace("    purpose: observability", `    "${slackWebhook()}": observability`));
    expect(problems).toEqual([expect.stringMatching(/^environments\/prod\.yaml: catalog\.properties: a key looks like a Slack webhook URL; /)]);
    expect(problems.join("\n")).not.toContain(slackWebhook());
  });

  test("a secret in a field with its own format is reported as a secret, the format message never echoes it", () => {
    const problems = problemsOf(PROD.replace("name: ${DBX_CATALOG_PROD:observability_prod}", `name: "${fakes["AWS access key"]}"`));
    expect(problems).toEqual([expect.stringMatching(/^environments\/prod\.yaml: catalog\.name: looks like a AWS access key; /)]);
  });
});

describe("6. denial of service", () => {
  test("a 1 MB value is refused by length before any pattern runs", () => {
    const big = "a:".repeat(512 * 1024);
    const problems = problemsOf(PROD.replace("owner: platform-operations", `owner: "${big}"`));
    expect(problems).toEqual([`environments/prod.yaml: tags.owner: expected at most ${MAX_STRING_LENGTH} characters, got ${big.length} characters`]);
  });

  test("in a list item and in a flow value too, with the other problems of the file", () => {
    const big = "b".repeat(MAX_STRING_LENGTH + 1);
    const text = PROD.replace("    - platform-alerts@example.com", `    - ${big}`).replace("pauseStatus: UNPAUSED", "pauseStatus: SOMETIMES");
    expect(problemsOf(text)).toEqual([
      'environments/prod.yaml: ingestion.schedule.pauseStatus: expected one of PAUSED|UNPAUSED, got "SOMETIMES"',
      `environments/prod.yaml: notifications.emails[0]: expected at most ${MAX_STRING_LENGTH} characters, got ${big.length} characters`,
    ]);
    expect(problemsOf(`${PROD}\n"${big}": x\n`)).toEqual([`environments/prod.yaml: line ${PROD.split("\n").length + 1}: expected lines of at most ${MAX_STRING_LENGTH} characters, got ${big.length + 5} characters`]);
  });

  test("a 5 MB file (a 5 MB value) is refused by size", () => {
    const problems = problemsOf(`${PROD}\n# ${"x".repeat(5 * 1024 * 1024)}\n`);
    expect(problems).toEqual([expect.stringMatching(/^environments\/prod\.yaml: expected an environment file of at most 2097152 bytes, got \d+ bytes$/)]);
  });

  test("secret patterns finish on adversarial 1 MB input (structure asserted in secret-shapes.test.ts)", () => {
    // The input that made the old password-in-URL pattern quadratic: long runs that almost match.
    for (const input of ["a".repeat(1 << 20), "a://".repeat(1 << 18), "a://b:".repeat(174_762), "eyJ".repeat(349_525)]) {
      expect(findSecret(input)).toBeUndefined();
    }
  });
});

describe("7. a YAML alias bomb", () => {
  test("is that file's YAML error, and the other files are still reported", () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++) lines.push(`l${i}: &l${i} [${Array(9).fill(i === 1 ? "*a" : `*l${i - 1}`).join(",")}]`);
    const root = writeEnv({ aut: lines.join("\n"), prod: PROD.replace("pauseStatus: UNPAUSED", "pauseStatus: SOMETIMES") });
    let error: unknown;
    try {
      loadEnvironments(path.join(root, "environments"), {}, root);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      expect.stringMatching(/^environments\/aut\.yaml: invalid YAML: Excessive alias count/),
      'environments/prod.yaml: ingestion.schedule.pauseStatus: expected one of PAUSED|UNPAUSED, got "SOMETIMES"',
    ]);
  });
});

describe("8. field paths everywhere", () => {
  test("a short suppression reason names policy.suppressions[N].reason", () => {
    const text = `${PROD}\npolicy:\n  suppressions:\n    - { rule: DBX-JOB-008, resource: a/B, reason: "Long enough reason here" }\n    - { rule: DBX-JOB-008, resource: a/C, reason: todo }\n`;
    expect(problemsOf(text)).toEqual(['environments/prod.yaml: policy.suppressions[1].reason: expected a reason of at least 10 characters, got "todo"']);
  });

  test.each([
    [".inf", ".inf"],
    ["-.inf", "-.inf"],
    [".nan", ".nan"],
  ])("%s is reported as what it is", (yaml, shown) => {
    const [problem] = problemsOf(PROD.replace("  timeoutSeconds: 14400", `  timeoutSeconds: ${yaml}`));
    expect(problem).toMatch(new RegExp(`^environments/prod\\.yaml: ingestion\\.timeoutSeconds: expected .*, got ${shown.replace(".", "\\.")}$`));
  });
});

describe("--strict (#13 item 4)", () => {
  test("outside development, a default whose variable is unset names file, field and variable", () => {
    const problems = problemsOf(PROD, {}, true);
    expect(problems).toContain(
      'environments/prod.yaml: workspace.host: environment variable DATABRICKS_HOST_PROD is not set; --strict refuses the ${DATABRICKS_HOST_PROD:default} default outside the development tier (tier "production")',
    );
    expect(problems.every((p) => p.includes("--strict"))).toBe(true);
  });

  test("with every variable set it loads; development and plain loads keep their defaults", () => {
    const vars = [...PROD.matchAll(/\$\{([A-Z_0-9]+):/g)].map((m) => m[1]);
    const values: Record<string, string> = {
      DATABRICKS_HOST_PROD: "https://adb-1.azuredatabricks.net",
      DBX_CATALOG_PROD: "obs_prod",
      DBX_RUN_AS_SP_PROD: "12345678-1234-4234-8234-123456789012",
      DBX_COST_CENTER: "cc-1",
      DBX_STATE_RESOURCE_GROUP: "rg",
      DBX_STATE_STORAGE_ACCOUNT: "st",
    };
    expect(vars.sort()).toEqual(Object.keys(values).sort());
    expect(problemsOf(PROD, values, true)).toEqual([]);
    expect(problemsOf(PROD, {}, false)).toEqual([]);
    const dev = fs.readFileSync(path.join(PROJECT_ROOT, "environments", "dev.yaml"), "utf8");
    const root = writeEnv({ dev });
    expect(() => loadEnvironmentFile(path.join(root, "environments", "dev.yaml"), {}, root, { strict: true })).not.toThrow();
  });
});

describe("synthesis: nothing half-written, no staging left, stale output removed", () => {
  const outdir = tempDir("dbx-hostile-out-");
  const stack = path.join(outdir, "stacks", "prod");
  fs.mkdirSync(path.join(stack, ".terraform"), { recursive: true });
  fs.writeFileSync(path.join(stack, ".terraform", "keep"), "provider");
  fs.writeFileSync(path.join(stack, "prod.tfplan"), "plan");
  fs.writeFileSync(path.join(stack, "cdk.tf"), 'terraform { backend "local" {} }');
  fs.mkdirSync(path.join(stack, "assets", "stale-asset"), { recursive: true });
  const hooksBefore = [Error.prepareStackTrace, Error.captureStackTrace];
  const stacks = synthesize({ projectRoot: PROJECT_ROOT, outdir, env: {} });
  const hooksAfter = [Error.prepareStackTrace, Error.captureStackTrace];

  test("a synth removes what a previous synth left (cdk.tf, stale assets) and keeps .terraform and plans", () => {
    expect(stacks).toEqual(["aut", "dev", "prod"]);
    expect(fs.existsSync(path.join(stack, "cdk.tf"))).toBe(false);
    expect(fs.existsSync(path.join(stack, "assets", "stale-asset"))).toBe(false);
    expect(fs.readFileSync(path.join(stack, ".terraform", "keep"), "utf8")).toBe("provider");
    expect(fs.readFileSync(path.join(stack, "prod.tfplan"), "utf8")).toBe("plan");
    expect(ownStaging(outdir)).toEqual([]);
  });

  test("without cdktf's token creation stacks (#17) the output is byte-identical, and the stack-trace hooks are removed after", () => {
    expect(hooksAfter[0]).toBe(hooksBefore[0]);
    expect(hooksAfter[1]).toBe(hooksBefore[1]);
    const withStacks = tempDir("dbx-hostile-stacks-");
    synthesize({ projectRoot: PROJECT_ROOT, outdir: withStacks, env: { DBX_SYNTH_TOKEN_STACKS: "1" } });
    for (const env of stacks) {
      const read = (dir: string) => fs.readFileSync(path.join(dir, "stacks", env, "cdk.tf.json"), "utf8");
      expect(read(outdir)).toBe(read(withStacks));
    }
    expect(new Error("still traced").stack).toMatch(/^Error: still traced\n\s+at /);
    const plain: { stack?: string } = {};
    Error.captureStackTrace(plain);
    expect(plain.stack).toMatch(/\n\s+at /);
  });

  test("a second synth leaves unchanged assets in place (same inode) and assets/ holding exactly what cdk.tf.json names", () => {
    const assetFiles = () => listFiles(path.join(stack, "assets")).map((f) => [f, fs.statSync(path.join(stack, "assets", f)).ino]);
    const before = assetFiles();
    synthesize({ projectRoot: PROJECT_ROOT, outdir, env: {} });
    expect(assetFiles()).toEqual(before);
    const tf = fs.readFileSync(path.join(stack, "cdk.tf.json"), "utf8");
    const named = [...new Set([...tf.matchAll(/"source": "(assets\/[^"]+)"/g)].map((m) => m[1]))].sort();
    expect(before.map(([f]) => `assets/${f}`).sort()).toEqual(named);
    expect(named.length).toBeGreaterThan(30);
  });

  test("every stack requires the pinned Terraform minor release or later (#13 item 2)", () => {
    expect(fs.readFileSync(path.join(PROJECT_ROOT, ".terraform-version"), "utf8").trim()).toBe("1.11.4");
    expect(requiredTerraformVersion(PROJECT_ROOT)).toBe("~> 1.11");
    for (const env of stacks) {
      const tf = JSON.parse(fs.readFileSync(path.join(outdir, "stacks", env, "cdk.tf.json"), "utf8"));
      expect(tf.terraform.required_version).toBe("~> 1.11");
    }
  });

  test("bad configuration leaves the previous output untouched and no staging directory", () => {
    const before = fs.readFileSync(path.join(stack, "cdk.tf.json"), "utf8");
    const envs = tempDir("dbx-hostile-envs-");
    fs.writeFileSync(path.join(envs, "prod.yaml"), PROD.replace("owner: platform-operations", 'owner: "${var.slack_webhook_url}"'));
    expect(() => synthesize({ projectRoot: PROJECT_ROOT, outdir, env: {}, environmentsDir: envs })).toThrow(ConfigError);
    expect(fs.readFileSync(path.join(stack, "cdk.tf.json"), "utf8")).toBe(before);
    expect(ownStaging(outdir)).toEqual([]);
  });

  test("--hcl (SYNTH_HCL_OUTPUT) is refused with a clear message before anything is written (#13 item 13)", () => {
    const out = tempDir("dbx-hostile-hcl-");
    expect(() => synthesize({ projectRoot: PROJECT_ROOT, outdir: out, env: { SYNTH_HCL_OUTPUT: "true" } })).toThrow(SynthUsageError);
    expect(() => synthesize({ projectRoot: PROJECT_ROOT, outdir: out, env: { SYNTH_HCL_OUTPUT: "1" } })).toThrow(/HCL output \(cdktf synth --hcl, SYNTH_HCL_OUTPUT\) is not supported/);
    expect(fs.readdirSync(out)).toEqual([]);
  });
});

describe("the CLI", () => {
  const runTs = path.join(PROJECT_ROOT, "test", "support", "run-ts.js");
  const main = path.join(PROJECT_ROOT, "stacks", "main.ts");

  test("bad configuration exits 1 with file and field, no stack trace, nothing written", () => {
    const envs = tempDir("dbx-hostile-cli-");
    fs.writeFileSync(path.join(envs, "prod.yaml"), PROD.replace('quartzCron: "0 0 2 * * ?"', 'quartzCron: "0 0 25 * * ?"'));
    const out = path.join(tempDir("dbx-hostile-cli-out-"), "cdktf.out");
    const r = spawnSync(process.execPath, ["-r", runTs, main, "--environments", envs, "--outdir", out], { encoding: "utf8", cwd: PROJECT_ROOT });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("prod.yaml: ingestion.schedule.quartzCron: expected a Quartz cron expression");
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(fs.existsSync(out)).toBe(false);
  }, 120_000);

  test("SIGTERM removes the staging directory and exits 143", async () => {
    const script = `require(${JSON.stringify(main)}).installSignalHandlers(); const dir = require(${JSON.stringify(
      path.join(PROJECT_ROOT, "stacks", "synth.ts"),
    )}).openStaging(${JSON.stringify(tempDir("dbx-hostile-sig-"))}); console.log(dir); setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ["-r", runTs, "-e", script], { cwd: PROJECT_ROOT });
    const dir = await new Promise<string>((resolve, reject) => {
      child.stdout.once("data", (d: Buffer) => resolve(d.toString().trim()));
      child.once("exit", () => reject(new Error("child exited early")));
    });
    expect(fs.existsSync(dir)).toBe(true);
    const code = new Promise<number | null>((resolve) => child.once("exit", (c) => resolve(c)));
    child.kill("SIGTERM");
    expect(await code).toBe(143);
    expect(fs.existsSync(dir)).toBe(false);
  }, 120_000);

  test("staging goes beside the output (one file system, a rename), in its nearest existing ancestor", () => {
    const root = tempDir("dbx-hostile-beside-");
    expect(stagingParent(path.join(root, "cdktf.out"))).toBe(root);
    expect(stagingParent(path.join(root, "not", "yet", "cdktf.out"))).toBe(root);
    const staging = openStagingFor(path.join(root, "cdktf.out"));
    expect(path.dirname(staging)).toBe(root);
    removeStagingDirectories();
    expect(fs.existsSync(staging)).toBe(false);
  });

  // /sys refuses mkdir even to root (EPERM): a parent that cannot be written, as a read-only checkout is.
  (fs.existsSync("/sys/kernel") ? test : test.skip)("staging falls back to the OS temp folder when the output's parent cannot be written", () => {
    const staging = openStagingFor("/sys/kernel/cdktf.out");
    expect(path.dirname(staging)).toBe(os.tmpdir());
    removeStagingDirectories();
    expect(fs.existsSync(staging)).toBe(false);
  });

  test("a killed synth's staging directory is removed by the next synth", () => {
    const dead = spawnSync(process.execPath, ["-e", "console.log(process.pid)"], { encoding: "utf8" });
    const pid = Number(dead.stdout.trim());
    const tmp = tempDir("dbx-hostile-tmp-");
    const leftover = path.join(tmp, `.dbx-observability-synth-${pid}-abc123`);
    fs.mkdirSync(path.join(leftover, "stacks"), { recursive: true });
    const alive = path.join(tmp, `.dbx-observability-synth-${process.pid}-def456`);
    fs.mkdirSync(alive);
    expect(removeAbandonedStaging(tmp)).toEqual([path.basename(leftover)]);
    expect(fs.existsSync(leftover)).toBe(false);
    expect(fs.existsSync(alive)).toBe(true);
  });
});
