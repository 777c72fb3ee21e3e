import * as fs from "fs";
import * as path from "path";

/**
 * A file of the repository (a contract in sql/registry/, a SQL template), found from this module
 * upwards, so the same code works from the TypeScript sources and from the compiled dist/.
 */
export function repositoryFile(relative: string): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, relative);
    if (fs.existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) throw new Error(`${relative} not found above ${__dirname}`);
  }
}
