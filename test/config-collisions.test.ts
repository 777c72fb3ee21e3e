import * as fs from "fs";
import * as path from "path";
import { buildApp, resolveEnvironments } from "../stacks/app";
import { ConfigError } from "../stacks/config/load";
import { PROJECT_ROOT, tempDir } from "./helpers";

// The README's "add an environment" recipe, followed carelessly: copy aut.yaml, change only
// `environment`. The copy must not take over aut's catalog, state or workspace folder.
function environments(files: Record<string, string>): string {
  const dir = tempDir("dbx-envs-");
  for (const e of ["dev", "aut", "prod"]) fs.copyFileSync(path.join(PROJECT_ROOT, "environments", `${e}.yaml`), path.join(dir, `${e}.yaml`));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

function problems(dir: string): readonly string[] {
  try {
    resolveEnvironments({ projectRoot: PROJECT_ROOT, environmentsDir: dir, env: {} });
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
}

const AUT = fs.readFileSync(path.join(PROJECT_ROOT, "environments", "aut.yaml"), "utf8");
const rel = (dir: string, f: string) => path.relative(process.cwd(), path.join(dir, f));

describe("environments that would manage the same things are refused, naming both files", () => {
  test("the example environments do not collide", () => {
    expect(problems(environments({}))).toEqual([]);
  });

  test("a copy of aut.yaml with only a new name shares aut's catalog; its state key and folder derive from the name", () => {
    const dir = environments({ "qa.yaml": AUT.replace("environment: aut", "environment: qa") });
    expect(problems(dir)).toEqual([
      `${rel(dir, "qa.yaml")}: shares its catalog observability_aut on https://dbc-aut-example.cloud.databricks.com with ${rel(dir, "aut.yaml")}: each environment needs its own (set it, or let the environment name derive it)`,
    ]);
    // The app refuses it the same way, before building any stack.
    expect(() => buildApp({ projectRoot: PROJECT_ROOT, outdir: tempDir("dbx-out-"), environmentsDir: dir, env: {} })).toThrow(ConfigError);
  });

  test("an explicit state key, and a workspace folder, that another environment already uses", () => {
    const copy = AUT.replace("environment: aut", "environment: qa")
      .replace("${DBX_CATALOG_AUT:observability_aut}", "observability_qa")
      .replace("  region: ${DBX_STATE_REGION:eu-west-1}", "  key: databricks-observability/aut.tfstate\n  region: ${DBX_STATE_REGION:eu-west-1}")
      .replace("workspace:\n", "workspace:\n  rootPath: /Workspace/Shared/databricks-observability/aut\n");
    const found = problems(environments({ "qa.yaml": copy }));
    expect(found).toHaveLength(2);
    expect(found[0]).toMatch(/qa\.yaml: shares its state location s3:\/\/example-dbx-observability-tfstate\/databricks-observability\/aut\.tfstate with .*aut\.yaml/);
    expect(found[1]).toMatch(/qa\.yaml: shares its workspace folder \/Workspace\/Shared\/databricks-observability\/aut on https:\/\/dbc-aut-example\.cloud\.databricks\.com with .*aut\.yaml/);
  });
});
