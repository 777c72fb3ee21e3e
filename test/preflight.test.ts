import * as fs from "fs";
import * as http from "http";
import { AddressInfo } from "net";
import * as path from "path";
import { findCredential, main, parseDatabricksCfg, readTarget, systemSchemas } from "../scripts/preflight";
import { PROJECT_ROOT, tempDir } from "./helpers";

// Everything runs against servers on 127.0.0.1: no real network. Timeouts are bounded by the
// preflight's own AbortController (DBX_PREFLIGHT_TIMEOUT_SECONDS=1 here), not asserted on.

const SCHEMAS = systemSchemas(path.join(PROJECT_ROOT, "sql/registry/system_tables.json"));
const fakeToken = () => `dapi${Math.random().toString(16).slice(2)}${Date.now().toString(16)}`;

interface Fake {
  url: string;
  requests: string[];
  close: () => Promise<void>;
}

/** A fake workspace. `grants` maps securable full name -> privileges of the identity. */
function fakeWorkspace(opts: { token?: string; clientId?: string; clientSecret?: string; grants: Record<string, string[]>; catalogs?: Record<string, { owner: string }>; warehouses?: string[]; silent?: boolean }): Promise<Fake> {
  const requests: string[] = [];
  const accessToken = opts.token ?? fakeToken();
  const server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    if (opts.silent) return; // accepts the connection, never answers
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    const url = new URL(req.url ?? "/", "http://x");
    if (url.pathname === "/oidc/.well-known/oauth-authorization-server") return send(200, { token_endpoint: "/oidc/v1/token" });
    if (url.pathname === "/oidc/v1/token" && req.method === "POST") {
      const basic = Buffer.from(`${opts.clientId}:${opts.clientSecret}`).toString("base64");
      return req.headers.authorization === `Basic ${basic}` ? send(200, { access_token: accessToken, token_type: "Bearer" }) : send(401, { error: "invalid_client" });
    }
    if (req.headers.authorization !== `Bearer ${accessToken}`) return send(401, { message: "Unauthorized" });
    if (url.pathname === "/api/2.0/preview/scim/v2/Me") return send(200, { userName: "deployer@example.com", groups: [{ display: "platform-admins" }] });
    const eff = /^\/api\/2\.1\/unity-catalog\/effective-permissions\/([a-z]+)\/(.+)$/.exec(url.pathname);
    if (eff) {
      const name = decodeURIComponent(eff[2]);
      // Half the privileges granted to a group, to prove group grants count; one page per principal.
      const privileges = (opts.grants[name] ?? []).map((privilege) => ({ privilege }));
      const page = url.searchParams.get("page_token");
      if (!page) return send(200, { privilege_assignments: [{ principal: "platform-admins", privileges: privileges.slice(0, 1) }], next_page_token: "p2" });
      return send(200, { privilege_assignments: [{ principal: "deployer@example.com", privileges: privileges.slice(1) }, { principal: "someone-else", privileges: [{ privilege: "ALL_PRIVILEGES" }] }] });
    }
    const cat = /^\/api\/2\.1\/unity-catalog\/catalogs\/(.+)$/.exec(url.pathname);
    if (cat) {
      const c = opts.catalogs?.[decodeURIComponent(cat[1])];
      return c ? send(200, { name: cat[1], owner: c.owner }) : send(404, { error_code: "CATALOG_DOES_NOT_EXIST" });
    }
    if (url.pathname === "/api/2.1/unity-catalog/current-metastore-assignment") return send(200, { metastore_id: "ms-1" });
    const wh = /^\/api\/2\.0\/sql\/warehouses\/(.+)$/.exec(url.pathname);
    if (wh) return opts.warehouses?.includes(wh[1]) ? send(200, { id: wh[1], name: "shared" }) : send(404, { error_code: "RESOURCE_DOES_NOT_EXIST" });
    send(404, {});
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        requests,
        close: () =>
          new Promise((r) => {
            server.closeAllConnections();
            server.close(() => r());
          }),
      });
    }),
  );
}

/** A cdktf.out with one stack pointed at `host`. */
function cdktfOut(host: string, extra: object = {}): string {
  const out = tempDir("dbx-preflight-");
  fs.mkdirSync(path.join(out, "stacks", "dev"), { recursive: true });
  const stack = {
    provider: { databricks: [{ host }] },
    resource: {
      databricks_catalog: { Catalog: { name: "observability_dev" } },
      databricks_job: { Report: { task: [{ sql_task: { warehouse_id: "wh-123" } }] } },
      databricks_sql_query: { Q: { warehouse_id: "${databricks_sql_endpoint.W.id}" } },
    },
    ...extra,
  };
  fs.writeFileSync(path.join(out, "stacks", "dev", "cdk.tf.json"), JSON.stringify(stack));
  return out;
}

async function run(args: string[], environ: NodeJS.ProcessEnv) {
  const out: string[] = [];
  const err: string[] = [];
  const home = tempDir("dbx-preflight-home-");
  const code = await main(args, { HOME: home, DBX_PREFLIGHT_TIMEOUT_SECONDS: "1", ...environ }, (l) => out.push(l), (l) => err.push(l));
  return { code, out, err, all: [...out, ...err].join("\n") };
}

const ALL_GRANTED = (): Record<string, string[]> => ({ ...Object.fromEntries(SCHEMAS.map((s) => [s, ["USE_SCHEMA", "SELECT"]])), "ms-1": ["CREATE_CATALOG", "USE_CONNECTION"] });

describe("preflight", () => {
  test("the registry's system schemas are what it checks", () => {
    expect(SCHEMAS.length).toBeGreaterThan(3);
    expect(SCHEMAS).toContain("system.billing");
    expect(SCHEMAS.every((s) => /^system\.[a-z_]+$/.test(s))).toBe(true);
  });

  test("no credential source: fails without touching the network, and says what to set", async () => {
    const ws = await fakeWorkspace({ grants: {} });
    try {
      const r = await run(["dev", "--cdktf-out", cdktfOut(ws.url)], {});
      expect(r.code).toBe(1);
      expect(r.all).toContain(`FAIL    credentials: no credential source for ${ws.url}: set DATABRICKS_TOKEN, or DATABRICKS_CLIENT_ID + DATABRICKS_CLIENT_SECRET`);
      expect(r.all).toContain("skipped host answers: not checked: fix the failures above first");
      expect(ws.requests).toEqual([]);
    } finally {
      await ws.close();
    }
  });

  test("--offline: credentials found, and every network check listed as not checked", async () => {
    const r = await run(["dev", "--offline", "--cdktf-out", cdktfOut("http://127.0.0.1:9")], { DATABRICKS_TOKEN: fakeToken() });
    expect(r.code).toBe(0);
    expect(r.all).toContain("ok      credentials: DATABRICKS_TOKEN");
    for (const w of ["host answers", "identity", "read system.billing", "catalog", "warehouse"]) expect(r.all).toContain(`skipped ${w}: not checked: --offline`);
    expect(r.out.at(-1)).toMatch(/^preflight: ok \(\d+ not checked, listed above\)$/);
  });

  test("a host that accepts the connection but never answers: fails after the timeout, never hangs", async () => {
    const ws = await fakeWorkspace({ grants: {}, silent: true });
    try {
      const r = await run(["dev", "--cdktf-out", cdktfOut(ws.url)], { DATABRICKS_TOKEN: fakeToken() });
      expect(r.code).toBe(1);
      expect(r.all).toContain(`FAIL    host answers: ${ws.url} did not answer: no answer within 1s`);
      expect(r.all).toContain("skipped identity: not checked: the host did not answer");
      expect(r.err.at(-1)).toBe("preflight: FAILED (1 check(s)); nothing was planned or applied");
    } finally {
      await ws.close();
    }
  });

  test("a closed port: connection refused, named", async () => {
    const ws = await fakeWorkspace({ grants: {} });
    const url = ws.url;
    await ws.close();
    const r = await run(["dev", "--cdktf-out", cdktfOut(url)], { DATABRICKS_TOKEN: fakeToken() });
    expect(r.code).toBe(1);
    expect(r.all).toContain(`FAIL    host answers: ${url} did not answer: ECONNREFUSED`);
  });

  test("a token with every privilege: identity, each system schema, catalog creation and the existing warehouse pass", async () => {
    const token = fakeToken();
    const ws = await fakeWorkspace({ token, grants: ALL_GRANTED(), warehouses: ["wh-123"] });
    try {
      const r = await run(["dev", "--cdktf-out", cdktfOut(ws.url)], { DATABRICKS_TOKEN: token });
      expect(r.err).toEqual([]);
      expect(r.code).toBe(0);
      expect(r.all).toContain("ok      identity: deployer@example.com (groups: platform-admins)");
      for (const s of SCHEMAS) expect(r.all).toContain(`ok      read ${s}: SELECT, USE_SCHEMA`);
      expect(r.all).toContain("ok      catalog: observability_dev will be created; CREATE_CATALOG on metastore ms-1");
      expect(r.all).toContain("ok      warehouse: wh-123 (shared) is visible to the identity");
      expect(r.all).not.toContain(token);
    } finally {
      await ws.close();
    }
  });

  test("a missing privilege on one system schema fails, naming the schema and the grant to ask for", async () => {
    const token = fakeToken();
    const grants = ALL_GRANTED();
    grants["system.billing"] = ["USE_SCHEMA"];
    const ws = await fakeWorkspace({ token, grants, warehouses: [] });
    try {
      const r = await run(["dev", "--cdktf-out", cdktfOut(ws.url)], { DATABRICKS_TOKEN: token });
      expect(r.code).toBe(1);
      expect(r.all).toContain("FAIL    read system.billing: missing SELECT (a metastore admin grants them: GRANT USE_SCHEMA, SELECT ON SCHEMA system.billing TO `deployer@example.com`)");
      expect(r.all).toContain("FAIL    warehouse: GET /api/2.0/sql/warehouses/wh-123: HTTP 404");
    } finally {
      await ws.close();
    }
  });

  test("OAuth M2M: signs in with the client secret, never prints it; an existing catalog owned by the identity's group passes", async () => {
    const clientSecret = `dose${fakeToken()}`;
    const ws = await fakeWorkspace({ clientId: "sp-app-id", clientSecret, grants: ALL_GRANTED(), catalogs: { observability_dev: { owner: "platform-admins" } }, warehouses: ["wh-123"] });
    try {
      const r = await run(["dev", "--cdktf-out", cdktfOut(ws.url)], { DATABRICKS_CLIENT_ID: "sp-app-id", DATABRICKS_CLIENT_SECRET: clientSecret });
      expect(r.code).toBe(0);
      expect(r.all).toContain("ok      catalog: observability_dev exists, owned by platform-admins");
      expect(r.all).not.toContain(clientSecret);
      expect(ws.requests).toContain("POST /oidc/v1/token");
    } finally {
      await ws.close();
    }
  });

  test("--for plan (read-only identity): an existing catalog needs only USE_CATALOG; a catalog still to create is left to apply", async () => {
    const token = fakeToken();
    const grants = { ...ALL_GRANTED(), observability_dev: ["USE_CATALOG", "BROWSE"] };
    delete (grants as Record<string, string[]>)["ms-1"];
    const existing = await fakeWorkspace({ token, grants, catalogs: { observability_dev: { owner: "platform-admins-prod" } }, warehouses: ["wh-123"] });
    try {
      const plan = await run(["dev", "--for", "plan", "--cdktf-out", cdktfOut(existing.url)], { DATABRICKS_TOKEN: token });
      expect(plan.all).toContain("ok      catalog: observability_dev exists; USE_CATALOG");
      expect(plan.code).toBe(0);
      const apply = await run(["dev", "--cdktf-out", cdktfOut(existing.url)], { DATABRICKS_TOKEN: token });
      expect(apply.all).toContain("FAIL    catalog: observability_dev exists (owner platform-admins-prod) but the identity lacks USE_CATALOG + CREATE_SCHEMA or ownership");
    } finally {
      await existing.close();
    }
    const fresh = await fakeWorkspace({ token, grants, warehouses: ["wh-123"] });
    try {
      const plan = await run(["dev", "--for", "plan", "--cdktf-out", cdktfOut(fresh.url)], { DATABRICKS_TOKEN: token });
      expect(plan.all).toContain("skipped catalog: not checked: observability_dev does not exist yet; the apply identity creates it");
      expect(plan.code).toBe(0);
    } finally {
      await fresh.close();
    }
  });

  test("a wrong client secret fails at sign-in", async () => {
    const ws = await fakeWorkspace({ clientId: "sp", clientSecret: fakeToken(), grants: {} });
    try {
      const r = await run(["dev", "--cdktf-out", cdktfOut(ws.url)], { DATABRICKS_CLIENT_ID: "sp", DATABRICKS_CLIENT_SECRET: fakeToken() });
      expect(r.code).toBe(1);
      expect(r.all).toContain("FAIL    identity: OAuth M2M sign-in with DATABRICKS_CLIENT_ID + DATABRICKS_CLIENT_SECRET failed: HTTP 401 invalid_client");
    } finally {
      await ws.close();
    }
  });

  test("the example placeholder host is refused without a network call", async () => {
    const r = await run(["dev", "--cdktf-out", cdktfOut("https://dbc-dev-example.cloud.databricks.com")], { DATABRICKS_TOKEN: fakeToken() });
    expect(r.code).toBe(1);
    expect(r.all).toContain("is the example placeholder from the environment file: set the environment's host variable (e.g. DATABRICKS_HOST_DEV)");
  });

  test("without a synthesized stack it reads the environment file, substituting ${VAR:default}", () => {
    const envs = tempDir("dbx-preflight-envs-");
    fs.writeFileSync(path.join(envs, "qa.yaml"), "environment: qa\nworkspace:\n  host: ${DATABRICKS_HOST_QA:https://dbc-qa-example.cloud.databricks.com}\ncatalog:\n  name: obs_qa\nwarehouse:\n  existingId: ${WH:abc}\n");
    const t = readTarget("qa", { root: PROJECT_ROOT, cdktfOut: tempDir("dbx-empty-"), environments: envs, environ: { DATABRICKS_HOST_QA: "https://adb-1.2.azuredatabricks.net" } });
    expect(t).toMatchObject({ host: "https://adb-1.2.azuredatabricks.net", catalog: "obs_qa", warehouseIds: ["abc"], source: path.join(envs, "qa.yaml") });
    expect(() => readTarget("nope", { root: PROJECT_ROOT, cdktfOut: tempDir("dbx-empty-"), environments: envs, environ: {} })).toThrow(/no synthesized stack .* and no environment file .*nope\.yaml/);
  });

  test("credential sources: a ~/.databrickscfg profile whose host matches; a named profile for another host is not used", () => {
    const home = tempDir("dbx-preflight-cfg-");
    const tok = fakeToken();
    fs.writeFileSync(path.join(home, ".databrickscfg"), `[DEFAULT]\nhost = https://other.cloud.databricks.com\ntoken = ${fakeToken()}\n\n[dev]\nhost = https://dbc-1.cloud.databricks.com/\ntoken = ${tok}\n`);
    expect(findCredential("https://dbc-1.cloud.databricks.com", {}, home)).toEqual({ kind: "token", source: `${path.join(home, ".databrickscfg")} profile [dev]`, token: tok });
    expect(findCredential("https://dbc-1.cloud.databricks.com", { DATABRICKS_CONFIG_PROFILE: "DEFAULT" }, home)).toBeUndefined();
    expect(findCredential("https://adb-1.azuredatabricks.net", { ARM_CLIENT_ID: "a", ARM_TENANT_ID: "t", ARM_CLIENT_SECRET: "s" }, home)?.kind).toBe("other");
    expect(findCredential("https://dbc-1.cloud.databricks.com", { ARM_CLIENT_ID: "a", ARM_TENANT_ID: "t", ARM_CLIENT_SECRET: "s" }, tempDir("dbx-h-"))).toBeUndefined();
    expect(parseDatabricksCfg("; c\n[a]\nHost = h\n")).toEqual({ a: { host: "h" } });
  });

  test("usage errors exit 2", async () => {
    expect((await run([], {})).code).toBe(2);
    expect((await run(["dev", "--bogus"], {})).code).toBe(2);
    expect((await run(["dev", "--for", "deploy"], {})).code).toBe(2);
    expect((await run(["dev"], { DBX_PREFLIGHT_TIMEOUT_SECONDS: "0" })).code).toBe(2);
  });
});
