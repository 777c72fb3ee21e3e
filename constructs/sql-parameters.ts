/**
 * Binds Databricks named parameter markers (`:name`) of a SQL file to literal values, for the
 * places that cannot bind them at run time: `databricks_alert_v2` in provider 1.99 has no
 * `parameters` (added later), so an alert's query text is rendered at synth time.
 *
 * Same lexing as the test harness (test/python/sqlharness.py): markers inside string literals,
 * back-quoted identifiers and comments are left alone, and `::` casts and `col:path` accessors
 * are not markers. Every value becomes a single-quoted SQL string literal (escaped), exactly
 * what a bound job parameter is, so `CAST(:threshold AS INT)` and
 * `IDENTIFIER(:catalog || '.' || :schema || '.t')` mean the same rendered or bound. Values may
 * hold cdktf tokens (resolved to ids at apply time).
 */
export function bindSqlParameters(sql: string, params: Readonly<Record<string, string>>): string {
  const missing = new Set<string>();
  let out = "";
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql[i];
    if (c === "'" || c === '"' || c === "`") {
      let j = i + 1;
      while (j < n && sql[j] !== c) j += c !== "`" && sql[j] === "\\" ? 2 : 1;
      out += sql.slice(i, j + 1);
      i = j + 1;
    } else if (sql.startsWith("--", i)) {
      const j = sql.indexOf("\n", i);
      const end = j < 0 ? n : j;
      out += sql.slice(i, end);
      i = end;
    } else if (sql.startsWith("/*", i)) {
      const j = sql.indexOf("*/", i + 2);
      const end = j < 0 ? n : j + 2;
      out += sql.slice(i, end);
      i = end;
    } else if (c === ":" && /[A-Za-z_]/.test(sql[i + 1] ?? "") && !/[\w:\])]/.test(sql[i - 1] ?? "")) {
      const name = /^[A-Za-z_]\w*/.exec(sql.slice(i + 1))![0];
      if (!(name in params)) missing.add(name);
      out += sqlStringLiteral(params[name] ?? "");
      i += 1 + name.length;
    } else {
      out += c;
      i += 1;
    }
  }
  if (missing.size > 0) throw new Error(`missing SQL parameter(s): ${[...missing].sort().join(", ")}`);
  return out;
}

/** Names of the `:name` markers of `sql` (outside literals and comments). */
export function sqlParameterNames(sql: string): string[] {
  const names = new Set<string>();
  const probe = new Proxy({} as Record<string, string>, {
    has: (_t, key) => {
      names.add(String(key));
      return true;
    },
    get: () => "",
  });
  bindSqlParameters(sql, probe);
  return [...names].sort();
}

export function sqlStringLiteral(value: string): string {
  return `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}
