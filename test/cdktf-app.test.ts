import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { nodeCommand } from "../scripts/bench";
import { PROJECT_ROOT, tempDir } from "./helpers";

// cdktf.json's app command, as the cdktf CLI runs it: no arguments, CDKTF_OUTDIR set.
const cdktf = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "cdktf.json"), "utf8"));

function app(outdir: string, ...args: string[]) {
  return spawnSync(process.execPath, [...nodeCommand(cdktf.app, "cdktf.json app").args, ...args], {
    encoding: "utf8",
    cwd: PROJECT_ROOT,
    env: { ...process.env, CDKTF_OUTDIR: outdir },
  });
}
const DIST = path.join(PROJECT_ROOT, "dist");

describe("the cdktf app command", () => {
  test("is the launcher, not a full tsc build, with the node options of npm run synth", () => {
    const app = nodeCommand(cdktf.app, "cdktf.json app");
    expect(app.args.slice(app.nodeOptions.length)).toEqual([path.join(PROJECT_ROOT, "scripts", "cdktf-app.js")]);
    const synth: string = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8")).scripts.synth;
    expect(synth).toMatch(/^npm run build --silent && node .*dist\/stacks\/main\.js$/);
    expect(nodeCommand(synth.split("&&")[1], "synth").nodeOptions).toEqual(app.nodeOptions);
    // A young generation of 2 MB semi-spaces: the synth's garbage is short-lived (#17, peak RSS).
    expect(app.nodeOptions).toEqual(["--max-semi-space-size=2"]);
  });

  test("synthesizes every stack into CDKTF_OUTDIR", () => {
    const out = tempDir("dbx-app-");
    const run = app(out);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(fs.readdirSync(path.join(out, "stacks")).sort()).toEqual(["aut", "dev", "prod"]);
  }, 120_000);

  // `--build` (what npm test runs first) is the same launcher up to the synth, which the test above covers.
  test("a changed source is transpiled again, and the output of a deleted source is removed", () => {
    expect(app(tempDir("dbx-app-"), "--build").status).toBe(0);
    const stamp = fs.readFileSync(path.join(DIST, ".app-sources.sha256"), "utf8");
    const orphan = path.join(DIST, "constructs", "removed-long-ago.js");
    fs.writeFileSync(orphan, "throw new Error('stale');\n");
    // A newer mtime on one source changes the fingerprint: everything is transpiled again.
    const source = path.join(PROJECT_ROOT, "vocabulary", "reasons.ts");
    const before = fs.statSync(source);
    try {
      fs.utimesSync(source, before.atime, new Date(before.mtimeMs + 1000));
      const out = tempDir("dbx-app-");
      const run = app(out, "--build");
      expect(run.status).toBe(0);
      expect(fs.readdirSync(out)).toEqual([]);
      expect(fs.readFileSync(path.join(DIST, ".app-sources.sha256"), "utf8")).not.toBe(stamp);
      expect(fs.existsSync(orphan)).toBe(false);
    } finally {
      fs.utimesSync(source, before.atime, before.mtime);
      fs.rmSync(orphan, { force: true });
    }
  }, 180_000);
});
