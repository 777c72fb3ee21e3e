import * as fs from "fs";

/**
 * Pure helpers of the offline Terraform validator (scripts/validate-terraform.ts): reading and
 * rewriting cdk.tf.json copies, and classifying what `terraform validate -json` / `plan -json`
 * report. No process is spawned here, so each function is unit-tested in
 * test/validate-terraform.test.ts.
 */

export type Json = Record<string, unknown>;

export interface Diagnostic {
  readonly severity?: string;
  readonly summary?: string;
  readonly detail?: string;
  readonly address?: string;
  readonly range?: { filename?: string; start?: { line?: number } };
  readonly snippet?: { context?: string | null; code?: string };
}

export const readJson = (file: string): Json => JSON.parse(fs.readFileSync(file, "utf8")) as Json;
export const writeJson = (file: string, value: unknown): void => fs.writeFileSync(file, JSON.stringify(value, null, 2) + "\n");

/** `terraform.required_providers.databricks.version` of a synthesized stack, or "" when unpinned. */
export function requiredProviderVersion(stack: Json): string {
  const rp = ((stack.terraform as Json | undefined)?.required_providers ?? {}) as Json;
  const d = rp.databricks as Json | undefined;
  return d && typeof d === "object" && d.version ? String(d.version) : "";
}

/** Mismatch mode only: re-pin the Databricks provider in a temporary copy. */
export function setProviderVersion(stack: Json, version: string): void {
  const d = ((stack.terraform as Json | undefined)?.required_providers as Json | undefined)?.databricks as Json | undefined;
  if (d && typeof d === "object") d.version = version;
}

export interface NewerArgument {
  readonly resourceType: string;
  readonly argument: string;
  /** The provider version known not to have it. */
  readonly absentIn: string;
}

/**
 * Mismatch mode against an older provider only: removes the listed arguments (scripts/
 * provider-arguments-since.json) that `version` does not know from every resource of their type.
 * Returns "type.argument (n resources)" lines for the log; anything not listed is left for
 * `terraform validate` to judge.
 */
export function stripNewerArguments(stack: Json, version: string, known: readonly NewerArgument[]): string[] {
  const resources = (stack.resource ?? {}) as Record<string, Record<string, Json>>;
  const removed: string[] = [];
  for (const a of known) {
    if (!versionAtLeast(a.absentIn, version)) continue; // the validating provider is newer than the gap
    let n = 0;
    for (const body of Object.values(resources[a.resourceType] ?? {})) {
      if (a.argument in body) {
        delete body[a.argument];
        n++;
      }
    }
    if (n > 0) removed.push(`${a.resourceType}.${a.argument} (${n} resource${n === 1 ? "" : "s"}; absent in ${a.absentIn})`);
  }
  return removed;
}

// Auth-related provider arguments are removed for plan, so the plan can only ever talk to
// https://dummy.invalid with the obviously fake token "dummy".
const KEEP_PROVIDER_KEYS = new Set(["alias", "account_id"]);
export const DUMMY_HOST = "https://dummy.invalid";

/**
 * The plan copy of a stack: no backend (state stays in the temporary directory), every databricks
 * provider block pointed at the dummy workspace, and simple-typed input variables without a
 * default given an obviously fake one so a non-interactive plan does not stop on them.
 * Returns the variables it could not default (complex types).
 */
export function prepareForPlan(stack: Json): string[] {
  const tf = stack.terraform as Json | undefined;
  if (tf) {
    delete tf.backend;
    delete tf.cloud;
  }
  const providers = stack.provider as Json | undefined;
  const p = providers?.databricks;
  if (providers && p) {
    const blocks = (Array.isArray(p) ? p : [p]) as Json[];
    const fixed = blocks.map((b) => {
      const out: Json = {};
      for (const k of Object.keys(b ?? {})) if (KEEP_PROVIDER_KEYS.has(k)) out[k] = b[k];
      out.host = DUMMY_HOST;
      out.token = "dummy";
      return out;
    });
    providers.databricks = Array.isArray(p) ? fixed : fixed[0];
  }
  const dummyFor: Record<string, unknown> = { string: "dummy", number: 0, bool: false };
  const undefaulted: string[] = [];
  for (const [name, v] of Object.entries((stack.variable ?? {}) as Record<string, Json>)) {
    if (v && typeof v === "object" && !("default" in v)) {
      const t = String(v.type ?? "string").replace(/^\$\{|\}$/g, "");
      if (t in dummyFor) v.default = dummyFor[t];
      else undefaulted.push(`${name} (type ${t})`);
    }
  }
  return undefaulted;
}

export const DELETE = "__DELETE__";

/** Sets (or, with DELETE, removes) the value at a dotted path; numeric parts index arrays. */
export function setPath(obj: Json, dotted: string, value: unknown): void {
  const parts = dotted.split(".").map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  let cur = obj as Record<string | number, unknown>;
  for (const part of parts.slice(0, -1)) {
    const next = cur[part];
    if (next === undefined || next === null) throw new Error(`mutate: path ${dotted} not found at ${String(part)}`);
    cur = next as Record<string | number, unknown>;
  }
  const last = parts[parts.length - 1];
  if (value === DELETE) delete cur[last];
  else cur[last] = value;
}

export function formatDiagnostic(d: Diagnostic, indent = "    "): string {
  const where: string[] = [];
  if (d.address) where.push(d.address);
  else if (d.snippet?.context) where.push(d.snippet.context);
  if (d.range?.filename) where.push(`${d.range.filename}:${d.range.start?.line ?? "?"}`);
  const lines = [`${indent}${(d.severity ?? "error").toUpperCase()}: ${d.summary ?? ""}`];
  if (d.detail) lines.push(`${indent}  detail:  ${d.detail.replace(/\n/g, `\n${indent}           `)}`);
  if (where.length) lines.push(`${indent}  address: ${where.join("  @ ")}`);
  if (d.snippet?.code) lines.push(`${indent}  code:    ${d.snippet.code.trim()}`);
  return lines.join("\n");
}

export interface ValidateOutcome {
  readonly valid: boolean;
  readonly lines: string[];
}

/** Renders `terraform validate -json` output: OK with warnings, or every diagnostic. */
export function reportValidate(validateJson: { valid?: boolean; diagnostics?: Diagnostic[] }): ValidateOutcome {
  const diags = validateJson.diagnostics ?? [];
  const errs = diags.filter((d) => d.severity === "error");
  const warns = diags.filter((d) => d.severity !== "error");
  if (validateJson.valid) return { valid: true, lines: [`  validate: OK (${warns.length} warning(s))`, ...warns.map((d) => formatDiagnostic(d))] };
  return {
    valid: false,
    lines: [`  validate: FAILED (${errs.length} error(s), ${warns.length} warning(s))`, ...[...errs, ...warns].map((d) => formatDiagnostic(d))],
  };
}

/** True when validation failed with an error diagnostic whose summary+detail matches `pattern`. */
export function expectDiagnostic(validateJson: { valid?: boolean; diagnostics?: Diagnostic[] }, pattern: string): { ok: boolean; lines: string[] } {
  const rx = new RegExp(pattern, "i");
  const diags = validateJson.diagnostics ?? [];
  const hit = diags.find((d) => d.severity === "error" && rx.test(`${d.summary} ${d.detail ?? ""}`));
  if (!validateJson.valid && hit) return { ok: true, lines: [`    got the expected error: ${hit.summary}${hit.detail ? ` / ${hit.detail}` : ""}`] };
  return {
    ok: false,
    lines: [validateJson.valid ? "    validation unexpectedly PASSED" : `    validation failed, but no error matched /${pattern}/:`, ...diags.map((d) => formatDiagnostic(d, "      "))],
  };
}

// Heuristic: a plan error "needs the API" when it comes from the provider trying to reach the
// (dummy) workspace, not from the configuration itself.
const API_ERROR_RE =
  /dummy\.invalid|no such host|dial tcp|connection refused|i\/o timeout|Client\.Timeout|context deadline exceeded|default auth|cannot configure default credentials|invalid access token|authenticat/i;

export type PlanClass = { kind: "ok"; detail: string } | { kind: "api"; detail: string } | { kind: "error"; detail: string };

export const renderPlanClass = (c: PlanClass): string => (c.kind === "ok" ? `ok${c.detail ? ` ${c.detail}` : ""}` : `${c.kind} ${c.detail}`);

/**
 * Classifies the machine-readable `terraform plan -json` stream (one JSON message per line):
 * ok (with the change summary), api (every error is a connection/auth error against the dummy
 * workspace: skipped, not failed) or error (a configuration problem).
 */
export function classifyPlanStream(jsonl: string): { result: PlanClass; lines: string[] } {
  const errs: Diagnostic[] = [];
  let summary: { add: number; change: number; remove: number } | undefined;
  for (const line of jsonl.split("\n")) {
    if (!line.trim().startsWith("{")) continue;
    let m: { type?: string; diagnostic?: Diagnostic; changes?: { add: number; change: number; remove: number } };
    try {
      m = JSON.parse(line);
    } catch {
      continue;
    }
    if (m.type === "diagnostic" && m.diagnostic?.severity === "error") errs.push(m.diagnostic);
    if (m.type === "change_summary") summary = m.changes;
  }
  if (errs.length === 0) {
    return { result: { kind: "ok", detail: summary ? `${summary.add} to add, ${summary.change} to change, ${summary.remove} to destroy` : "" }, lines: [] };
  }
  const where = (d: Diagnostic) => d.address ?? d.snippet?.context ?? "provider configuration";
  const oneLine = (s: unknown) => String(s ?? "").replace(/\s+/g, " ").trim();
  const apiErrs = errs.filter((d) => API_ERROR_RE.test(`${d.summary} ${d.detail ?? ""}`));
  const first = apiErrs[0] ?? errs[0];
  if (apiErrs.length === errs.length) {
    const addrs = [...new Set(apiErrs.map(where))];
    return {
      result: { kind: "api", detail: `${addrs.join(", ")} needs the workspace API (${oneLine(first.summary)})` },
      lines: apiErrs.map((d) => formatDiagnostic(d, "      ")),
    };
  }
  return { result: { kind: "error", detail: `${where(first)}: ${oneLine(first.summary)}` }, lines: errs.map((d) => formatDiagnostic(d, "      ")) };
}

/** With an empty state every resource change must be create / no-op / read. */
export function assertCreateOnly(show: { resource_changes?: { address?: string; change?: { actions?: string[] } }[] }): { ok: boolean; lines: string[] } {
  const bad: string[] = [];
  const counts: Record<string, number> = {};
  for (const rc of show.resource_changes ?? []) {
    const a = rc.change?.actions ?? [];
    const key = a.join(",");
    counts[key] = (counts[key] ?? 0) + 1;
    if (!(a.length === 1 && ["create", "no-op", "read"].includes(a[0]))) bad.push(`${rc.address}: ${JSON.stringify(a)}`);
  }
  const c =
    Object.entries(counts)
      .map(([k, v]) => `${v} ${k}`)
      .join(", ") || "no resource changes";
  if (bad.length) return { ok: false, lines: [`  plan: FAILED - non-create actions on an empty state (${c}):`, ...bad.map((b) => `    ${b}`)] };
  return { ok: true, lines: [`  plan: OK - create-only (${c})`] };
}

/** The first scheduled databricks_job of a synthesized stack, as a dotted path to its pause_status. */
export function scheduledJobPausePath(stack: Json): string | undefined {
  const jobs = ((stack.resource as Json | undefined)?.databricks_job ?? {}) as Record<string, Json>;
  const k = Object.keys(jobs).find((n) => jobs[n].schedule);
  return k ? `resource.databricks_job.${k}.schedule.pause_status` : undefined;
}

/** Numeric comparison of dotted versions ("1.11.4" >= "1.5.0"). */
export function versionAtLeast(version: string, minimum: string): boolean {
  const a = version.split(".").map((n) => parseInt(n, 10) || 0);
  const b = minimum.split(".").map((n) => parseInt(n, 10) || 0);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  }
  return true;
}

/** `Terraform v1.11.4\non linux_amd64` / `OpenTofu v1.10.10` -> "1.11.4". */
export function parseCliVersion(firstLine: string): string {
  const m = /^[A-Za-z]+ v(\S+)/.exec(firstLine.trim());
  return m ? m[1] : "";
}

/** The one Terraform pin of the project (`.terraform-version`, read by the CI templates too). */
export function readTerraformPin(file: string): string {
  const text = fs.readFileSync(file, "utf8").trim();
  if (!/^\d+\.\d+\.\d+$/.test(text)) throw new Error(`${file}: expected one exact Terraform version like 1.11.4, got ${JSON.stringify(text)}`);
  return text;
}
