import * as fs from "fs";
import { parse } from "yaml";
import { MIN_REASON_LENGTH } from "../vocabulary/reasons";
import { STATEFUL_RESOURCE_TYPES } from "../vocabulary/stateful-types";

/**
 * Plan gate (rule DBX-DL-003): reads `terraform show -json <planfile>` and refuses deletes and
 * replacements of stateful resources unless an allow-list names the stack and address with a
 * reason. `prevent_destroy` cannot cover a resource whose block was removed, and is absent from
 * plan JSON, so this gate is the last check before apply.
 *
 *   npm run plan-gate -- plan.json --stack <name> [--allow allow.yaml]
 *
 * Allow-list (YAML or JSON): `allow: [{ stack: prod, address: databricks_pipeline.X, reason: "..." }]`.
 * Keyed by stack AND address: the stacks share most addresses (same constructs, same logical ids),
 * so an address-only entry that allows a delete in dev would allow it in prod too.
 *
 * Fails closed: anything that is not a Terraform plan in JSON (empty file, malformed JSON, a state
 * document from `terraform show -json` without a plan, a raw .tfstate) is an error naming the file.
 * Exit codes: 0 pass, 1 blocked changes or invalid input, 2 usage.
 */

export interface AllowEntry {
  readonly stack: string;
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
  /**
   * Existing objects the plan imports (Terraform's JSON format: a change with an `importing`
   * object "is an import operation in addition to anything mentioned in the actions field"), so
   * the reviewer sees an adoption apart from the update that may come with it.
   */
  readonly imported: readonly { readonly address: string; readonly id: string; readonly actions: readonly string[] }[];
}

/**
 * Why `doc` is not the JSON of a saved plan, or undefined when it is one.
 * Terraform's JSON output format (https://developer.hashicorp.com/terraform/internals/json-format):
 * a plan always has `format_version` and `planned_values`; `resource_changes` is omitted when no
 * resource changes (checked with Terraform 1.11.4). `terraform show -json` of a state has `values`
 * and no `planned_values`; a raw state file has `version`, `serial` and `lineage`.
 */
export function notAPlan(doc: unknown): string | undefined {
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) return `expected a JSON object (terraform show -json <planfile>), got ${doc === null ? "null" : Array.isArray(doc) ? "an array" : typeof doc}`;
  const d = doc as Record<string, unknown>;
  if ("lineage" in d && "serial" in d) return "this is a Terraform state file (serial/lineage), not a plan: run terraform show -json <planfile>";
  const version = d.format_version;
  // Terraform's JSON output contract: reject any input which reports an unsupported major version.
  if (typeof version !== "string" || version.split(".")[0] !== "1") return `unsupported plan format_version ${JSON.stringify(version)}: expected 1.x (terraform show -json <planfile>)`;
  if ("values" in d && !("planned_values" in d)) return "this is the JSON of a state (values, no planned_values), not of a plan: run terraform show -json <planfile>";
  if (typeof d.planned_values !== "object" || d.planned_values === null) return "planned_values is missing: not the JSON of a saved plan (terraform show -json <planfile>)";
  if ("resource_changes" in d && !Array.isArray(d.resource_changes)) return "resource_changes is not a list";
  return undefined;
}

export function evaluatePlan(plan: unknown, allowList: readonly AllowEntry[] = [], stack?: string): GateResult {
  const errors: string[] = [];
  const summary = { create: 0, update: 0, delete: 0, replace: 0, noop: 0 };
  const blocked: GatedChange[] = [];
  const allowed: GatedChange[] = [];
  const imported: { address: string; id: string; actions: string[] }[] = [];
  const invalid = notAPlan(plan);
  if (invalid) return { errors: [invalid], blocked, allowed, summary, imported };
  for (const entry of allowList) {
    if (typeof entry.reason !== "string" || entry.reason.trim().length < MIN_REASON_LENGTH) {
      errors.push(`allow-list entry ${entry.stack}/${entry.address}: the reason must have ${MIN_REASON_LENGTH} characters or more`);
    }
  }
  if (allowList.length > 0 && !stack) errors.push("an allow-list needs --stack <name>: entries are keyed by stack and address");
  const reasons = new Map(
    allowList
      .filter((e) => e.stack === stack && typeof e.reason === "string" && e.reason.trim().length >= MIN_REASON_LENGTH)
      .map((e) => [e.address, e.reason]),
  );
  const changes = (plan as { resource_changes?: unknown[] }).resource_changes ?? [];

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
    const importing = (rc.change as { importing?: unknown }).importing;
    if (importing !== null && typeof importing === "object") {
      const id = (importing as { id?: unknown }).id;
      imported.push({ address: String(rc.address), id: typeof id === "string" ? id : "(by identity)", actions: actions.map(String) });
    }
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
  return { errors, blocked, allowed, summary, imported };
}

export function readAllowList(file: string): AllowEntry[] {
  const doc = parse(fs.readFileSync(file, "utf8")) as { allow?: unknown } | null;
  const entries = doc?.allow ?? [];
  if (!Array.isArray(entries)) throw new Error(`${file}: expected "allow:" to be a list of { stack, address, reason }`);
  return entries.map((e, i) => {
    if (typeof e?.stack !== "string" || e.stack === "") throw new Error(`${file}: allow[${i}].stack: expected the stack name (dev, aut, prod, ...), got ${JSON.stringify(e?.stack)}`);
    if (typeof e?.address !== "string") throw new Error(`${file}: allow[${i}].address: expected a Terraform address, got ${JSON.stringify(e?.address)}`);
    return { stack: e.stack, address: e.address, reason: typeof e.reason === "string" ? e.reason : "" };
  });
}

/** Reads and parses the plan file; every failure names the file. */
export function readPlanFile(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    throw new Error(`${file}: cannot read: ${(e as Error).message}`);
  }
  if (text.trim() === "") throw new Error(`${file}: empty file, expected the output of terraform show -json <planfile>`);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file}: not JSON (${(e as Error).message}); expected the output of terraform show -json <planfile>`);
  }
  const invalid = notAPlan(doc);
  if (invalid) throw new Error(`${file}: ${invalid}`);
  return doc;
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
  const usage = () => {
    err("usage: plan-gate <plan.json> [--stack <name>] [--allow <allow.yaml>]   (--allow needs --stack)");
    return 2;
  };
  const [planFile, ...rest] = argv;
  if (!planFile || planFile.startsWith("--")) return usage();
  let allowFile: string | undefined;
  let stack: string | undefined;
  for (let i = 0; i < rest.length; i += 2) {
    const value = rest[i + 1];
    if (!value || value.startsWith("--")) return usage();
    if (rest[i] === "--allow" && allowFile === undefined) allowFile = value;
    else if (rest[i] === "--stack" && stack === undefined) stack = value;
    else return usage();
  }
  if (allowFile && !stack) return usage();
  let result: GateResult;
  try {
    const plan = readPlanFile(planFile);
    result = evaluatePlan(plan, allowFile ? readAllowList(allowFile) : [], stack);
  } catch (e) {
    err(`plan gate: ${(e as Error).message}`);
    return 1;
  }
  for (const e of result.errors) err(`plan gate: ${planFile}: ${e}`);
  for (const c of result.allowed) out(`allowed: ${describeChange(c)}: ${c.allowedBecause}`);
  for (const c of result.blocked) err(`BLOCKED: ${describeChange(c)}`);
  const s = result.summary;
  out(`plan: ${s.create} to create, ${s.update} to update, ${s.replace} to replace, ${s.delete} to delete, ${s.noop} unchanged`);
  for (const i of result.imported) out(`imports: ${i.address} from "${i.id}"${i.actions.includes("update") ? ", then updated to match the configuration" : ""}`);
  if (result.blocked.length > 0) {
    err(`plan gate: ${result.blocked.length} delete/replace of protected resources${stack ? ` in stack ${stack}` : ""}; if intended, list each { stack, address, reason } in an allow-list (--allow)`);
  }
  return result.errors.length > 0 || result.blocked.length > 0 ? 1 : 0;
}

if (require.main === module) process.exitCode = runPlanGate(process.argv.slice(2));
