import * as fs from "fs";
import * as path from "path";
import { Construct } from "constructs";
import { AssetType, TerraformAsset, TerraformStack, Testing } from "cdktf";
import { FileAsset } from "../../constructs/file-asset";
import { ValidationError } from "../../constructs/errors";
import { PROJECT_ROOT, tempDir } from "../helpers";

/** The same construct path in a fresh app each time, so logical ids are comparable. */
function inStack(build: (scope: Construct) => void): TerraformStack {
  const stack = new TerraformStack(Testing.app(), "dev");
  build(new Construct(stack, "AnalyticsSql-health"));
  return stack;
}

const SOURCES = ["sql/analytics/job_health_scores.sql", "notebooks/smoke_test.py", "sql/registry/system_tables.json"].map((f) => path.join(PROJECT_ROOT, f));

describe("FileAsset", () => {
  test.each(SOURCES)("names %s at exactly the path cdktf's TerraformAsset gives it", (source) => {
    let ours = "";
    let cdktfs = "";
    inStack((scope) => (ours = new FileAsset(scope, "Asset", { sourcePath: source }).path));
    inStack((scope) => (cdktfs = new TerraformAsset(scope, "Asset", { path: source, type: AssetType.FILE }).path));
    expect(ours).toBe(cdktfs);
    expect(ours).toMatch(/^assets\/AnalyticsSql-health_Asset_[0-9A-F]{8}\/[0-9A-F]{32}\/[^/]+$/);
  });

  test("a relative or unreadable source is refused at construction, naming the construct and the prop", () => {
    inStack((scope) => {
      expect(() => new FileAsset(scope, "Relative", { sourcePath: "notebooks/smoke_test.py" })).toThrow(ValidationError);
      expect(() => new FileAsset(scope, "Missing", { sourcePath: path.join(PROJECT_ROOT, "no-such-file.sql") })).toThrow(
        /dev\/AnalyticsSql-health\/Missing: sourcePath: ".*no-such-file.sql" is not a readable file/,
      );
    });
  });

  describe("write and prune", () => {
    let assets: FileAsset[] = [];
    inStack((scope) => (assets = SOURCES.map((s, i) => new FileAsset(scope, `A${i}`, { sourcePath: s }))));

    test("write puts each file at its path with its content, and rewrites nothing already right", () => {
      const dir = tempDir("dbx-asset-");
      FileAsset.write(assets, dir);
      for (const a of assets) expect(fs.readFileSync(path.join(dir, a.path))).toEqual(fs.readFileSync(a.sourcePath));
      const inodes = assets.map((a) => fs.statSync(path.join(dir, a.path)).ino);
      FileAsset.write(assets, dir);
      expect(assets.map((a) => fs.statSync(path.join(dir, a.path)).ino)).toEqual(inodes);
    });

    test("write replaces a file of the same size but other content, and a short one left by an interrupted write", () => {
      const dir = tempDir("dbx-asset-");
      FileAsset.write(assets, dir);
      const [tampered, short] = assets.map((a) => path.join(dir, a.path));
      fs.writeFileSync(tampered, Buffer.alloc(fs.statSync(tampered).size, "x"));
      fs.writeFileSync(short, "trunc");
      FileAsset.write(assets, dir);
      expect(fs.readFileSync(tampered)).toEqual(fs.readFileSync(assets[0].sourcePath));
      expect(fs.readFileSync(short)).toEqual(fs.readFileSync(assets[1].sourcePath));
    });

    test("prune removes stale versions, stale assets and stray files, and keeps every named one", () => {
      const dir = tempDir("dbx-asset-");
      FileAsset.write(assets, dir);
      const named = path.join(dir, assets[0].path);
      const staleVersion = path.join(path.dirname(path.dirname(named)), "0".repeat(32), "old.sql");
      const staleAsset = path.join(dir, "assets", "Gone_Asset_12345678", "A".repeat(32), "gone.py");
      const stray = `${named}.1234.partial`;
      for (const f of [staleVersion, staleAsset, stray]) {
        fs.mkdirSync(path.dirname(f), { recursive: true });
        fs.writeFileSync(f, "stale");
      }
      FileAsset.prune(assets, dir);
      for (const f of [staleVersion, staleAsset, stray]) expect(fs.existsSync(f)).toBe(false);
      expect(fs.existsSync(path.dirname(staleVersion))).toBe(false);
      expect(fs.existsSync(path.join(dir, "assets", "Gone_Asset_12345678"))).toBe(false);
      for (const a of assets) expect(fs.existsSync(path.join(dir, a.path))).toBe(true);
      FileAsset.prune([], dir);
      expect(fs.readdirSync(path.join(dir, "assets"))).toEqual([]);
    });

    test("prune of a stack folder without assets/ is a no-op", () => {
      expect(() => FileAsset.prune(assets, tempDir("dbx-asset-"))).not.toThrow();
    });
  });
});
