import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { buildApp, BuildAppOptions } from "./app";
import { AUDIT_FILES, auditStacksDir, PolicyViolationError } from "../policy/audit";

/** Files of a stack directory that synthesis owns; everything else (.terraform, plans) is kept. */
const SYNTHESIZED_ENTRIES = ["cdk.tf.json", "assets", ...AUDIT_FILES];

/**
 * Synthesizes into a staging directory and publishes into `outdir` only when every stack
 * synthesized, so a failure leaves the previous output untouched rather than half-written.
 */
export function synthesize(options: Omit<BuildAppOptions, "outdir"> & { outdir: string; onPolicyWarning?: (warning: string) => void }): string[] {
  const staging = fs.mkdtempSync(path.join(os.tmpdir(), "dbx-observability-synth-"));
  try {
    const { app, environments } = buildApp({ ...options, outdir: staging });
    app.synth();
    // The policy pack reads what Terraform will read, and runs before publishing so a violation
    // leaves the previous output, and what CI would plan from it, untouched.
    const audit = auditStacksDir(path.join(staging, "stacks"), environments);
    audit.warnings.forEach((w) => options.onPolicyWarning?.(w));
    if (audit.errors.length > 0) throw new PolicyViolationError(audit.errors);
    return publish(staging, options.outdir);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

function publish(staging: string, outdir: string): string[] {
  const stacks = fs.readdirSync(path.join(staging, "stacks")).sort();
  for (const stack of stacks) {
    const from = path.join(staging, "stacks", stack);
    const to = path.join(outdir, "stacks", stack);
    fs.mkdirSync(to, { recursive: true });
    // Assets are content-addressed directories: clear them so stale versions do not pile up.
    for (const entry of SYNTHESIZED_ENTRIES) fs.rmSync(path.join(to, entry), { recursive: true, force: true });
    fs.cpSync(from, to, { recursive: true });
  }
  fs.copyFileSync(path.join(staging, "manifest.json"), path.join(outdir, "manifest.json"));
  return stacks;
}
