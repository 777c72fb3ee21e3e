#!/usr/bin/env node
// The `app` command of cdktf.json: every `cdktf synth|diff|deploy|list` runs it.
//
// Why not `npm run build && node dist/stacks/main.js`: a full `tsc` costs ~3 s per CLI command.
// Type-checking belongs to `npm test` and CI; here the app only has to run the current sources.
// So: fingerprint the TypeScript sources (path, size, mtime); when the fingerprint differs from
// the one stamped in dist/, transpile them with swc (type-stripping only, which is safe because
// tsconfig sets isolatedModules) and delete outputs whose source is gone; then run the app.
// dist/ is therefore never stale, and with nothing changed the launcher costs a few milliseconds.
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");

const ROOT = path.resolve(__dirname, "..");
const DIST = path.join(ROOT, "dist");
const STAMP = path.join(DIST, ".app-sources.sha256");
/**
 * The folders the app's entry point imports from, and scripts/, whose tools `npm run simulate`
 * runs from dist/ (the dashboard export and preview): tsconfig's include, less the tests.
 */
const SOURCE_DIRS = ["stacks", "constructs", "policy", "vocabulary", "scripts"];

function sourceFiles() {
  const files = [];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) files.push(full);
    }
  };
  for (const d of SOURCE_DIRS) if (fs.existsSync(path.join(ROOT, d))) walk(path.join(ROOT, d));
  return files.sort();
}

function fingerprint(files) {
  const hash = crypto.createHash("sha256");
  hash.update(`${process.version}\n`);
  for (const f of files) {
    const st = fs.statSync(f);
    hash.update(`${path.relative(ROOT, f)}\0${st.size}\0${st.mtimeMs}\n`);
  }
  return hash.digest("hex");
}

function outputOf(file) {
  return path.join(DIST, path.relative(ROOT, file)).replace(/\.ts$/, ".js");
}

function transpile(files) {
  const swc = require("@swc/core");
  const wanted = new Set(files.map(outputOf));
  for (const file of files) {
    const { code } = swc.transformFileSync(file, {
      jsc: { parser: { syntax: "typescript" }, target: "es2022" },
      module: { type: "commonjs" },
      sourceMaps: false,
      swcrc: false,
      configFile: false,
    });
    const out = outputOf(file);
    fs.mkdirSync(path.dirname(out), { recursive: true });
    // Write-then-rename: a concurrent `node dist/...` never reads a half-written module.
    const tmp = `${out}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, code);
    fs.renameSync(tmp, out);
  }
  // A source that was deleted or renamed must not keep running from an old output.
  for (const dir of SOURCE_DIRS) {
    const base = path.join(DIST, dir);
    if (!fs.existsSync(base)) continue;
    const walk = (d) => {
      for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
        const full = path.join(d, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (entry.name.endsWith(".js") && !wanted.has(full)) fs.rmSync(full);
      }
    };
    walk(base);
  }
}

function main(argv) {
  const files = sourceFiles();
  const want = fingerprint(files);
  const have = fs.existsSync(STAMP) ? fs.readFileSync(STAMP, "utf8") : "";
  if (have !== want) {
    transpile(files);
    fs.writeFileSync(STAMP, want);
  }
  // `--build`: only bring dist/ up to date (npm test, whose jest suites spawn dist/stacks/main.js;
  // the type gate is `npm run typecheck`).
  if (argv[0] === "--build") return;
  require(path.join(DIST, "stacks", "main.js")).runCli(argv);
}

main(process.argv.slice(2));
