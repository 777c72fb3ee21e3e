import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/**
 * `npm run bench`: how long a full synth of every stack takes and how much memory it needs,
 * against the floor — a Node process that only loads cdktf and the provider modules the app uses.
 * Each measurement is a fresh process, as `cdktf synth` runs one. Target: median synth <= 1.5x floor.
 *
 * Options: --runs N (default 7).
 */

const ROOT = path.resolve(__dirname, "..", "..");
const TARGET_RATIO = 1.5;

interface Sample {
  wallMs: number;
  maxRssMb: number;
}

function main(): void {
  const runs = Number(argValue("--runs") ?? 7);
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "dbx-bench-"));
  const probe = path.join(outdir, "probe.js");
  // Reports the process's peak RSS when it exits; preloaded into each measured process.
  fs.writeFileSync(probe, `process.on("exit", () => { require("fs").writeSync(3, String(process.resourceUsage().maxRSS)); });\n`);
  const floorScript = path.join(outdir, "floor.js");
  fs.writeFileSync(floorScript, providerModules().map((m) => `require(${JSON.stringify(m)});`).join("\n") + "\n");

  const synthArgs = [path.join(ROOT, "dist", "stacks", "main.js"), "--outdir", path.join(outdir, "cdktf.out")];
  const floorArgs = [floorScript];
  measure(floorArgs, probe); // warm the file system cache once for both
  measure(synthArgs, probe);
  const floor: Sample[] = [];
  const synth: Sample[] = [];
  for (let i = 0; i < runs; i++) {
    floor.push(measure(floorArgs, probe));
    synth.push(measure(synthArgs, probe));
  }
  fs.rmSync(outdir, { recursive: true, force: true });

  const f = summarize(floor);
  const s = summarize(synth);
  const ratio = s.wallMs / f.wallMs;
  console.log(`runs: ${runs} (fresh node process each), node ${process.version}, ${os.cpus().length} cpus`);
  console.log(`floor (node + cdktf + ${providerModules().length - 2} provider modules): median ${f.wallMs.toFixed(0)} ms, peak RSS ${f.maxRssMb.toFixed(0)} MB`);
  console.log(`full synth (all stacks):                median ${s.wallMs.toFixed(0)} ms, peak RSS ${s.maxRssMb.toFixed(0)} MB`);
  console.log(`ratio synth/floor: ${ratio.toFixed(2)}x wall, ${(s.maxRssMb / f.maxRssMb).toFixed(2)}x memory (target <= ${TARGET_RATIO}x wall)`);
  if (ratio > TARGET_RATIO) {
    console.log(`over target: synth takes ${ratio.toFixed(2)}x the floor`);
    process.exitCode = 1;
  }
  hostileValue();
}

/** #12 item 6: a 1 MB value is refused well under a second (CPU time; wall time varies with load). */
function hostileValue(): void {
  const HOSTILE_TARGET_MS = 1000;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { loadEnvironmentFile } = require(path.join(ROOT, "dist", "stacks", "config", "load.js")) as typeof import("../stacks/config/load");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dbx-bench-hostile-"));
  const file = path.join(dir, "prod.yaml");
  const prod = fs.readFileSync(path.join(ROOT, "environments", "prod.yaml"), "utf8");
  loadEnvironmentFile(path.join(ROOT, "environments", "prod.yaml"), {}, ROOT); // warm up the schema
  const results: string[] = [];
  let worst = 0;
  for (const [name, value] of [
    ["1 MB double-quoted", `"${"a:".repeat(512 * 1024)}"`],
    ["1 MB password-in-URL bait", `"${"a://b:".repeat(174_763)}"`],
  ] as const) {
    fs.writeFileSync(file, prod.replace("owner: platform-operations", `owner: ${value}`));
    const before = process.cpuUsage();
    try {
      loadEnvironmentFile(file, {}, dir);
    } catch {
      // refused, as expected
    }
    const used = process.cpuUsage(before);
    const ms = (used.user + used.system) / 1000;
    worst = Math.max(worst, ms);
    results.push(`${name} ${ms.toFixed(0)} ms`);
  }
  fs.rmSync(dir, { recursive: true, force: true });
  console.log(`hostile 1 MB values, loader CPU time: ${results.join(", ")} (target < ${HOSTILE_TARGET_MS} ms)`);
  if (worst >= HOSTILE_TARGET_MS) process.exitCode = 1;
}

function measure(args: string[], probe: string): Sample {
  const rssFile = path.join(path.dirname(probe), "rss.txt");
  const fd = fs.openSync(rssFile, "w");
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, ["--require", probe, ...args], { stdio: ["ignore", "ignore", "inherit", fd], cwd: ROOT });
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  fs.closeSync(fd);
  if (result.status !== 0) throw new Error(`${args.join(" ")} exited with ${result.status}`);
  return { wallMs, maxRssMb: Number(fs.readFileSync(rssFile, "utf8")) / 1024 };
}

function summarize(samples: Sample[]): Sample {
  const median = (xs: number[]) => {
    const sorted = [...xs].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  };
  return { wallMs: median(samples.map((x) => x.wallMs)), maxRssMb: Math.max(...samples.map((x) => x.maxRssMb)) };
}

/** cdktf, constructs and every provider module the app imports, found in the compiled output. */
function providerModules(): string[] {
  const found = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith(".js")) {
        for (const m of fs.readFileSync(full, "utf8").matchAll(/require\("(@cdktf\/provider-databricks\/lib\/[a-z0-9-]+)"\)/g)) found.add(m[1]);
      }
    }
  };
  walk(path.join(ROOT, "dist", "constructs"));
  walk(path.join(ROOT, "dist", "stacks"));
  return ["cdktf", "constructs", ...[...found].sort()].map((m) => require.resolve(m, { paths: [ROOT] }));
}

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

main();
