import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";

/**
 * The checks both CI templates run around plan and apply (docs/ci.md, "What is applied"):
 *
 *   ci-guard stacks <cdktf.out> [--github-output FILE | --ado]   stack lists: all, and those CI may apply
 *   ci-guard require-remote-backend <stack dir>                  refuse a stack whose state would be local
 *   ci-guard require-env NAME...                                 every named variable is set (not empty,
 *                                                                not an unexpanded Azure DevOps $(NAME))
 *   ci-guard bind <stack dir> --commit SHA --state FILE [--gate FILE]
 *                                                                write plan-binding.json next to tfplan
 *   ci-guard verify <stack dir> --commit SHA --state FILE        refuse a saved plan for another commit,
 *                                                                stale state or a different plan file
 *
 * `--state FILE` is the output of `terraform state pull` (empty when the state does not exist yet).
 * Only its serial and lineage are recorded: the state itself holds secrets and is never uploaded.
 * Exit codes: 0 ok, 1 refused (the message says why and names the file), 2 usage.
 */

export class GuardError extends Error {}

type Json = Record<string, unknown>;

function readJsonFile(file: string): Json {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    throw new GuardError(`${file}: cannot read: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text) as Json;
  } catch (e) {
    throw new GuardError(`${file}: not JSON: ${(e as Error).message}`);
  }
}

/** Backend types whose state lives on the runner: CI applying one would lose the state. */
const LOCAL_BACKENDS = new Set(["local"]);

/** The backend type of a synthesized stack ("local" when none is declared: Terraform's default). */
export function backendType(stack: Json): string {
  const tf = (stack.terraform ?? {}) as Json;
  if (tf.cloud) return "cloud";
  const backend = tf.backend as Json | undefined;
  const types = backend ? Object.keys(backend) : [];
  return types[0] ?? "local";
}

export function requireRemoteBackend(stackDir: string): string {
  const file = path.join(stackDir, "cdk.tf.json");
  const type = backendType(readJsonFile(file));
  if (LOCAL_BACKENDS.has(type)) {
    throw new GuardError(
      `${file}: the stack's state backend is "${type}": CI refuses to plan-for-apply or apply it (the state would live on a throw-away runner). ` +
        "Give the environment a remote, locked, encrypted stateBackend (s3 with use_lockfile, azurerm, gcs, remote) or keep it out of CI apply (docs/ci.md).",
    );
  }
  return type;
}

/** All stacks of cdktf.out/manifest.json, and the ones with a remote backend (CI applies and drift-checks only those). */
export function listStacks(outdir: string): { stacks: string[]; applyStacks: string[] } {
  const manifestFile = path.join(outdir, "manifest.json");
  const manifest = readJsonFile(manifestFile) as { stacks?: Record<string, unknown> };
  if (!manifest.stacks || typeof manifest.stacks !== "object") throw new GuardError(`${manifestFile}: no "stacks" object`);
  const stacks = Object.keys(manifest.stacks).sort();
  const applyStacks = stacks.filter((s) => !LOCAL_BACKENDS.has(backendType(readJsonFile(path.join(outdir, "stacks", s, "cdk.tf.json")))));
  return { stacks, applyStacks };
}

/** An Azure DevOps macro whose variable is undefined stays literal text: `$(TF_VAR_X)`. */
const UNEXPANDED_ADO_MACRO = /^\$\([A-Za-z0-9_.\-]+\)$/;

/** Names of the variables that are unset, empty or an unexpanded macro (values are never printed). */
export function missingEnv(names: readonly string[], env: NodeJS.ProcessEnv): string[] {
  return names.filter((n) => {
    const v = env[n];
    return v === undefined || v.trim() === "" || UNEXPANDED_ADO_MACRO.test(v.trim());
  });
}

export interface StateIdentity {
  readonly serial: number | null;
  readonly lineage: string | null;
}

/** serial + lineage of `terraform state pull` output; an empty file is "no state yet". */
export function stateIdentity(file: string): StateIdentity {
  const text = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
  if (text.trim() === "") return { serial: null, lineage: null };
  let doc: Json;
  try {
    doc = JSON.parse(text) as Json;
  } catch (e) {
    throw new GuardError(`${file}: not the JSON of terraform state pull: ${(e as Error).message}`);
  }
  if (typeof doc.serial !== "number" || typeof doc.lineage !== "string") throw new GuardError(`${file}: expected terraform state pull output with serial and lineage`);
  return { serial: doc.serial, lineage: doc.lineage };
}

export interface PlanBinding {
  readonly stack: string;
  readonly commit: string;
  readonly state: StateIdentity;
  readonly tfplan_sha256: string;
  readonly gate?: string;
  readonly created_at: string;
}

const sha256Of = (file: string) => createHash("sha256").update(fs.readFileSync(file)).digest("hex");

export function bind(stackDir: string, commit: string, stateFile: string, gateFile?: string): PlanBinding {
  const tfplan = path.join(stackDir, "tfplan");
  if (!fs.existsSync(tfplan)) throw new GuardError(`${tfplan}: no saved plan to bind`);
  if (!/^[0-9a-f]{40}$/.test(commit)) throw new GuardError(`--commit: expected a 40-hex commit SHA, got ${JSON.stringify(commit)}`);
  const binding: PlanBinding = {
    stack: path.basename(path.resolve(stackDir)),
    commit,
    state: stateIdentity(stateFile),
    tfplan_sha256: sha256Of(tfplan),
    gate: gateFile && fs.existsSync(gateFile) ? fs.readFileSync(gateFile, "utf8").trim() : undefined,
    created_at: new Date().toISOString(),
  };
  fs.writeFileSync(path.join(stackDir, "plan-binding.json"), JSON.stringify(binding, null, 2) + "\n");
  return binding;
}

/** Refuses (GuardError) unless the saved plan was made for this commit, from this state, and is the file bound then. */
export function verify(stackDir: string, commit: string, stateFile: string): PlanBinding {
  const file = path.join(stackDir, "plan-binding.json");
  const b = readJsonFile(file) as unknown as PlanBinding;
  const stack = path.basename(path.resolve(stackDir));
  const problems: string[] = [];
  if (b.stack !== stack) problems.push(`the plan was made for stack ${JSON.stringify(b.stack)}, not ${stack}`);
  if (b.commit !== commit) problems.push(`the plan was made for commit ${b.commit}, this run applies ${commit}`);
  const now = stateIdentity(stateFile);
  if (now.lineage !== b.state?.lineage || now.serial !== b.state?.serial) {
    problems.push(`the state changed since the plan (serial ${b.state?.serial} lineage ${b.state?.lineage} at plan time, now serial ${now.serial} lineage ${now.lineage}): re-run the pipeline to plan again`);
  }
  const tfplan = path.join(stackDir, "tfplan");
  if (!fs.existsSync(tfplan)) problems.push(`${tfplan} is missing`);
  else if (sha256Of(tfplan) !== b.tfplan_sha256) problems.push(`${tfplan} is not the plan that was reviewed (sha256 differs from the binding)`);
  if (problems.length) throw new GuardError(`${file}: refusing to apply: ${problems.join("; ")}`);
  return b;
}

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

export function runGuard(argv: readonly string[], env: NodeJS.ProcessEnv = process.env, out: (s: string) => void = console.log, err: (s: string) => void = console.error): number {
  const [cmd, ...args] = argv;
  try {
    switch (cmd) {
      case "stacks": {
        if (!args[0]) break;
        const { stacks, applyStacks } = listStacks(args[0]);
        const gh = option(args, "--github-output");
        if (gh) fs.appendFileSync(gh, `stacks=${JSON.stringify(stacks)}\napply_stacks=${JSON.stringify(applyStacks)}\n`);
        if (args.includes("--ado")) {
          const matrix = (list: string[]) => JSON.stringify(Object.fromEntries(list.map((n) => [n, { stack: n }])));
          out(`##vso[task.setvariable variable=matrix;isOutput=true]${matrix(stacks)}`);
          out(`##vso[task.setvariable variable=applyStacks;isOutput=true]${applyStacks.join(",")}`);
        }
        out(`stacks: ${stacks.join(", ")}; applied by CI (remote backend): ${applyStacks.join(", ") || "none"}`);
        return 0;
      }
      case "require-remote-backend": {
        if (!args[0]) break;
        out(`${args[0]}: state backend ${requireRemoteBackend(args[0])} (remote)`);
        return 0;
      }
      case "require-env": {
        if (args.length === 0) break;
        const missing = missingEnv(args, env);
        if (missing.length) {
          err(`ci-guard: not set (or an undefined pipeline variable passed as literal text): ${missing.join(", ")}. Define each in this environment's secret store (docs/ci.md, "Credentials").`);
          return 1;
        }
        out(`ci-guard: ${args.length} required variable(s) set`);
        return 0;
      }
      case "bind":
      case "verify": {
        const commit = option(args, "--commit");
        const state = option(args, "--state");
        if (!args[0] || args[0].startsWith("--") || !commit || !state) break;
        if (cmd === "bind") {
          const b = bind(args[0], commit, state, option(args, "--gate"));
          out(`plan bound: stack ${b.stack}, commit ${b.commit}, state serial ${b.state.serial} lineage ${b.state.lineage}, tfplan sha256 ${b.tfplan_sha256}`);
        } else {
          const b = verify(args[0], commit, state);
          out(`saved plan verified: stack ${b.stack}, commit ${b.commit}, state serial ${b.state.serial}, tfplan sha256 ${b.tfplan_sha256}`);
        }
        return 0;
      }
    }
  } catch (e) {
    if (e instanceof GuardError) {
      err(`ci-guard: ${e.message}`);
      return 1;
    }
    throw e;
  }
  err("usage: ci-guard stacks <cdktf.out> [--github-output FILE|--ado] | require-remote-backend <stack dir> | require-env NAME... | bind|verify <stack dir> --commit SHA --state FILE [--gate FILE]");
  return 2;
}

if (require.main === module) process.exitCode = runGuard(process.argv.slice(2));
