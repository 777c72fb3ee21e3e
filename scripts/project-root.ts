import * as fs from "fs";
import * as path from "path";

/** The folder holding package.json, found upwards from this file (works from scripts/ and dist/scripts/). */
export function projectRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "package.json")) && fs.existsSync(path.join(dir, "sql"))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no project root (package.json + sql/) above ${__dirname}`);
  }
}
