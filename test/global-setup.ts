import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/**
 * One cache folder per jest run, for what every test file would otherwise rebuild (helpers
 * `exampleStack`). Workers are started after this runs, so they inherit the variable; the
 * folder is removed by test/global-teardown.ts.
 */
export default function globalSetup(): void {
  process.env.DBX_TEST_RUN_CACHE = fs.mkdtempSync(path.join(os.tmpdir(), "dbx-test-run-"));
}
