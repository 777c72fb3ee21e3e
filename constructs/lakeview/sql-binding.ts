/**
 * Binds the deployment-time markers of a dashboard dataset's SQL (`:catalog`, `:gold_schema`, ...)
 * when the dashboard is synthesized, so the deployed query names its tables directly and only the
 * dashboard's own parameters (date range, workspace) stay as `:name` markers for Lakeview.
 *
 * The SQL files use the same named-marker convention as every other file under sql/ (see
 * test/python/README.md), so they also run unchanged on Spark with the markers bound as values:
 * - `IDENTIFIER(<markers and 'literals' joined by ||>)` becomes a back-quoted name,
 *   e.g. IDENTIFIER(:catalog || '.' || :gold_schema || '.job_runs') -> `cat`.`gold`.`job_runs`;
 * - any other bound marker becomes a string literal, e.g. :model_name -> 'churn'.
 * Text inside string literals, quoted identifiers and comments is never touched.
 */

/** A named marker, not part of a `::` cast or a `col:path` accessor (as in sqlharness._MARKER). */
const MARKER = /(?<![\w:\])]):([A-Za-z_]\w*)/g;

interface Masked {
  readonly text: string;
  readonly pieces: readonly string[];
}

/** Replaces literals, quoted identifiers and comments with `\u0000<index>\u0000` placeholders. */
function mask(sql: string): Masked {
  const pieces: string[] = [];
  let out = "";
  let i = 0;
  const keep = (end: number) => {
    pieces.push(sql.slice(i, end));
    out += `\u0000${pieces.length - 1}\u0000`;
    i = end;
  };
  while (i < sql.length) {
    const c = sql[i];
    const next = sql[i + 1];
    if (c === "-" && next === "-") {
      const end = sql.indexOf("\n", i);
      keep(end === -1 ? sql.length : end);
    } else if (c === "/" && next === "*") {
      const end = sql.indexOf("*/", i + 2);
      if (end === -1) throw new Error("unterminated /* comment");
      keep(end + 2);
    } else if (c === "'" || c === '"' || c === "`") {
      let j = i + 1;
      for (;;) {
        if (j >= sql.length) throw new Error(`unterminated ${c} quote starting at offset ${i}`);
        if (c !== "`" && sql[j] === "\\") j += 2;
        else if (sql[j] === c && sql[j + 1] === c) j += 2;
        else if (sql[j] === c) break;
        else j += 1;
      }
      keep(j + 1);
    } else {
      out += c;
      i += 1;
    }
  }
  return { text: out, pieces };
}

function unmask(masked: Masked, text: string): string {
  return text.replace(/\u0000(\d+)\u0000/g, (_, n: string) => masked.pieces[Number(n)]);
}

function literalValue(masked: Masked, token: string): string | undefined {
  const m = /^\u0000(\d+)\u0000$/.exec(token);
  if (!m) return undefined;
  const piece = masked.pieces[Number(m[1])];
  if (!piece.startsWith("'")) return undefined;
  return piece.slice(1, -1).replace(/''/g, "'").replace(/\\(.)/g, "$1");
}

export function quoteIdentifier(part: string): string {
  return "`" + part.replace(/`/g, "``") + "`";
}

export function quoteString(value: string): string {
  return "'" + value.replace(/\\/g, "\\\\").replace(/'/g, "\\'") + "'";
}

/** Markers used in `sql` (outside literals and comments), in order of first use. */
export function sqlMarkers(sql: string): string[] {
  const seen = new Set<string>();
  for (const m of mask(sql).text.matchAll(MARKER)) seen.add(m[1]);
  return [...seen];
}

/**
 * Replaces the markers named in `bindings`; other markers are left for the dashboard.
 * Throws when an IDENTIFIER(...) mixes bound markers with anything but literals and `||`.
 */
export function bindSqlMarkers(sql: string, bindings: Readonly<Record<string, string>>): string {
  const masked = mask(sql);
  const bound = (name: string) => Object.prototype.hasOwnProperty.call(bindings, name);
  let text = masked.text.replace(/IDENTIFIER\s*\(([^()]*)\)/gi, (whole, inner: string) => {
    const names = [...inner.matchAll(MARKER)].map((m) => m[1]);
    if (!names.some(bound)) return whole;
    const parts = inner.split("||").map((t) => t.trim());
    const value = parts
      .map((token) => {
        const marker = /^:([A-Za-z_]\w*)$/.exec(token);
        if (marker && bound(marker[1])) return bindings[marker[1]];
        const literal = literalValue(masked, token);
        if (literal !== undefined) return literal;
        throw new Error(`IDENTIFIER(${unmask(masked, inner).trim()}): "${unmask(masked, token)}" is neither a bound marker nor a string literal`);
      })
      .join("");
    // A bound value may be a Terraform reference (a cdktf token such as `${TfToken[TOKEN.12]}`):
    // its dots are not name separators.
    return value.split(/\.(?![^{]*\})/).map(quoteIdentifier).join(".");
  });
  text = text.replace(MARKER, (whole, name: string) => (bound(name) ? quoteString(bindings[name]) : whole));
  return unmask(masked, text);
}

/**
 * Drops the leading comment block of a SQL file. The header documents the file's markers
 * (`:catalog`, ...); in a deployed dataset those names would read as parameters to anyone
 * editing the dashboard, and the file in the repository stays the documentation.
 */
export function stripHeaderComments(sql: string): string {
  const lines = sql.replace(/\r\n/g, "\n").split("\n");
  let i = 0;
  while (i < lines.length && (lines[i].trim() === "" || lines[i].trim().startsWith("--"))) i++;
  return lines.slice(i).join("\n");
}

/** SQL text as Lakeview's `queryLines`: one element per line, each but the last ending in "\n". */
export function toQueryLines(sql: string): string[] {
  const lines = sql.replace(/\r\n/g, "\n").replace(/\s+$/, "").split("\n");
  return lines.map((line, i) => (i < lines.length - 1 ? `${line}\n` : line));
}
