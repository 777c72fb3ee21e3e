#!/usr/bin/env node
// JSON helpers for scripts/validate-terraform.sh (no dependencies; Node >= 18).
//
//   required-version <cdk.tf.json>                 print required_providers.databricks.version
//   set-provider-version <cdk.tf.json> <version>   rewrite that constraint in place (mismatch mode only)
//   prepare-plan <cdk.tf.json>                     in place: drop terraform.backend/cloud, point every
//                                                  databricks provider block at the dummy workspace
//   mutate <in.json> <out.json> <path> <json-value> set a value at a dotted path (array index = number)
//   report-validate <validate.json>                print OK / diagnostics; exit 1 if not valid
//   report-plan <plan.jsonl> <classification-out>  print plan diagnostics; write "ok", "api <reason>"
//                                                  or "error <reason>"; exit 0 unless the file is unreadable
//   assert-create-only <show.json>                 every resource_change is create / no-op / read
//   expect-diag <validate.json> <regex>            exit 0 iff validation failed with a diagnostic matching regex
//   report-write <out.json> <key=value>... <stack results json lines file>
import fs from 'node:fs';

const [cmd, ...args] = process.argv.slice(2);

const readJson = (f) => JSON.parse(fs.readFileSync(f, 'utf8'));
const writeJson = (f, v) => fs.writeFileSync(f, JSON.stringify(v, null, 2) + '\n');
const die = (msg, code = 2) => {
  process.stderr.write(`terraform-json: ${msg}\n`);
  process.exit(code);
};

// Auth-related provider arguments are removed for plan, so the plan can only
// ever talk to https://dummy.invalid with the obviously fake token "dummy".
const KEEP_PROVIDER_KEYS = new Set(['alias', 'account_id']);

function fmtDiag(d, indent = '    ') {
  const where = [];
  if (d.address) where.push(d.address);
  else if (d.snippet && d.snippet.context) where.push(d.snippet.context);
  if (d.range && d.range.filename) where.push(`${d.range.filename}:${d.range.start ? d.range.start.line : '?'}`);
  const lines = [`${indent}${(d.severity || 'error').toUpperCase()}: ${d.summary || ''}`];
  if (d.detail) lines.push(`${indent}  detail:  ${d.detail.replace(/\n/g, `\n${indent}           `)}`);
  if (where.length) lines.push(`${indent}  address: ${where.join('  @ ')}`);
  if (d.snippet && d.snippet.code) lines.push(`${indent}  code:    ${d.snippet.code.trim()}`);
  return lines.join('\n');
}

// Heuristic: a plan error is "needs the API" when it comes from the provider
// trying to reach the (dummy) workspace, not from the configuration itself.
const API_ERROR_RE =
  /dummy\.invalid|no such host|dial tcp|connection refused|i\/o timeout|Client\.Timeout|context deadline exceeded|default auth|cannot configure default credentials|invalid access token|authenticat/i;

function setPath(obj, path, value) {
  const parts = path.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  let cur = obj;
  for (let i = 0; i < parts.length - 1; i++) {
    if (cur[parts[i]] === undefined || cur[parts[i]] === null) die(`mutate: path ${path} not found at ${parts[i]}`);
    cur = cur[parts[i]];
  }
  const last = parts[parts.length - 1];
  if (value === '__DELETE__') delete cur[last];
  else cur[last] = value;
}

switch (cmd) {
  case 'required-version': {
    const j = readJson(args[0]);
    const rp = (j.terraform && j.terraform.required_providers) || {};
    const d = rp.databricks;
    process.stdout.write(d && typeof d === 'object' && d.version ? String(d.version) : '');
    break;
  }
  case 'set-provider-version': {
    const j = readJson(args[0]);
    const d = j.terraform && j.terraform.required_providers && j.terraform.required_providers.databricks;
    if (d && typeof d === 'object') d.version = args[1];
    writeJson(args[0], j);
    break;
  }
  case 'prepare-plan': {
    const j = readJson(args[0]);
    if (j.terraform) {
      delete j.terraform.backend;
      delete j.terraform.cloud;
    }
    const p = j.provider && j.provider.databricks;
    if (p) {
      const blocks = Array.isArray(p) ? p : [p];
      const fixed = blocks.map((b) => {
        const out = {};
        for (const k of Object.keys(b || {})) if (KEEP_PROVIDER_KEYS.has(k)) out[k] = b[k];
        out.host = 'https://dummy.invalid';
        out.token = 'dummy';
        return out;
      });
      j.provider.databricks = Array.isArray(p) ? fixed : fixed[0];
    }
    // Input variables without a default would stop a non-interactive plan: give
    // simple-typed ones an obviously fake default (plan copy only).
    const dummyFor = { string: 'dummy', number: 0, bool: false };
    for (const [name, v] of Object.entries(j.variable || {})) {
      if (v && typeof v === 'object' && !('default' in v)) {
        const t = String(v.type || 'string').replace(/^\$\{|\}$/g, '');
        if (t in dummyFor) v.default = dummyFor[t];
        else process.stderr.write(`terraform-json: variable ${name} (type ${t}) has no default; plan may stop on it\n`);
      }
    }
    writeJson(args[0], j);
    break;
  }
  case 'mutate': {
    const [inF, outF, path, raw] = args;
    const j = readJson(inF);
    setPath(j, path, raw === '__DELETE__' ? raw : JSON.parse(raw));
    writeJson(outF, j);
    break;
  }
  case 'report-validate': {
    let j;
    try {
      j = readJson(args[0]);
    } catch (e) {
      die(`cannot parse validate output ${args[0]}: ${e.message}`, 1);
    }
    const diags = j.diagnostics || [];
    const errs = diags.filter((d) => d.severity === 'error');
    const warns = diags.filter((d) => d.severity !== 'error');
    if (j.valid) {
      console.log(`  validate: OK (${warns.length} warning(s))`);
      for (const d of warns) console.log(fmtDiag(d));
      process.exit(0);
    }
    console.log(`  validate: FAILED (${errs.length} error(s), ${warns.length} warning(s))`);
    for (const d of [...errs, ...warns]) console.log(fmtDiag(d));
    process.exit(1);
  }
  case 'report-plan': {
    const [planFile, classOut] = args;
    const lines = fs.existsSync(planFile) ? fs.readFileSync(planFile, 'utf8').split('\n') : [];
    const errs = [];
    let summary = null;
    for (const line of lines) {
      if (!line.trim().startsWith('{')) continue;
      let m;
      try {
        m = JSON.parse(line);
      } catch {
        continue;
      }
      if (m.type === 'diagnostic' && m.diagnostic && m.diagnostic.severity === 'error') errs.push(m.diagnostic);
      if (m.type === 'change_summary') summary = m.changes;
    }
    if (errs.length === 0) {
      fs.writeFileSync(classOut, summary ? `ok ${summary.add} to add, ${summary.change} to change, ${summary.remove} to destroy` : 'ok');
      break;
    }
    const apiErrs = errs.filter((d) => API_ERROR_RE.test(`${d.summary} ${d.detail || ''}`));
    const first = (apiErrs[0] || errs[0]);
    const addr = first.address || (first.snippet && first.snippet.context) || 'provider configuration';
    const oneLine = (s) => String(s || '').replace(/\s+/g, ' ').trim();
    if (apiErrs.length === errs.length) {
      const addrs = [...new Set(apiErrs.map((d) => d.address || (d.snippet && d.snippet.context) || 'provider configuration'))];
      fs.writeFileSync(classOut, `api ${addrs.join(', ')} needs the workspace API (${oneLine(first.summary)})`);
      for (const d of apiErrs) console.log(fmtDiag(d, '      '));
    } else {
      fs.writeFileSync(classOut, `error ${addr}: ${oneLine(first.summary)}`);
      for (const d of errs) console.log(fmtDiag(d, '      '));
    }
    break;
  }
  case 'assert-create-only': {
    const j = readJson(args[0]);
    const bad = [];
    const counts = {};
    for (const rc of j.resource_changes || []) {
      const a = (rc.change && rc.change.actions) || [];
      const key = a.join(',');
      counts[key] = (counts[key] || 0) + 1;
      const ok = a.length === 1 && ['create', 'no-op', 'read'].includes(a[0]);
      if (!ok) bad.push(`${rc.address}: ${JSON.stringify(a)}`);
    }
    const c = Object.entries(counts).map(([k, v]) => `${v} ${k}`).join(', ') || 'no resource changes';
    if (bad.length) {
      console.log(`  plan: FAILED - non-create actions on an empty state (${c}):`);
      for (const b of bad) console.log(`    ${b}`);
      process.exit(1);
    }
    console.log(`  plan: OK - create-only (${c})`);
    break;
  }
  case 'expect-diag': {
    const [f, re] = args;
    let j;
    try {
      j = readJson(f);
    } catch (e) {
      console.log(`    cannot parse ${f}: ${e.message}`);
      process.exit(1);
    }
    const rx = new RegExp(re, 'i');
    const hit = (j.diagnostics || []).find((d) => d.severity === 'error' && rx.test(`${d.summary} ${d.detail || ''}`));
    if (!j.valid && hit) {
      console.log(`    got the expected error: ${hit.summary}${hit.detail ? ` / ${hit.detail}` : ''}`);
      process.exit(0);
    }
    console.log(j.valid ? '    validation unexpectedly PASSED' : `    validation failed, but no error matched /${re}/:`);
    for (const d of j.diagnostics || []) console.log(fmtDiag(d, '      '));
    process.exit(1);
  }
  case 'report-write': {
    // report-write <out.json> <results.jsonl> key=value...
    const [out, resultsFile, ...kv] = args;
    const report = { generated_at: new Date().toISOString() };
    for (const pair of kv) {
      const i = pair.indexOf('=');
      report[pair.slice(0, i)] = pair.slice(i + 1);
    }
    report.stacks = fs.existsSync(resultsFile)
      ? fs.readFileSync(resultsFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l))
      : [];
    writeJson(out, report);
    break;
  }
  case 'json-line': {
    // json-line key=value... -> one JSON object on stdout (for results.jsonl)
    const o = {};
    for (const pair of args) {
      const i = pair.indexOf('=');
      o[pair.slice(0, i)] = pair.slice(i + 1);
    }
    process.stdout.write(JSON.stringify(o) + '\n');
    break;
  }
  default:
    die(`unknown command '${cmd || ''}'`);
}
