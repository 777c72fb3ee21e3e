import * as path from "path";
import { ConfigError } from "./config/load";
import { PolicyViolationError } from "../policy/audit";
import { synthesize } from "./synth";

const USAGE = "usage: main.js [--environments DIR] [--outdir DIR]";

/**
 * Entry point of `npm run synth` and of cdktf.json's `app`. Bad configuration prints every
 * problem, one per line, and exits 1 without touching the output directory.
 */
function main(argv: string[]): void {
  const projectRoot = path.resolve(__dirname, "..", "..");
  const args = parseArgs(argv);
  if (!args) {
    console.error(USAGE);
    process.exitCode = 2;
    return;
  }
  const outdir = path.resolve(args.outdir ?? process.env.CDKTF_OUTDIR ?? path.join(projectRoot, "cdktf.out"));
  const environmentsDir = args.environments ? path.resolve(args.environments) : undefined;
  try {
    const stacks = synthesize({ projectRoot, outdir, environmentsDir, onPolicyWarning: (w) => console.warn(`policy warning: ${w}`) });
    console.log(`synthesized ${stacks.join(", ")} into ${path.relative(process.cwd(), outdir) || outdir}`);
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(`configuration error${e.problems.length > 1 ? "s" : ""}:\n${e.problems.map((p) => `  ${p}`).join("\n")}`);
    } else if (e instanceof PolicyViolationError) {
      console.error(`${e.message}\nnothing was published; fix the findings or suppress them with a reason (docs/policy-rules.md)`);
    } else {
      console.error(`synth failed: ${(e as Error).message}`);
    }
    process.exitCode = 1;
  }
}

function parseArgs(argv: string[]): { environments?: string; outdir?: string } | undefined {
  const out: { environments?: string; outdir?: string } = {};
  for (let i = 0; i < argv.length; i += 2) {
    const value = argv[i + 1];
    if (value === undefined) return undefined;
    if (argv[i] === "--environments") out.environments = value;
    else if (argv[i] === "--outdir") out.outdir = value;
    else return undefined;
  }
  return out;
}

main(process.argv.slice(2));
