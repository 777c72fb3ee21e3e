import { spawnSync, SpawnSyncOptions } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  assertCreateOnly,
  classifyPlanStream,
  DELETE,
  expectDiagnostic,
  parseCliVersion,
  PlanClass,
  prepareForPlan,
  readJson,
  readTerraformPin,
  renderPlanClass,
  reportValidate,
  requiredProviderVersion,
  scheduledJobPausePath,
  setPath,
  setProviderVersion,
  stripNewerArguments,
  NewerArgument,
  versionAtLeast,
  writeJson,
} from "./terraform-json";

/**
 * Offline `terraform validate` (and a best-effort offline `terraform plan`) of the synthesized
 * cdktf stacks against the real Databricks provider, installed from a local filesystem mirror.
 * See docs/terraform-validation.md (options, environment, exit codes).
 *
 *   npm run validate:terraform                  # validate (+ plan) every cdktf.out/stacks/x/cdk.tf.json
 *   npm run validate:terraform -- --self-test   # prove the validator catches broken configs
 *
 * One function per step: provider(), cli(), mirror(), then validateStacks() (init / validate /
 * plan per stack) and writeReport(), or selfTest(). Exit status: 0 every stack validated (plan ok
 * or skipped), or the provider was unavailable with DBX_SKIP_IF_PROVIDER_UNAVAILABLE=1;
 * 1 a stack or a setup step failed (the step is named); 2 a usage error.
 */

export const USAGE = `usage: validate-terraform [--self-test] [--stacks-dir DIR] [--no-plan|--plan] [--keep-tmp] [-h|--help]

  --self-test          run the cases in test/fixtures/terraform/self-test-cases.json (and, if
                       cdktf.out has a stack with a scheduled job, an invalid-enum mutation of it)
  --stacks-dir DIR     validate DIR/*/cdk.tf.json instead of cdktf.out/stacks
  --no-plan / --plan   skip / run the offline plan step (default: run; DBX_TF_PLAN=0 skips)
  --keep-tmp           keep the temporary working directory (DBX_KEEP_TMP=1)

Environment: DBX_TF_CLI (auto|terraform|tofu), DBX_TOFU_VERSION, DBX_PROVIDER_VERSION,
DBX_PROVIDER_CACHE, DBX_PROVIDER_BINARY, DBX_PROVIDER_REBUILD, DBX_ALLOW_PROVIDER_MISMATCH,
DBX_SKIP_IF_PROVIDER_UNAVAILABLE, DBX_VALIDATE_REPORT, DBX_TF_PLAN, DBX_KEEP_TMP.
See docs/terraform-validation.md. Exit: 0 ok, 1 failed (step named), 2 usage.`;

export interface Options {
  readonly selfTest: boolean;
  readonly stacksDir?: string;
  readonly plan: boolean;
  readonly keepTmp: boolean;
  readonly help: boolean;
}

/** Same flags as the former bash script; an unknown argument is a usage error (exit 2). */
export function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Options | { error: string } {
  let selfTest = false;
  let stacksDir: string | undefined;
  let plan = (env.DBX_TF_PLAN ?? "1") === "1";
  let keepTmp = env.DBX_KEEP_TMP === "1";
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--self-test") selfTest = true;
    else if (a === "--stacks-dir") {
      if (!argv[i + 1]) return { error: "--stacks-dir needs a directory" };
      stacksDir = argv[++i];
    } else if (a.startsWith("--stacks-dir=")) stacksDir = a.slice("--stacks-dir=".length);
    else if (a === "--no-plan") plan = false;
    else if (a === "--plan") plan = true;
    else if (a === "--keep-tmp") keepTmp = true;
    else if (a === "-h" || a === "--help") help = true;
    else return { error: `unknown argument '${a}' (try --help)` };
  }
  return { selfTest, stacksDir, plan, keepTmp, help };
}

/** A setup step failed: the message names the step; exit 1. */
export class StepFailure extends Error {
  constructor(
    readonly step: string,
    message: string,
  ) {
    super(message);
  }
}
/** The provider could not be downloaded and DBX_SKIP_IF_PROVIDER_UNAVAILABLE=1: exit 0, loudly. */
class ProviderUnavailable extends Error {}

export function repoRoot(from: string = __dirname): string {
  let dir = from;
  while (!fs.existsSync(path.join(dir, "package.json")) || !fs.existsSync(path.join(dir, ".terraform-version"))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`no project root (package.json + .terraform-version) above ${from}`);
    dir = up;
  }
  return dir;
}

const log = (s = "") => process.stdout.write(s + "\n");
const step = (s: string) => log(`\n==> ${s}`);
const info = (s: string) => log(`    ${s}`);
const indent = (text: string, pad = "      ") =>
  text
    .split("\n")
    .filter((l, i, all) => l !== "" || i < all.length - 1)
    .map((l) => pad + l)
    .join("\n");
const since = (t0: number) => {
  const d = Date.now() - t0;
  return `${Math.floor(d / 1000)}.${Math.floor((d % 1000) / 100)}s`;
};

interface Context {
  readonly root: string;
  readonly tmp: string;
  readonly env: NodeJS.ProcessEnv;
  readonly providerVersion: string;
  readonly cacheRoot: string;
  readonly terraformPin: string;
  readonly allowMismatch: boolean;
  readonly runPlan: boolean;
}

interface Provider {
  readonly binary: string;
  readonly sha256: string;
}
interface Cli {
  readonly bin: string;
  readonly name: "terraform" | "opentofu";
  readonly version: string;
}

function run(cmd: string, args: readonly string[], opts: SpawnSyncOptions & { timeoutSeconds?: number } = {}) {
  const r = spawnSync(cmd, args, { encoding: "utf8", maxBuffer: 256 * 1024 * 1024, ...opts, timeout: (opts.timeoutSeconds ?? 0) * 1000 || undefined });
  return { code: r.status ?? (r.error || r.signal ? 124 : 1), stdout: String(r.stdout ?? ""), stderr: String(r.stderr ?? ""), error: r.error };
}

const which = (name: string, env: NodeJS.ProcessEnv): string | undefined => {
  for (const dir of (env.PATH ?? "").split(path.delimiter)) {
    const p = path.join(dir, name);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      if (fs.statSync(p).isFile()) return p;
    } catch {
      /* not here */
    }
  }
  return undefined;
};

/** Terraform/OpenTofu run non-interactively, without update checks, never with the ambient CLI config. */
export function terraformEnv(base: NodeJS.ProcessEnv, cliConfig?: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base, TF_IN_AUTOMATION: "1", TF_INPUT: "0", CHECKPOINT_DISABLE: "1" };
  for (const v of ["TF_PLUGIN_CACHE_DIR", "TF_WORKSPACE", "TF_DATA_DIR"]) delete env[v];
  if (cliConfig) {
    env.TF_CLI_CONFIG_FILE = cliConfig;
    env.TOFU_CLI_CONFIG_FILE = cliConfig;
  }
  return env;
}

/** The plan talks only to the dummy workspace: every ambient Databricks/cloud credential is dropped. */
export function planEnv(base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(base)) if (!/^(DATABRICKS_|ARM_|AZURE_|GOOGLE_)/.test(k)) env[k] = v;
  return {
    ...env,
    DATABRICKS_HOST: "https://dummy.invalid",
    DATABRICKS_TOKEN: "dummy",
    DATABRICKS_CONFIG_FILE: "/dev/null",
    DATABRICKS_HTTP_TIMEOUT_SECONDS: "15",
    DATABRICKS_RETRY_TIMEOUT_SECONDS: "15",
  };
}

// ------------------------------------------------------------------------------ 1. provider
/** Builds or reuses the cached provider (scripts/build-provider.sh: exit 4 = module not served). */
function provider(ctx: Context): Provider {
  step(`[1/4] Databricks provider v${ctx.providerVersion} (cache: ${ctx.cacheRoot})`);
  const t0 = Date.now();
  const r = run("bash", [path.join(ctx.root, "scripts", "build-provider.sh")], {
    env: { ...ctx.env, DBX_PROVIDER_VERSION: ctx.providerVersion, DBX_PROVIDER_CACHE: ctx.cacheRoot },
    stdio: ["ignore", "pipe", "inherit"],
  });
  if (r.code !== 0) {
    if (r.code === 4 && ctx.env.DBX_SKIP_IF_PROVIDER_UNAVAILABLE === "1") throw new ProviderUnavailable();
    throw new StepFailure("provider build", `could not build or find terraform-provider-databricks v${ctx.providerVersion} (see messages above)`);
  }
  const binary = r.stdout.trim().split("\n").pop() ?? "";
  info(`provider binary: ${binary} (${since(t0)})`);
  let sha256 = "unknown";
  try {
    sha256 = crypto.createHash("sha256").update(fs.readFileSync(binary)).digest("hex");
  } catch {
    /* reported as unknown */
  }
  return { binary, sha256 };
}

// ------------------------------------------------------------------------------ 2. CLI
function cliVersionOf(bin: string, env: NodeJS.ProcessEnv): string {
  const r = run(bin, ["version"], { env: { ...env, TF_CLI_CONFIG_FILE: "/dev/null" }, timeoutSeconds: 60 });
  return parseCliVersion(r.stdout.split("\n")[0] ?? "");
}

function tofuFromCacheOrBuild(ctx: Context, tofuVersion: string): string {
  const bin = path.join(ctx.cacheRoot, "cli", "opentofu", tofuVersion, "tofu");
  if (fs.existsSync(bin) && cliVersionOf(bin, ctx.env) === tofuVersion) {
    info(`using cached OpenTofu ${bin}`);
    return bin;
  }
  if (!which("go", ctx.env)) throw new StepFailure("CLI", "no Go toolchain to build OpenTofu with");
  info(`building OpenTofu v${tofuVersion} from github.com/opentofu/opentofu (Go module proxy) into ${path.dirname(bin)}`);
  const t0 = Date.now();
  const r = run(
    "bash",
    [path.join(ctx.root, "scripts", "terraform-go-build.sh"), "github.com/opentofu/opentofu", `v${tofuVersion}`, "github.com/opentofu/opentofu/cmd/tofu", bin],
    { env: { ...ctx.env, DBX_GO_BUILD_LDFLAGS: "-s -w -X github.com/opentofu/opentofu/version.dev=no" }, stdio: ["ignore", "inherit", "inherit"] },
  );
  const v = r.code === 0 ? cliVersionOf(bin, ctx.env) : "";
  if (v !== tofuVersion) {
    throw new StepFailure(
      "CLI",
      `OpenTofu fallback: building github.com/opentofu/opentofu/cmd/tofu@v${tofuVersion} failed (see above). Install terraform ${ctx.terraformPin} (.terraform-version) or tofu >= 1.6 on PATH, or set GOPROXY to a proxy that serves OpenTofu.`,
    );
  }
  info(`built OpenTofu v${v} in ${since(t0)}`);
  return bin;
}

function useTofu(ctx: Context): Cli {
  const tofuVersion = (ctx.env.DBX_TOFU_VERSION ?? "1.10.10").replace(/^v/, "");
  const onPath = which("tofu", ctx.env);
  if (onPath) {
    const v = cliVersionOf(onPath, ctx.env);
    if (v && versionAtLeast(v, "1.6.0")) return { bin: onPath, name: "opentofu", version: v };
    info(`ignoring tofu on PATH (${onPath}, version '${v || "?"}' < 1.6)`);
  }
  const bin = tofuFromCacheOrBuild(ctx, tofuVersion);
  return { bin, name: "opentofu", version: cliVersionOf(bin, ctx.env) };
}

/** terraform from PATH (>= 1.5; the pin in .terraform-version is what CI installs), else OpenTofu. */
function cli(ctx: Context): Cli {
  const mode = ctx.env.DBX_TF_CLI ?? "auto";
  step(`[2/4] Terraform CLI (DBX_TF_CLI=${mode}; pinned: terraform ${ctx.terraformPin} from .terraform-version)`);
  let chosen: Cli;
  const terraformOnPath = () => {
    const p = which("terraform", ctx.env);
    return p ? { p, v: cliVersionOf(p, ctx.env) } : undefined;
  };
  if (mode === "auto") {
    const t = terraformOnPath();
    if (t && t.v && versionAtLeast(t.v, "1.5.0")) chosen = { bin: t.p, name: "terraform", version: t.v };
    else {
      info(t ? `terraform on PATH is '${t.v || "unknown"}' (< 1.5); falling back to OpenTofu` : "no terraform on PATH; falling back to OpenTofu");
      chosen = useTofu(ctx);
    }
  } else if (mode === "terraform") {
    const t = terraformOnPath();
    if (!t) throw new StepFailure("CLI", "DBX_TF_CLI=terraform but no terraform on PATH");
    if (!t.v || !versionAtLeast(t.v, "1.5.0")) throw new StepFailure("CLI", `terraform on PATH is '${t.v || "unknown"}', need >= 1.5`);
    chosen = { bin: t.p, name: "terraform", version: t.v };
  } else if (mode === "tofu" || mode === "opentofu") {
    info(`DBX_TF_CLI=${mode}: forcing the OpenTofu fallback`);
    chosen = useTofu(ctx);
  } else {
    throw new StepFailure("CLI", `DBX_TF_CLI must be auto, terraform or tofu (got '${mode}')`);
  }
  info(`using ${chosen.name} ${chosen.version} (${chosen.bin})`);
  if (chosen.name === "terraform" && chosen.version !== ctx.terraformPin) {
    info(`WARNING: terraform ${chosen.version} is not the project's pin ${ctx.terraformPin} (.terraform-version); CI uses the pin`);
  }
  return chosen;
}

// ------------------------------------------------------------------------------ 3. mirror
export function platformDir(platform: NodeJS.Platform = process.platform, arch: string = process.arch): string {
  const osName = platform === "win32" ? "windows" : platform;
  const archName = arch === "x64" ? "amd64" : arch;
  return `${osName}_${archName}`;
}

/** The CLI config that installs databricks/databricks only from the mirror, never a registry. */
export function cliConfigText(mirror: string): string {
  const hosts = '["registry.terraform.io/databricks/databricks", "registry.opentofu.org/databricks/databricks"]';
  return `# Generated by scripts/validate-terraform.ts: install databricks/databricks only
# from the local mirror, never from a registry.
provider_installation {
  filesystem_mirror {
    path    = ${JSON.stringify(mirror)}
    include = ${hosts}
  }
  direct {
    exclude = ${hosts}
  }
}
`;
}

/**
 * Unpacked mirror layout HOST/NAMESPACE/TYPE/VERSION/TARGET/terraform-provider-TYPE_vVERSION.
 * cdktf writes source = "databricks/databricks", which Terraform resolves on registry.terraform.io
 * and OpenTofu on registry.opentofu.org: populate both. Returns the CLI config path.
 */
function mirror(ctx: Context, p: Provider): string {
  step("[3/4] Filesystem mirror and CLI config");
  const dir = path.join(ctx.tmp, "mirror");
  const platform = platformDir();
  for (const host of ["registry.terraform.io", "registry.opentofu.org"]) {
    const d = path.join(dir, host, "databricks", "databricks", ctx.providerVersion, platform);
    fs.mkdirSync(d, { recursive: true });
    const target = path.join(d, `terraform-provider-databricks_v${ctx.providerVersion}`);
    try {
      fs.symlinkSync(p.binary, target);
    } catch {
      fs.copyFileSync(p.binary, target);
      fs.chmodSync(target, 0o755);
    }
  }
  const config = path.join(ctx.tmp, "cli.tfrc");
  fs.writeFileSync(config, cliConfigText(dir));
  info(`mirror: ${dir}/{registry.terraform.io,registry.opentofu.org}/databricks/databricks/${ctx.providerVersion}/${platform}/`);
  info(`TF_CLI_CONFIG_FILE=${config}`);
  return config;
}

// ------------------------------------------------------------------------------ 4. init / validate / plan
interface Runner {
  readonly ctx: Context;
  readonly cli: Cli;
  readonly env: NodeJS.ProcessEnv;
}

/** The stack dir without Terraform state or working files. */
function copyStack(src: string, dst: string): void {
  fs.mkdirSync(dst, { recursive: true });
  fs.cpSync(src, dst, { recursive: true, dereference: true });
  for (const f of fs.readdirSync(dst)) {
    if (f === ".terraform" || f === ".terraform.lock.hcl" || f === "tfplan" || /\.tfstate(\..*)?$/.test(f)) fs.rmSync(path.join(dst, f), { recursive: true, force: true });
  }
}

function newerArguments(root: string): NewerArgument[] {
  return (readJson(path.join(root, "scripts", "provider-arguments-since.json")).arguments as NewerArgument[]) ?? [];
}

/** A provider pin that differs from the built provider: re-pin (mismatch mode) or note it. */
function pinCheck(r: Runner, dir: string): void {
  const f = path.join(dir, "cdk.tf.json");
  const stack = readJson(f);
  const req = requiredProviderVersion(stack);
  if (!req || req === r.ctx.providerVersion) return;
  if (r.ctx.allowMismatch) {
    info(`WARNING: stack pins databricks ${req}; validating against ${r.ctx.providerVersion} (DBX_ALLOW_PROVIDER_MISMATCH=1, NOT authoritative)`);
    setProviderVersion(stack, r.ctx.providerVersion);
    for (const line of stripNewerArguments(stack, r.ctx.providerVersion, newerArguments(r.ctx.root))) {
      info(`  removed for ${r.ctx.providerVersion}, which predates it: ${line} (scripts/provider-arguments-since.json)`);
    }
    writeJson(f, stack);
  } else {
    info(`note: stack pins databricks '${req}' but the mirror has ${r.ctx.providerVersion} (set DBX_PROVIDER_VERSION to match)`);
  }
}

function init(r: Runner, dir: string, extra: string[] = []): boolean {
  const res = run(r.cli.bin, ["init", "-input=false", "-no-color", ...extra], { cwd: dir, env: r.env, timeoutSeconds: 600 });
  fs.writeFileSync(path.join(dir, "init.log"), res.stdout + res.stderr);
  if (res.code !== 0) log(indent(res.stdout + res.stderr));
  return res.code === 0;
}

/** `validate -json` (a non-zero exit is expected for invalid configurations). */
function validate(r: Runner, dir: string): { valid?: boolean; diagnostics?: [] } {
  const res = run(r.cli.bin, ["validate", "-json", "-no-color"], { cwd: dir, env: r.env, timeoutSeconds: 600 });
  try {
    return JSON.parse(res.stdout);
  } catch {
    log(indent(res.stderr));
    return { valid: false, diagnostics: [{ severity: "error", summary: "validate produced no JSON output" }] as never };
  }
}

/** Offline plan of a copy of `src` against the dummy workspace, then create-only check. */
function plan(r: Runner, src: string, dir: string): PlanClass {
  copyStack(src, dir);
  const f = path.join(dir, "cdk.tf.json");
  const stack = readJson(f);
  for (const v of prepareForPlan(stack)) process.stderr.write(`validate-terraform: variable ${v} has no default; plan may stop on it\n`);
  if (r.ctx.allowMismatch) {
    setProviderVersion(stack, r.ctx.providerVersion);
    stripNewerArguments(stack, r.ctx.providerVersion, newerArguments(r.ctx.root));
  }
  writeJson(f, stack);
  if (!init(r, dir)) return { kind: "error", detail: "init for plan failed" };
  const res = run(r.cli.bin, ["plan", "-refresh=false", "-input=false", "-lock=false", "-no-color", "-json", "-out=tfplan"], {
    cwd: dir,
    env: planEnv(r.env),
    timeoutSeconds: 900,
  });
  fs.writeFileSync(path.join(dir, "plan.jsonl"), res.stdout);
  const classified = classifyPlanStream(res.stdout);
  if (res.code === 0) {
    const show = run(r.cli.bin, ["show", "-json", "-no-color", "tfplan"], { cwd: dir, env: r.env, timeoutSeconds: 300 });
    if (show.code !== 0) {
      log(indent(show.stderr));
      return { kind: "error", detail: "terraform show -json failed" };
    }
    const created = assertCreateOnly(JSON.parse(show.stdout));
    log(created.lines.join("\n"));
    return created.ok ? classified.result : { kind: "error", detail: "plan contains non-create actions on an empty state" };
  }
  if (classified.lines.length) log(classified.lines.join("\n"));
  if (classified.result.kind === "ok") {
    log(indent(res.stderr.split("\n").slice(-30).join("\n")));
    return { kind: "error", detail: `plan exited ${res.code} without a diagnostic` };
  }
  return classified.result;
}

export interface StackResult {
  stack: string;
  status: "ok" | "failed";
  failed_step: string;
  plan: string;
  init_time: string;
  validate_time: string;
  plan_time: string;
}

function validateStack(r: Runner, file: string): StackResult {
  const sdir = path.dirname(file);
  const name = path.basename(sdir);
  log(`\n--- stack ${name} (${file})`);
  const work = path.join(r.ctx.tmp, "validate", name);
  copyStack(sdir, work);
  pinCheck(r, work);
  const result: StackResult = { stack: name, status: "ok", failed_step: "", plan: "not run", init_time: "", validate_time: "", plan_time: "" };
  let t0 = Date.now();
  if (!init(r, work, ["-backend=false"])) {
    log(`  init: FAILED (${r.cli.name} init -backend=false, output above)`);
    return { ...result, status: "failed", failed_step: "init" };
  }
  result.init_time = since(t0);
  log(`  init: ok (${result.init_time})`);
  t0 = Date.now();
  const v = reportValidate(validate(r, work));
  log(v.lines.join("\n"));
  if (!v.valid) return { ...result, status: "failed", failed_step: "validate" };
  result.validate_time = since(t0);
  log(`  validate time: ${result.validate_time}`);
  if (!r.ctx.runPlan) return result;
  t0 = Date.now();
  const c = plan(r, sdir, path.join(r.ctx.tmp, "plan", name));
  result.plan_time = since(t0);
  if (c.kind === "ok") {
    result.plan = `ok:${c.detail ? ` ${c.detail}` : ""}`;
    log(`  plan: ok${c.detail ? ` ${c.detail}` : ""} (${result.plan_time})`);
  } else if (c.kind === "api") {
    result.plan = `skipped: ${c.detail}`;
    log(`  plan skipped: ${c.detail} (${result.plan_time})`);
  } else {
    result.plan = `failed: ${c.detail}`;
    log(`  plan: FAILED: ${c.detail}`);
    return { ...result, status: "failed", failed_step: "plan" };
  }
  return result;
}

/** The stacks to validate; synthesizes first when cdktf.out has none (default directory only). */
function stackFiles(ctx: Context, stacksDir: string | undefined): { dir: string; files: string[]; report?: string } {
  let dir: string;
  let report: string | undefined;
  if (!stacksDir) {
    dir = path.join(ctx.root, "cdktf.out", "stacks");
    if (listStacks(dir).length === 0) {
      step("No synthesized stacks in cdktf.out/stacks: running npm run synth");
      const r = run("npm", ["run", "synth"], { cwd: ctx.root, env: ctx.env, stdio: "inherit" });
      if (r.code !== 0) throw new StepFailure("synth", "npm run synth failed; nothing to validate");
    }
    report = ctx.env.DBX_VALIDATE_REPORT || path.join(ctx.root, "cdktf.out", "terraform-validation-report.json");
  } else {
    dir = path.resolve(stacksDir);
    report = ctx.env.DBX_VALIDATE_REPORT || undefined;
  }
  const files = listStacks(dir);
  if (files.length === 0) throw new StepFailure("synth", `no */cdk.tf.json under ${dir}`);
  return { dir, files, report };
}

const listStacks = (dir: string): string[] =>
  fs.existsSync(dir)
    ? fs
        .readdirSync(dir)
        .sort()
        .map((d) => path.join(dir, d, "cdk.tf.json"))
        .filter((f) => fs.existsSync(f))
    : [];

function validateStacks(r: Runner, p: Provider, opts: Options, t0: number): number {
  const { dir, files, report } = stackFiles(r.ctx, opts.stacksDir);
  step(`[4/4] Validating ${files.length} stack(s) from ${dir} with ${r.cli.name} ${r.cli.version} + databricks ${r.ctx.providerVersion}`);
  info(r.ctx.runPlan ? "plan: offline, dummy workspace https://dummy.invalid, -refresh=false" : "plan disabled (--no-plan / DBX_TF_PLAN=0)");
  const results = files.map((f) => validateStack(r, f));
  log(`\n=== summary: ${r.cli.name} ${r.cli.version}, databricks provider ${r.ctx.providerVersion} (sha256 ${p.sha256.slice(0, 16)}...), ${since(t0)}`);
  if (r.ctx.allowMismatch) log(`    NOT AUTHORITATIVE: DBX_ALLOW_PROVIDER_MISMATCH=1 re-pinned the stacks to provider ${r.ctx.providerVersion}`);
  if (report) writeReport(report, r, p, dir, results);
  const failures = results.filter((s) => s.status !== "ok").map((s) => `${s.stack} (${s.failed_step})`);
  if (failures.length) {
    process.stderr.write(`validate-terraform: FAILED: ${failures.join(" ")}\n`);
    return 1;
  }
  log(`validate-terraform: all ${files.length} stack(s) OK`);
  return 0;
}

// ------------------------------------------------------------------------------ 5. report
function writeReport(file: string, r: Runner, p: Provider, stacksDir: string, stacks: StackResult[]): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  writeJson(file, {
    generated_at: new Date().toISOString(),
    cli: r.cli.name,
    cli_version: r.cli.version,
    cli_path: r.cli.bin,
    terraform_pin: r.ctx.terraformPin,
    provider_version: r.ctx.providerVersion,
    provider_binary: p.binary,
    provider_sha256: p.sha256,
    authoritative: r.ctx.allowMismatch ? "false (DBX_ALLOW_PROVIDER_MISMATCH)" : "true",
    stacks_dir: stacksDir,
    stacks,
  });
  log(`report: ${file}`);
}

// ------------------------------------------------------------------------------ 6. self-test
interface SelfTestCase {
  readonly name: string;
  readonly kind?: "validate" | "plan";
  readonly expect: "pass" | "fail" | "plan-ok" | "plan-skipped";
  readonly match?: string;
  readonly set?: Record<string, unknown>;
}

function selfTest(r: Runner, opts: Options, t0All: number): number {
  step(`[4/4] Self-test of the validator (${r.cli.name} ${r.cli.version}, provider ${r.ctx.providerVersion})`);
  const casesFile = path.join(r.ctx.root, "test", "fixtures", "terraform", "self-test-cases.json");
  const spec = readJson(casesFile) as { fixture: string; cases: SelfTestCase[] };
  const fixture = path.join(r.ctx.root, "test", "fixtures", "terraform", spec.fixture);
  if (!fs.existsSync(path.join(fixture, "cdk.tf.json"))) throw new StepFailure("self-test", `fixture ${fixture}/cdk.tf.json missing`);
  const work = path.join(r.ctx.tmp, "selftest", "validate");
  copyStack(fixture, work);
  pinCheck(r, work);
  const base = readJson(path.join(work, "cdk.tf.json"));
  const t0 = Date.now();
  if (!init(r, work, ["-backend=false"])) throw new StepFailure("init", "terraform init of the self-test fixture failed");
  info(`init: ok (${since(t0)})`);
  let passed = 0;
  let failed = 0;
  spec.cases.forEach((c, i) => {
    const doc = structuredClone(base);
    for (const [p, v] of Object.entries(c.set ?? {})) setPath(doc, p, v === DELETE ? DELETE : v);
    log(`  case ${i + 1}/${spec.cases.length}: ${c.name}`);
    let ok = false;
    if ((c.kind ?? "validate") === "plan") {
      if (!r.ctx.runPlan) {
        log("    SKIPPED (plan disabled)");
        return;
      }
      const src = path.join(r.ctx.tmp, "selftest", `plan-src-${i}`);
      fs.mkdirSync(src, { recursive: true });
      writeJson(path.join(src, "cdk.tf.json"), doc);
      const cls = plan(r, src, path.join(r.ctx.tmp, "selftest", `plan-${i}`));
      if (c.expect === "plan-ok") ok = cls.kind === "ok";
      if (c.expect === "plan-skipped") ok = cls.kind === "api" && new RegExp(c.match ?? "", "i").test(cls.detail);
      log(`    plan result: ${renderPlanClass(cls)}`);
    } else {
      writeJson(path.join(work, "cdk.tf.json"), doc);
      const out = validate(r, work);
      if (c.expect === "pass") {
        const v = reportValidate(out);
        log(indent(v.lines.join("\n"), "  "));
        ok = v.valid;
      } else {
        const e = expectDiagnostic(out, c.match ?? "");
        log(e.lines.join("\n"));
        ok = e.ok;
      }
    }
    log(ok ? "    PASS" : `    FAIL (expected ${c.expect})`);
    if (ok) passed++;
    else failed++;
  });

  // The same invalid-enum mutation on a real synthesized stack, when one exists.
  const stacksDir = opts.stacksDir ? path.resolve(opts.stacksDir) : path.join(r.ctx.root, "cdktf.out", "stacks");
  const real = listStacks(stacksDir)
    .map((f) => ({ f, p: scheduledJobPausePath(readJson(f)) }))
    .find((x) => x.p);
  if (real && real.p) {
    const name = path.basename(path.dirname(real.f));
    log(`  case: synthesized stack '${name}': ${real.p} = "SOMETIMES" must fail`);
    const rwork = path.join(r.ctx.tmp, "selftest", `real-${name}`);
    copyStack(path.dirname(real.f), rwork);
    pinCheck(r, rwork);
    let ok = false;
    if (init(r, rwork, ["-backend=false"])) {
      const f = path.join(rwork, "cdk.tf.json");
      const doc = readJson(f);
      setPath(doc, real.p, "SOMETIMES");
      writeJson(f, doc);
      const e = expectDiagnostic(validate(r, rwork), "pause_status");
      log(e.lines.join("\n"));
      ok = e.ok;
    }
    log(ok ? "    PASS" : "    FAIL");
    if (ok) passed++;
    else failed++;
  } else {
    log(`  (no synthesized stack with a scheduled databricks_job in ${stacksDir}; real-stack mutation case skipped)`);
  }
  log(`\nvalidator self-test (${r.cli.name} ${r.cli.version}, databricks provider ${r.ctx.providerVersion}, ${since(t0All)})`);
  log(`self-test: ${passed} passed, ${failed} failed`);
  if (failed > 0) {
    process.stderr.write('validate-terraform: FAILED at step "self-test"\n');
    return 1;
  }
  return 0;
}

// ------------------------------------------------------------------------------ main
export function main(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): number {
  const opts = parseArgs(argv, env);
  if ("error" in opts) {
    process.stderr.write(`validate-terraform: ${opts.error}\n`);
    return 2;
  }
  if (opts.help) {
    log(USAGE);
    return 0;
  }
  const root = repoRoot();
  const providerVersion = (env.DBX_PROVIDER_VERSION || "1.99.0").replace(/^v/, "");
  const cacheRoot = env.DBX_PROVIDER_CACHE || path.join(env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache"), "dbx-observability", "providers");
  const tmp = fs.mkdtempSync(path.join(env.TMPDIR || os.tmpdir(), "dbx-validate-terraform."));
  const cleanup = () => {
    if (opts.keepTmp) log(`(kept temporary directory ${tmp})`);
    else fs.rmSync(tmp, { recursive: true, force: true });
  };
  // A Ctrl-C or a CI cancel must not leave the temporary mirror and working copies behind.
  const onSignal = (sig: NodeJS.Signals) => {
    cleanup();
    process.exit(sig === "SIGINT" ? 130 : 143);
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  const t0 = Date.now();
  try {
    const ctx: Context = {
      root,
      tmp,
      env: terraformEnv({ ...env, DBX_PROVIDER_VERSION: providerVersion }),
      providerVersion,
      cacheRoot,
      terraformPin: readTerraformPin(path.join(root, ".terraform-version")),
      allowMismatch: env.DBX_ALLOW_PROVIDER_MISMATCH === "1",
      runPlan: opts.plan,
    };
    const p = provider(ctx);
    const c = cli(ctx);
    const config = mirror(ctx, p);
    const r: Runner = { ctx, cli: c, env: terraformEnv(ctx.env, config) };
    return opts.selfTest ? selfTest(r, opts, t0) : validateStacks(r, p, opts, t0);
  } catch (e) {
    if (e instanceof ProviderUnavailable) {
      log(
        `\nvalidate-terraform: SKIPPED (nothing validated): terraform-provider-databricks v${providerVersion} could not be downloaded and DBX_SKIP_IF_PROVIDER_UNAVAILABLE=1`,
      );
      return 0;
    }
    if (e instanceof StepFailure) {
      process.stderr.write(`\nvalidate-terraform: FAILED at step "${e.step}": ${e.message}\n`);
      return 1;
    }
    process.stderr.write(`\nvalidate-terraform: FAILED: ${(e as Error).message}\n`);
    return 1;
  } finally {
    process.removeListener("SIGINT", onSignal);
    process.removeListener("SIGTERM", onSignal);
    cleanup();
  }
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
