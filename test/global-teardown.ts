import * as fs from "fs";

export default function globalTeardown(): void {
  const cache = process.env.DBX_TEST_RUN_CACHE;
  if (cache) fs.rmSync(cache, { recursive: true, force: true });
}
