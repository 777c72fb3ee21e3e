import * as fs from "fs";
import * as path from "path";
import { ConfigError } from "./config/load";
import { PolicyViolationError } from "../policy/audit";
import { removeStagingDirectories, synthesize, SynthUsageError } from "./synth";

const USAGE = "usage: main.js [--environments DIR] [--outdir DIR] [--strict]";

export interface MainArgs {
  environments?: string;
  outdir?: string;
  /** Outside development, a `${VAR:default}` with its variable unset is an error (CI). */
  strict?: boolean;
}

/**
 * Entry point of `npm run synth` and of cdktf.json's `app`. Bad configuration prints every
 * problem, one per line, and exits 1 without touching the output directory.
 */
function main(argv: string[]): void {
  const projectRoot = findProjectRoot(__dirname);
  const args = parseArgs(argv);
  if (!args) {
    console.error(USAGE);
    process.exitCode = 2;
    return;
  }
  const outdir = path.resolve(args.outdir ?? process.env.CDKTF_OUTDIR ?? path.join(projectRoot, "cdktf.out"));
  const environmentsDir = args.environments ? path.resolve(args.environments) : undefined;
  try {
    const stacks = synthesize({
      projectRoot,
      outdir,
      environmentsDir,
      strict: args.strict,
      onPolicyWarning: (w) => console.warn(`policy warning: ${w}`),
    });
    console.log(`synthesized ${stacks.join(", ")} into ${path.relative(process.cwd(), outdir) || outdir}`);
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(`configuration error${e.problems.length > 1 ? "s" : ""}:\n${e.problems.map((p) => `  ${p}`).join("\n")}`);
    } else if (e instanceof PolicyViolationError) {
      console.error(`${e.message}\nnothing was published; fix the findings or suppress them with a reason (docs/policy-rules.md)`);
    } else if (e instanceof SynthUsageError) {
      console.error(e.message);
    } else {
      // Never a stack trace: the first line of the message is what the user can act on.
      console.error(`synth failed: ${String((e as Error)?.message ?? e).split("\n")[0]}`);
    }
    process.exitCode = 1;
  }
}

/** The nearest ancestor holding cdktf.json: `dist/stacks` when built, `stacks` when run from source. */
function findProjectRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "cdktf.json"))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(from, "..", "..");
  }
}

export function parseArgs(argv: string[]): MainArgs | undefined {
  const out: MainArgs = {};
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--strict") {
      out.strict = true;
      continue;
    }
    const value = argv[i + 1];
    if (value === undefined) return undefined;
    if (argv[i] === "--environments") out.environments = value;
    else if (argv[i] === "--outdir") out.outdir = value;
    else return undefined;
    i++;
  }
  return out;
}

/**
 * Staging is removed on every exit path: `finally` for errors, these handlers for signals. Synth
 * is synchronous, so a signal is handled once the current step returns; the handler removes what
 * is left and exits with the conventional 128 + signal number. A SIGKILLed synth's leftovers are
 * removed by the next synth (removeAbandonedStaging).
 */
export function installSignalHandlers(): void {
  const exitCodes: Record<string, number> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };
  for (const [signal, code] of Object.entries(exitCodes)) {
    process.once(signal as NodeJS.Signals, () => {
      removeStagingDirectories();
      console.error(`synth interrupted (${signal}); staging removed`);
      process.exit(code);
    });
  }
  process.once("exit", removeStagingDirectories);
}

/** The command line: `npm run synth` runs this file; cdktf.json's launcher (scripts/cdktf-app.js) calls it. */
export function runCli(argv: string[]): void {
  installSignalHandlers();
  main(argv);
}

if (require.main === module) runCli(process.argv.slice(2));
