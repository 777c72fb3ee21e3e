import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { App } from "../constructs/core";
import { FileAsset } from "../constructs/file-asset";
import { buildApp, BuildAppOptions } from "./app";
import { AUDIT_FILES, auditStacksDir, PolicyViolationError } from "../policy/audit";

/**
 * Files of a stack directory that a synthesis writes, in either output mode (`cdk.tf` is what
 * `cdktf synth --hcl` wrote before it was refused). Each synth removes all of them before
 * publishing, so nothing a previous synth left survives; `assets/` is made to hold exactly this
 * synth's assets (FileAsset.publish); everything else (.terraform/, the lock file, saved plans, a
 * local state file) belongs to Terraform or the user and is kept.
 */
const SYNTHESIZED_FILES = ["cdk.tf.json", "cdk.tf", ...AUDIT_FILES];

/** Hidden, so a listing of the project during a synth does not show it. */
const STAGING_PREFIX = ".dbx-observability-synth-";

/** A request this program refuses, such as HCL output. */
export class SynthUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SynthUsageError";
  }
}

/**
 * `cdktf synth --hcl` sets SYNTH_HCL_OUTPUT (node_modules/cdktf/lib/app.js, terraform-stack.js).
 * Refused: cdktf 0.21 writes HCL that Terraform rejects (`schedule`/`evaluation` blocks of
 * databricks_alert_v2) and the policy pack reads JSON only, so HCL would publish unchecked output.
 */
export function refuseHclOutput(env: NodeJS.ProcessEnv = process.env): void {
  const value = env.SYNTH_HCL_OUTPUT;
  if (value === "true" || value === "1") {
    throw new SynthUsageError(
      "HCL output (cdktf synth --hcl, SYNTH_HCL_OUTPUT) is not supported: cdktf 0.21 writes HCL Terraform rejects and the policy pack checks JSON only. " +
        "Run `cdktf synth` or `npm run synth` without --hcl; the output is cdktf.out/stacks/<env>/cdk.tf.json.",
    );
  }
}

/** Staging directories of this process, removed on every exit path (see main.ts for signals). */
const liveStaging = new Set<string>();

/** Removes this process's staging directories; safe to call from an exit or signal handler. */
export function removeStagingDirectories(): void {
  for (const dir of liveStaging) {
    fs.rmSync(dir, { recursive: true, force: true });
    liveStaging.delete(dir);
  }
}

/**
 * Removes staging directories left in `dir` by a synth that was killed (SIGKILL, power loss):
 * the name carries the pid, and a directory whose process no longer runs is garbage.
 */
export function removeAbandonedStaging(dir: string): string[] {
  const removed: string[] = [];
  let entries: string[];
  try {
    entries = fs.readdirSync(dir);
  } catch {
    return removed;
  }
  for (const entry of entries) {
    const match = new RegExp(`^${STAGING_PREFIX.replace(".", "\\.")}(\\d+)-`).exec(entry);
    if (!match || Number(match[1]) === process.pid || processIsAlive(Number(match[1]))) continue;
    fs.rmSync(path.join(dir, entry), { recursive: true, force: true });
    removed.push(entry);
  }
  return removed;
}

/**
 * Where the staging directory of a synth into `outdir` goes: beside it, in its nearest existing
 * ancestor, so publishing is a rename on the same file system (a staging directory in the OS
 * temp folder meant a full copy whenever that is a tmpfs) and nothing is created on the way.
 */
export function stagingParent(outdir: string): string {
  let dir = path.dirname(path.resolve(outdir));
  while (!fs.existsSync(dir) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
}

/**
 * Staging for a synth into `outdir`: beside it, or in the OS temp folder when that folder cannot
 * be written (a read-only checkout with a writable output mount); then publishing copies.
 */
export function openStagingFor(outdir: string): string {
  const beside = stagingParent(outdir);
  removeAbandonedStaging(beside);
  try {
    return openStaging(beside);
  } catch (e) {
    if (!["EACCES", "EPERM", "EROFS"].includes((e as NodeJS.ErrnoException).code ?? "")) throw e;
  }
  removeAbandonedStaging(os.tmpdir());
  return openStaging(os.tmpdir());
}

/** A fresh staging directory in `parent`, registered for removal on every exit path. */
export function openStaging(parent: string): string {
  const staging = fs.mkdtempSync(path.join(parent, `${STAGING_PREFIX}${process.pid}-`));
  liveStaging.add(staging);
  return staging;
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Synthesizes into a staging directory and publishes into `outdir` only when every stack
 * synthesized, so a failure leaves the previous output untouched rather than half-written.
 */
export function synthesize(options: Omit<BuildAppOptions, "outdir"> & { outdir: string; onPolicyWarning?: (warning: string) => void }): string[] {
  refuseHclOutput(options.env ?? process.env);
  const staging = openStagingFor(options.outdir);
  try {
    const { app, environments } = withoutTokenCreationStacks(options.env ?? process.env, () => {
      const built = buildApp({ ...options, outdir: staging });
      built.app.synth();
      return built;
    });
    // The policy pack reads what Terraform will read, and runs before publishing so a violation
    // leaves the previous output, and what CI would plan from it, untouched.
    const audit = auditStacksDir(path.join(staging, "stacks"), environments);
    audit.warnings.forEach((w) => options.onPolicyWarning?.(w));
    if (audit.errors.length > 0) throw new PolicyViolationError(audit.errors);
    return publish(staging, options.outdir, app);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
    liveStaging.delete(staging);
  }
}

/**
 * Per stack: the assets first (content-addressed, so a new one never changes what the previous
 * cdk.tf.json names), then the JSON by rename, then the removal of assets nothing names any more.
 */
function publish(staging: string, outdir: string, app: App): string[] {
  const stacks = fs.readdirSync(path.join(staging, "stacks")).sort();
  for (const stack of stacks) {
    const from = path.join(staging, "stacks", stack);
    const to = path.join(outdir, "stacks", stack);
    fs.mkdirSync(to, { recursive: true });
    const assets = FileAsset.all(app.node.findChild(stack));
    FileAsset.write(assets, to);
    for (const entry of SYNTHESIZED_FILES) fs.rmSync(path.join(to, entry), { force: true });
    for (const entry of fs.readdirSync(from)) move(path.join(from, entry), path.join(to, entry));
    FileAsset.prune(assets, to);
  }
  move(path.join(staging, "manifest.json"), path.join(outdir, "manifest.json"));
  return stacks;
}

/** A rename when staging and output share a filesystem (then nothing is copied or deleted twice), else a copy. */
function move(from: string, to: string): void {
  try {
    fs.renameSync(from, to);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EXDEV") throw e;
    fs.cpSync(from, to, { recursive: true });
  }
}

/**
 * cdktf records a full creation stack for every token and nested-block reference it makes
 * (cdktf/lib/tokens/private/stack-trace.js: Error.captureStackTrace on a plain object, with an
 * unlimited Error.stackTraceLimit), only to print it if that token later fails to resolve. The
 * provider classes make dozens per resource, and formatting them was the largest single cost of
 * a synth after module loading (#17). While the app is built and synthesized, traces captured on
 * objects that are not Errors format as empty; real errors keep theirs, and the hook is removed
 * afterwards. DBX_SYNTH_TOKEN_STACKS=1 keeps every trace, to debug a token that fails to resolve.
 */
export function withoutTokenCreationStacks<T>(env: NodeJS.ProcessEnv, build: () => T): T {
  if (env.DBX_SYNTH_TOKEN_STACKS === "1") return build();
  const previous = Error.prepareStackTrace;
  const capture = Error.captureStackTrace;
  Error.prepareStackTrace = (error: Error, frames: NodeJS.CallSite[]) => {
    if (!(error instanceof Error)) return "";
    if (previous) return previous(error, frames);
    return [`${error.name}: ${error.message}`, ...frames.map((f) => `    at ${f}`)].join("\n");
  };
  // Collecting the frames costs even when they format as empty: a plain object (cdktf's
  // `{ stack: "" }`) keeps its empty stack, which cdktf reads as "no trace".
  Error.captureStackTrace = function captureErrorStacksOnly(target: object, below?: Function) {
    if (target instanceof Error) capture.call(Error, target, below);
  };
  try {
    return build();
  } finally {
    Error.prepareStackTrace = previous;
    Error.captureStackTrace = capture;
  }
}
