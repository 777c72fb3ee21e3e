import * as fs from "fs";
import { parse } from "yaml";
import { MIN_REASON_LENGTH } from "../vocabulary/reasons";
import { STATEFUL_RESOURCE_TYPES } from "../vocabulary/stateful-types";

/**
 * Plan gate (rule DBX-DL-003): reads `terraform show -json <planfile>` and refuses deletes and
 * replacements of stateful resources unless an allow-list names the address with a reason.
 * `prevent_destroy` cannot cover a resource whose block was removed, and is absent from plan JSON,
 * so this gate is the last check before apply.
 *
 *   npm run plan-gate -- plan.json [--allow allow.yaml]
 *
 * Allow-list (YAML or JSON): `allow: [{ address: databricks_pipeline.X, reason: "..." }]`.
 * Exit codes: 0 pass, 1 blocked changes or invalid input, 2 usage.
 */



export interface AllowEntry {
  readonly address: string;
  readonly reason: string;
}

export interface GatedChange {
  readonly address: string;
  readonly type: string;
  readonly actions: readonly string[];
  readonly actionReason?: string;
  readonly replacePaths?: unknown;
  /** The allow-list reason when the change is allowed. */
  readonly allowedBecause?: string;
}

export interface GateResult {
  /** Problems with the input itself: bad format_version, malformed plan or allow-list. */
  readonly errors: readonly string[];
  readonly blocked: readonly GatedChange[];
  readonly allowed: readonly GatedChange[];
  readonly summary: { readonly create: number; readonly update: number; readonly delete: number; readonly replace: number; readonly noop: number };
}

export function evaluatePlan(plan: unknown, allowList: readonly AllowEntry[] = []): GateResult {
  const errors: string[] = [];
  const summary = { create: 0, update: 0, delete: 0, replace: 0, noop: 0 };
  const blocked: GatedChange[] = [];
  const allowed: GatedChange[] = [];
  const version = (plan as { format_version?: unknown } | null)?.format_version;
  // Terraform's JSON output contract: reject any input which reports an unsupported major version.
  if (typeof version !== "string" || version.split(".")[0] !== "1") {
    errors.push(`unsupported plan format_version ${JSON.stringify(version)}: expected 1.x (terraform show -json <planfile>)`);
    return { errors, blocked, allowed, summary };
  }
  for (const entry of allowList) {
    if (typeof entry.reason !== "string" || entry.reason.trim().length < MIN_REASON_LENGTH) {
      errors.push(`allow-list entry ${entry.address}: the reason must have ${MIN_REASON_LENGTH} characters or more`);
    }
  }
  const reasons = new Map(allowList.filter((e) => typeof e.reason === "string" && e.reason.trim().length >= MIN_REASON_LENGTH).map((e) => [e.address, e.reason]));
  const changes = (plan as { resource_changes?: unknown }).resource_changes ?? [];
  if (!Array.isArray(changes)) return { errors: [...errors, "resource_changes is not a list"], blocked, allowed, summary };

  for (const rc of changes as Record<string, unknown>[]) {
    if (rc.mode === "data") continue;
    const actions = (rc.change as { actions?: unknown } | undefined)?.actions;
    if (!Array.isArray(actions)) {
      errors.push(`${String(rc.address)}: change.actions is missing`);
      continue;
    }
    const deletes = actions.includes("delete");
    if (deletes && actions.includes("create")) summary.replace++;
    else if (deletes) summary.delete++;
    else if (actions.includes("create")) summary.create++;
    else if (actions.includes("update")) summary.update++;
    else summary.noop++;
    if (!deletes || !STATEFUL_RESOURCE_TYPES.includes(String(rc.type))) continue;
    const change: GatedChange = {
      address: String(rc.address),
      type: String(rc.type),
      actions: actions.map(String),
      actionReason: typeof rc.action_reason === "string" ? rc.action_reason : undefined,
      replacePaths: (rc.change as { replace_paths?: unknown }).replace_paths,
    };
    const reason = reasons.get(change.address);
    if (reason) allowed.push({ ...change, allowedBecause: reason });
    else blocked.push(change);
  }
  return { errors, blocked, allowed, summary };
}

export function readAllowList(file: string): AllowEntry[] {
  const doc = parse(fs.readFileSync(file, "utf8")) as { allow?: unknown } | null;
  const entries = doc?.allow ?? [];
  if (!Array.isArray(entries)) throw new Error(`${file}: expected "allow:" to be a list of { address, reason }`);
  return entries.map((e, i) => {
    if (typeof e?.address !== "string") throw new Error(`${file}: allow[${i}] has no address`);
    return { address: e.address, reason: typeof e.reason === "string" ? e.reason : "" };
  });
}

function describeChange(change: GatedChange): string {
  const kind = change.actions.includes("create") ? "replace" : "delete";
  const details = [
    `actions ${JSON.stringify(change.actions)}`,
    change.actionReason ? `action_reason ${change.actionReason}` : undefined,
    change.replacePaths ? `replace_paths ${JSON.stringify(change.replacePaths)}` : undefined,
  ].filter(Boolean);
  return `${kind} ${change.address} (${details.join(", ")})`;
}

/** Runs the CLI and returns the exit code; output goes to the given writers for testing. */
export function runPlanGate(argv: readonly string[], out: (line: string) => void = console.log, err: (line: string) => void = console.error): number {
  const [planFile, ...rest] = argv;
  const allowFile = rest[0] === "--allow" ? rest[1] : undefined;
  if (!planFile || planFile.startsWith("--") || (rest.length > 0 && (rest[0] !== "--allow" || !allowFile || rest.length > 2))) {
    err("usage: plan-gate <plan.json> [--allow <allow.yaml>]");
    return 2;
  }
  let result: GateResult;
  try {
    const plan: unknown = JSON.parse(fs.readFileSync(planFile, "utf8"));
    result = evaluatePlan(plan, allowFile ? readAllowList(allowFile) : []);
  } catch (e) {
    err(`plan gate: cannot read input: ${(e as Error).message}`);
    return 1;
  }
  for (const e of result.errors) err(`plan gate: ${e}`);
  for (const c of result.allowed) out(`allowed: ${describeChange(c)}: ${c.allowedBecause}`);
  for (const c of result.blocked) err(`BLOCKED: ${describeChange(c)}`);
  const s = result.summary;
  out(`plan: ${s.create} to create, ${s.update} to update, ${s.replace} to replace, ${s.delete} to delete, ${s.noop} unchanged`);
  if (result.blocked.length > 0) {
    err(`plan gate: ${result.blocked.length} delete/replace of protected resources; if intended, list each address with a reason in an allow-list (--allow)`);
  }
  return result.errors.length > 0 || result.blocked.length > 0 ? 1 : 0;
}

if (require.main === module) process.exitCode = runPlanGate(process.argv.slice(2));
