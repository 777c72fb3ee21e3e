import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { SYSTEM_SCHEMA_READ_PRIVILEGES } from "../vocabulary/privileges";

/**
 * `npm run preflight -- <env> [--for plan|apply] [--offline] [--cdktf-out DIR] [--environments DIR]`
 *
 * Before plan/apply (both CI templates run it; docs/deploy.md): is a credential source configured
 * for the stack's workspace host, does the host answer, and - with network and a credential this
 * script can sign in with (a token, or OAuth M2M client id + secret) - can the identity read every
 * system.* schema the platform reads (sql/registry/system_tables.json), and does it have what it
 * needs on the platform catalog and on an existing SQL warehouse.
 *
 * Every request has a timeout (DBX_PREFLIGHT_TIMEOUT_SECONDS, default 5) enforced with an
 * AbortController, so it fails in seconds instead of hanging in OAuth discovery retries the way
 * `cdktf deploy` does without credentials. Offline (`--offline`, or the host does not answer) it
 * lists what it could not check. `--for plan` (the read-only plan and drift legs) asks only for read
 * access on the catalog; `--for apply` (default) also for what creating the platform needs.
 * Exit codes: 0 every check ok or skipped, 1 a check failed, 2 usage.
 *
 * REST APIs used (Databricks docs):
 *  - OIDC discovery GET {host}/oidc/.well-known/oauth-authorization-server (any answer = host up)
 *  - OAuth M2M token POST {host}/oidc/v1/token (https://docs.databricks.com/aws/en/dev-tools/auth/oauth-m2m)
 *  - GET /api/2.0/preview/scim/v2/Me (the identity and its groups)
 *  - Unity Catalog effective permissions GET /api/2.1/unity-catalog/effective-permissions/{securable_type}/{full_name}
 *    "Includes inherited permissions from any parent securables"
 *    (https://docs.databricks.com/api/uc-grants/v1/get-effective-permissions)
 *  - GET /api/2.1/unity-catalog/catalogs/{name}, GET /api/2.1/unity-catalog/current-metastore-assignment
 *  - GET /api/2.0/sql/warehouses/{id}
 */

export type Status = "ok" | "fail" | "skipped";
export interface Check {
  readonly name: string;
  readonly status: Status;
  readonly detail: string;
}

export interface Target {
  readonly env: string;
  readonly host: string;
  /** Where the host came from: the synthesized stack or the environment file. */
  readonly source: string;
  readonly catalog?: string;
  readonly systemSchemas: readonly string[];
  /** Existing warehouses the stack uses by id (a warehouse the stack creates is not checked). */
  readonly warehouseIds: readonly string[];
  readonly createsWarehouse: boolean;
}

export class PreflightUsageError extends Error {}

type Json = Record<string, unknown>;

/** The distinct `system.<schema>` names of the registry's sources. */
export function systemSchemas(registryFile: string): string[] {
  const reg = JSON.parse(fs.readFileSync(registryFile, "utf8")) as { tables?: { source?: string }[] };
  const schemas = new Set<string>();
  for (const t of reg.tables ?? []) {
    const m = /^system\.([a-z_]+)\./.exec(t.source ?? "");
    if (m) schemas.add(`system.${m[1]}`);
  }
  return [...schemas].sort();
}

const firstBlock = (v: unknown): Json | undefined => (Array.isArray(v) ? (v[0] as Json) : (v as Json | undefined));

/** Reads the host, catalog and warehouses from cdktf.out/stacks/<env>/cdk.tf.json, else environments/<env>.yaml. */
export function readTarget(env: string, opts: { root: string; cdktfOut?: string; environments?: string; environ: NodeJS.ProcessEnv }): Target {
  if (!/^[a-z0-9][a-z0-9_-]*$/.test(env)) throw new PreflightUsageError(`environment name ${JSON.stringify(env)}: expected lower-case letters, digits, - or _`);
  const schemas = systemSchemas(path.join(opts.root, "sql", "registry", "system_tables.json"));
  const stackFile = path.join(opts.cdktfOut ?? path.join(opts.root, "cdktf.out"), "stacks", env, "cdk.tf.json");
  if (fs.existsSync(stackFile)) {
    const stack = JSON.parse(fs.readFileSync(stackFile, "utf8")) as Json;
    const provider = firstBlock((stack.provider as Json | undefined)?.databricks);
    const host = typeof provider?.host === "string" ? provider.host : undefined;
    if (!host) throw new PreflightUsageError(`${stackFile}: provider.databricks has no host`);
    const resources = (stack.resource ?? {}) as Record<string, Record<string, Json>>;
    const catalog = Object.values(resources.databricks_catalog ?? {})
      .map((c) => c.name)
      .find((n): n is string => typeof n === "string");
    const warehouseIds = new Set<string>();
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === "object")
        for (const [k, x] of Object.entries(v)) {
          // A literal id is an existing warehouse; "${...}" references one this stack creates.
          if (k === "warehouse_id" && typeof x === "string" && !x.includes("${")) warehouseIds.add(x);
          else walk(x);
        }
    };
    walk(resources);
    return { env, host, source: stackFile, catalog, systemSchemas: schemas, warehouseIds: [...warehouseIds].sort(), createsWarehouse: Object.keys(resources.databricks_sql_endpoint ?? {}).length > 0 };
  }
  const envFile = path.join(opts.environments ?? path.join(opts.root, "environments"), `${env}.yaml`);
  if (!fs.existsSync(envFile)) throw new PreflightUsageError(`no synthesized stack ${stackFile} and no environment file ${envFile}`);
  const doc = (parse(fs.readFileSync(envFile, "utf8")) ?? {}) as { workspace?: { host?: unknown }; catalog?: { name?: unknown }; warehouse?: { existingId?: unknown } };
  // ${VAR:default} as the config loader substitutes it (stacks/config/substitute.ts), for these fields only.
  const sub = (v: unknown): string | undefined =>
    typeof v === "string" ? v.replace(/\$\{([A-Z_][A-Z0-9_]*)(?::([^}]*))?\}/g, (_, name: string, def?: string) => opts.environ[name] ?? def ?? "") : undefined;
  const host = sub(doc.workspace?.host);
  if (!host) throw new PreflightUsageError(`${envFile}: workspace.host: expected the workspace URL, got ${JSON.stringify(doc.workspace?.host)}`);
  const existing = sub(doc.warehouse?.existingId);
  return { env, host, source: envFile, catalog: sub(doc.catalog?.name), systemSchemas: schemas, warehouseIds: existing ? [existing] : [], createsWarehouse: !existing };
}

export type Credential =
  | { readonly kind: "token"; readonly source: string; readonly token: string }
  | { readonly kind: "oauth-m2m"; readonly source: string; readonly clientId: string; readonly clientSecret: string }
  /** Configured, but preflight does not sign in with it (Terraform's provider will). */
  | { readonly kind: "other"; readonly source: string };

const normalizeHost = (h: string) => h.trim().replace(/\/+$/, "").toLowerCase().replace(/^(?!https?:\/\/)/, "https://");

/** Sections of a ~/.databrickscfg (INI). */
export function parseDatabricksCfg(text: string): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  let section: Record<string, string> | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith("#") || line.startsWith(";")) continue;
    const s = /^\[(.+)\]$/.exec(line);
    if (s) {
      section = out[s[1].trim()] = {};
      continue;
    }
    const kv = /^([A-Za-z0-9_]+)\s*=\s*(.*)$/.exec(line);
    if (kv && section) section[kv[1].toLowerCase()] = kv[2].trim();
  }
  return out;
}

/**
 * The first credential source the Databricks unified auth would find for `host`, in its order:
 * environment variables, then a config profile (https://docs.databricks.com/aws/en/dev-tools/auth/unified-auth).
 */
export function findCredential(host: string, environ: NodeJS.ProcessEnv, home: string): Credential | undefined {
  const e = (k: string) => (environ[k] && environ[k]!.trim() !== "" ? environ[k]!.trim() : undefined);
  if (e("DATABRICKS_TOKEN")) return { kind: "token", source: "DATABRICKS_TOKEN", token: e("DATABRICKS_TOKEN")! };
  if (e("DATABRICKS_CLIENT_ID") && e("DATABRICKS_CLIENT_SECRET")) {
    return { kind: "oauth-m2m", source: "DATABRICKS_CLIENT_ID + DATABRICKS_CLIENT_SECRET", clientId: e("DATABRICKS_CLIENT_ID")!, clientSecret: e("DATABRICKS_CLIENT_SECRET")! };
  }
  if (e("DATABRICKS_CLIENT_ID") && e("ACTIONS_ID_TOKEN_REQUEST_URL")) return { kind: "other", source: "DATABRICKS_CLIENT_ID + GitHub OIDC (workload identity federation)" };
  const azureHost = /\.azuredatabricks\.net$/i.test(new URL(normalizeHost(host)).hostname);
  if (azureHost && e("ARM_CLIENT_ID") && e("ARM_TENANT_ID") && (e("ARM_CLIENT_SECRET") || e("ARM_USE_OIDC") === "true")) {
    return { kind: "other", source: `ARM_CLIENT_ID + ${e("ARM_CLIENT_SECRET") ? "ARM_CLIENT_SECRET" : "ARM_USE_OIDC"} (Azure service principal)` };
  }
  const cfgFile = e("DATABRICKS_CONFIG_FILE") ?? path.join(home, ".databrickscfg");
  if (cfgFile !== "/dev/null" && fs.existsSync(cfgFile)) {
    const sections = parseDatabricksCfg(fs.readFileSync(cfgFile, "utf8"));
    const wanted = e("DATABRICKS_CONFIG_PROFILE");
    const name = wanted ?? Object.keys(sections).find((n) => sections[n].host && normalizeHost(sections[n].host) === normalizeHost(host));
    const p = name ? sections[name] : undefined;
    if (p) {
      const src = `${cfgFile} profile [${name}]`;
      if (p.host && normalizeHost(p.host) !== normalizeHost(host)) return undefined;
      if (p.token) return { kind: "token", source: src, token: p.token };
      if (p.client_id && p.client_secret) return { kind: "oauth-m2m", source: src, clientId: p.client_id, clientSecret: p.client_secret };
      return { kind: "other", source: `${src} (auth_type ${p.auth_type ?? "unknown"})` };
    }
  }
  if (azureHost && fs.existsSync(path.join(home, ".azure", "azureProfile.json"))) return { kind: "other", source: "Azure CLI login (~/.azure)" };
  return undefined;
}

export interface HttpResult {
  readonly status: number;
  readonly json?: Json;
}

/** One request, aborted after `timeoutMs`; throws on network errors and timeouts, never hangs. */
export async function request(url: string, init: RequestInit, timeoutMs: number): Promise<HttpResult> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error(`no answer within ${timeoutMs / 1000}s`)), timeoutMs);
  try {
    const res = await fetch(url, { ...init, signal: controller.signal, redirect: "manual" });
    const text = await res.text();
    let json: Json | undefined;
    try {
      json = JSON.parse(text) as Json;
    } catch {
      json = undefined;
    }
    return { status: res.status, json };
  } catch (e) {
    const err = e as Error & { cause?: Error & { code?: string } };
    const reason = controller.signal.aborted ? `no answer within ${timeoutMs / 1000}s` : (err.cause?.code ?? err.cause?.message ?? err.message);
    throw new Error(reason);
  } finally {
    clearTimeout(timer);
  }
}

const hasAll = (granted: Set<string>, needed: readonly string[]) => granted.has("ALL_PRIVILEGES") || needed.every((p) => granted.has(p));

/** Privileges of `principals` in an effective-permissions answer (all pages already merged). */
export function grantedTo(answer: Json | undefined, principals: ReadonlySet<string>): Set<string> {
  const out = new Set<string>();
  for (const a of (answer?.privilege_assignments ?? []) as { principal?: string; privileges?: { privilege?: string }[] }[]) {
    if (!a.principal || !principals.has(a.principal)) continue;
    for (const p of a.privileges ?? []) if (p.privilege) out.add(p.privilege);
  }
  return out;
}

export interface PreflightOptions {
  readonly env: string;
  readonly root: string;
  readonly environ: NodeJS.ProcessEnv;
  readonly home: string;
  readonly offline: boolean;
  readonly timeoutMs: number;
  /** plan: a read-only identity (catalog: USE_CATALOG only); apply: the deploy identity. @default "apply" */
  readonly purpose?: "plan" | "apply";
  readonly cdktfOut?: string;
  readonly environments?: string;
}

export async function preflight(o: PreflightOptions): Promise<{ target?: Target; checks: Check[] }> {
  const checks: Check[] = [];
  const add = (name: string, status: Status, detail: string) => checks.push({ name, status, detail });
  const target = readTarget(o.env, { root: o.root, cdktfOut: o.cdktfOut, environments: o.environments, environ: o.environ });
  const host = normalizeHost(target.host);
  const hostUrl = new URL(host);
  const local = hostUrl.hostname === "127.0.0.1" || hostUrl.hostname === "localhost";
  const notChecked = (why: string, what: string[]) => what.forEach((w) => add(w, "skipped", `not checked: ${why}`));
  const remaining = ["identity", ...target.systemSchemas.map((s) => `read ${s}`), "catalog", "warehouse"];

  if (hostUrl.protocol !== "https:" && !local) add("host", "fail", `${target.host}: the workspace URL must be https://`);
  if (/example/i.test(hostUrl.hostname)) {
    add("host", "fail", `${target.host} is the example placeholder from the environment file: set the environment's host variable (e.g. DATABRICKS_HOST_${o.env.toUpperCase()})`);
  }
  const cred = findCredential(target.host, o.environ, o.home);
  if (!cred) {
    add(
      "credentials",
      "fail",
      `no credential source for ${host}: set DATABRICKS_TOKEN, or DATABRICKS_CLIENT_ID + DATABRICKS_CLIENT_SECRET (OAuth M2M), or a ~/.databrickscfg profile with host = ${host} (DATABRICKS_CONFIG_PROFILE picks one), or on Azure ARM_CLIENT_ID/ARM_TENANT_ID/ARM_CLIENT_SECRET or an Azure CLI login`,
    );
  } else add("credentials", "ok", `${cred.source}${cred.kind === "other" ? " (configured; preflight does not sign in with it)" : ""}`);
  if (checks.some((c) => c.status === "fail")) {
    notChecked("fix the failures above first", ["host answers", ...remaining]);
    return { target, checks };
  }
  if (o.offline) {
    notChecked("--offline", ["host answers", ...remaining]);
    return { target, checks };
  }
  try {
    const r = await request(`${host}/oidc/.well-known/oauth-authorization-server`, { method: "GET" }, o.timeoutMs);
    add("host answers", "ok", `${host} answered HTTP ${r.status}`);
  } catch (e) {
    add("host answers", "fail", `${host} did not answer: ${(e as Error).message} (offline, wrong host, or a proxy in the way?)`);
    notChecked("the host did not answer", remaining);
    return { target, checks };
  }
  if (!cred || cred.kind === "other") {
    notChecked(`preflight signs in only with a token or OAuth M2M client id + secret; ${cred?.source} is left to Terraform`, remaining);
    return { target, checks };
  }

  let bearer: string;
  if (cred.kind === "token") bearer = cred.token;
  else {
    try {
      const r = await request(
        `${host}/oidc/v1/token`,
        {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded", authorization: `Basic ${Buffer.from(`${cred.clientId}:${cred.clientSecret}`).toString("base64")}` },
          body: "grant_type=client_credentials&scope=all-apis",
        },
        o.timeoutMs,
      );
      const token = r.json?.access_token;
      if (r.status !== 200 || typeof token !== "string") {
        add("identity", "fail", `OAuth M2M sign-in with ${cred.source} failed: HTTP ${r.status} ${String(r.json?.error ?? "")}`.trim());
        notChecked("no sign-in", remaining.slice(1));
        return { target, checks };
      }
      bearer = token;
    } catch (e) {
      add("identity", "fail", `OAuth M2M sign-in: ${(e as Error).message}`);
      notChecked("no sign-in", remaining.slice(1));
      return { target, checks };
    }
  }
  const api = async (p: string) => request(`${host}${p}`, { headers: { authorization: `Bearer ${bearer}` } }, o.timeoutMs);
  /** Effective permissions, all pages (max_results=0 selects the paginated form, as the docs recommend). */
  const effective = async (type: string, name: string): Promise<{ status: number; json?: Json }> => {
    const all: unknown[] = [];
    let token: string | undefined;
    for (let page = 0; page < 50; page++) {
      const q = new URLSearchParams({ max_results: "0", ...(token ? { page_token: token } : {}) });
      const r = await api(`/api/2.1/unity-catalog/effective-permissions/${type}/${encodeURIComponent(name)}?${q}`);
      if (r.status !== 200) return r;
      all.push(...((r.json?.privilege_assignments as unknown[]) ?? []));
      token = typeof r.json?.next_page_token === "string" && r.json.next_page_token ? r.json.next_page_token : undefined;
      if (!token) break;
    }
    return { status: 200, json: { privilege_assignments: all } };
  };

  let principals: Set<string>;
  try {
    const me = await api("/api/2.0/preview/scim/v2/Me");
    if (me.status !== 200) {
      add("identity", "fail", `GET /api/2.0/preview/scim/v2/Me: HTTP ${me.status} (${cred.source} is not accepted by ${host})`);
      notChecked("no identity", remaining.slice(1));
      return { target, checks };
    }
    const userName = String(me.json?.userName ?? "");
    const groups = ((me.json?.groups ?? []) as { display?: string }[]).map((g) => g.display).filter((g): g is string => !!g);
    principals = new Set([userName, String(me.json?.applicationId ?? ""), ...groups, "account users"].filter(Boolean));
    add("identity", "ok", `${userName}${groups.length ? ` (groups: ${groups.join(", ")})` : ""}`);

    for (const schema of target.systemSchemas) {
      const r = await effective("schema", schema);
      if (r.status !== 200) add(`read ${schema}`, "fail", `effective permissions: HTTP ${r.status} ${String(r.json?.message ?? "")}`.trim());
      else {
        const got = grantedTo(r.json, principals);
        const missing = SYSTEM_SCHEMA_READ_PRIVILEGES.filter((p) => !got.has(p) && !got.has("ALL_PRIVILEGES"));
        if (missing.length) add(`read ${schema}`, "fail", `missing ${missing.join(", ")} (a metastore admin grants them: GRANT USE_SCHEMA, SELECT ON SCHEMA ${schema} TO \`${userName}\`)`);
        else add(`read ${schema}`, "ok", SYSTEM_SCHEMA_READ_PRIVILEGES.join(", "));
      }
    }

    if (!target.catalog) add("catalog", "skipped", "not checked: the stack declares no catalog");
    else {
      const c = await api(`/api/2.1/unity-catalog/catalogs/${encodeURIComponent(target.catalog)}`);
      const needed = o.purpose === "plan" ? ["USE_CATALOG"] : ["USE_CATALOG", "CREATE_SCHEMA"];
      if (c.status === 200) {
        const owner = String(c.json?.owner ?? "");
        const r = await effective("catalog", target.catalog);
        const got = grantedTo(r.json, principals);
        if (principals.has(owner)) add("catalog", "ok", `${target.catalog} exists, owned by ${owner}`);
        else if (r.status === 200 && hasAll(got, needed)) add("catalog", "ok", `${target.catalog} exists; ${needed.join(", ")}`);
        else add("catalog", "fail", `${target.catalog} exists (owner ${owner}) but the identity lacks ${needed.join(" + ")} or ownership`);
      } else if (c.status === 404 && o.purpose === "plan") {
        add("catalog", "skipped", `not checked: ${target.catalog} does not exist yet; the apply identity creates it (preflight --for apply checks CREATE_CATALOG)`);
      } else if (c.status === 404) {
        const m = await api("/api/2.1/unity-catalog/current-metastore-assignment");
        const id = String(m.json?.metastore_id ?? "");
        const r = id ? await effective("metastore", id) : m;
        if (r.status === 200 && hasAll(grantedTo(r.json, principals), ["CREATE_CATALOG"])) add("catalog", "ok", `${target.catalog} will be created; CREATE_CATALOG on metastore ${id}`);
        else add("catalog", "fail", `${target.catalog} does not exist and the identity lacks CREATE_CATALOG on the metastore${id ? ` ${id}` : ""} (HTTP ${r.status})`);
      } else add("catalog", "fail", `GET catalog ${target.catalog}: HTTP ${c.status}`);
    }

    if (target.warehouseIds.length === 0) add("warehouse", "skipped", target.createsWarehouse ? "not checked: the stack creates its warehouse" : "not checked: the stack uses no warehouse");
    for (const id of target.warehouseIds) {
      const w = await api(`/api/2.0/sql/warehouses/${encodeURIComponent(id)}`);
      if (w.status === 200) add("warehouse", "ok", `${id} (${String(w.json?.name ?? "")}) is visible to the identity`);
      else add("warehouse", "fail", `GET /api/2.0/sql/warehouses/${id}: HTTP ${w.status}: the identity needs at least CAN_USE on the existing warehouse`);
    }
  } catch (e) {
    add("workspace API", "fail", `${(e as Error).message}`);
  }
  return { target, checks };
}

export function render(target: Target | undefined, checks: readonly Check[]): string[] {
  const lines = target ? [`preflight ${target.env}: ${target.host} (from ${target.source})`] : [];
  for (const c of checks) lines.push(`  ${c.status === "ok" ? "ok     " : c.status === "fail" ? "FAIL   " : "skipped"} ${c.name}: ${c.detail}`);
  const failed = checks.filter((c) => c.status === "fail").length;
  const skipped = checks.filter((c) => c.status === "skipped").length;
  lines.push(failed ? `preflight: FAILED (${failed} check(s)); nothing was planned or applied` : `preflight: ok${skipped ? ` (${skipped} not checked, listed above)` : ""}`);
  return lines;
}

export async function main(argv: readonly string[], environ: NodeJS.ProcessEnv = process.env, out: (s: string) => void = console.log, err: (s: string) => void = console.error): Promise<number> {
  const usage = "usage: preflight <env> [--for plan|apply] [--offline] [--cdktf-out DIR] [--environments DIR]";
  const args = [...argv];
  let env: string | undefined;
  let offline = false;
  let cdktfOut: string | undefined;
  let environments: string | undefined;
  let purpose: "plan" | "apply" = "apply";
  while (args.length) {
    const a = args.shift()!;
    if (a === "--offline") offline = true;
    else if (a === "--for" && (args[0] === "plan" || args[0] === "apply")) purpose = args.shift() as "plan" | "apply";
    else if (a === "--cdktf-out" && args[0]) cdktfOut = args.shift();
    else if (a === "--environments" && args[0]) environments = args.shift();
    else if (!a.startsWith("--") && !env) env = a;
    else {
      err(usage);
      return 2;
    }
  }
  if (!env) {
    err(usage);
    return 2;
  }
  const seconds = Number(environ.DBX_PREFLIGHT_TIMEOUT_SECONDS ?? "5");
  if (!(seconds > 0 && seconds <= 120)) {
    err(`preflight: DBX_PREFLIGHT_TIMEOUT_SECONDS: expected 1..120 seconds, got ${JSON.stringify(environ.DBX_PREFLIGHT_TIMEOUT_SECONDS)}`);
    return 2;
  }
  const root = path.resolve(__dirname, fs.existsSync(path.resolve(__dirname, "..", "package.json")) ? ".." : path.join("..", ".."));
  try {
    const { target, checks } = await preflight({ env, root, environ, home: environ.HOME ?? os.homedir(), offline, timeoutMs: seconds * 1000, cdktfOut, environments, purpose });
    const lines = render(target, checks);
    const failed = checks.some((c) => c.status === "fail");
    for (const l of lines) (failed && (l.includes("FAIL") || l.startsWith("preflight: FAILED")) ? err : out)(l);
    return failed ? 1 : 0;
  } catch (e) {
    if (e instanceof PreflightUsageError) {
      err(`preflight: ${e.message}`);
      return 1;
    }
    throw e;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      console.error(`preflight: ${(e as Error).message}`);
      process.exit(1);
    },
  );
}
