import * as path from "path";
import { ConfigError, loadEnvironments } from "../stacks/config/load";
import { auditStacksDir } from "./audit";

const USAGE = "usage: audit [--outdir DIR] [--environments DIR]";

/**
 * `npm run audit`: runs the policy pack over an existing synth output and rewrites its audit
 * reports, without synthesizing. Exits 1 on error findings, 2 on bad usage.
 */
function main(argv: string[]): void {
  const projectRoot = path.resolve(__dirname, "..", "..");
  const args: Record<string, string> = {};
  for (let i = 0; i < argv.length; i += 2) {
    if (!["--outdir", "--environments"].includes(argv[i]) || argv[i + 1] === undefined) {
      console.error(USAGE);
      process.exitCode = 2;
      return;
    }
    args[argv[i]] = argv[i + 1];
  }
  const outdir = path.resolve(args["--outdir"] ?? process.env.CDKTF_OUTDIR ?? path.join(projectRoot, "cdktf.out"));
  try {
    const environments = loadEnvironments(path.resolve(args["--environments"] ?? path.join(projectRoot, "environments")), process.env, projectRoot);
    const result = auditStacksDir(path.join(outdir, "stacks"), environments);
    for (const w of result.warnings) console.warn(`warning: ${w}`);
    for (const e of result.errors) console.error(`error: ${e}`);
    console.log(`audited ${result.audits.map((a) => a.environment).join(", ")}: ${result.errors.length} error(s), ${result.warnings.length} warning(s)`);
    if (result.errors.length > 0) process.exitCode = 1;
  } catch (e) {
    console.error(e instanceof ConfigError ? `configuration errors:\n${e.problems.map((p) => `  ${p}`).join("\n")}` : `audit failed: ${(e as Error).message}`);
    process.exitCode = 1;
  }
}

main(process.argv.slice(2));
