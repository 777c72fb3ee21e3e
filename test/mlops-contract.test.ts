import * as fs from "fs";
import * as path from "path";
import { loadMlopsContract, MLOPS_CONTRACT, MLOPS_CONTRACT_FILE, unpackParameters } from "../constructs/mlops-contract";
import { processedInferenceColumns } from "../constructs/inference-table";
import { exampleStack, exampleConfigs, PROJECT_ROOT, resourcesOf, tempDir } from "./helpers";

const contract = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, MLOPS_CONTRACT_FILE), "utf8"));

describe("the MLOps contract (sql/registry/mlops_contract.json), TypeScript side", () => {
  test("is what the constructs read", () => {
    expect(MLOPS_CONTRACT).toEqual(contract);
  });

  test("the processed table's columns are the contract's, in order, with the model's names and types", () => {
    const cols = processedInferenceColumns({ prediction: "p", label: "l", modelId: "m", timestamp: "t" }, "double", [{ name: "f1", type: "int" }]);
    const expected = (contract.processed_columns as { name?: string; role?: string; type?: string }[]).flatMap((c) =>
      c.role === "features" ? [["f1", "int"]] : [[c.name ?? { timestamp: "t", model_id: "m", prediction: "p", label: "l" }[c.role!], c.type === "prediction_type" ? "double" : c.type]],
    );
    expect(cols.map((c) => [c.name, c.type])).toEqual(expected);
    expect(cols.filter((c) => c.nullable === false).map((c) => c.name)).toEqual(["request_id", "record_index"]);
  });

  test("every unpack task of every stack passes exactly the contract's parameters", () => {
    const configs = exampleConfigs();
    for (const env of Object.keys(configs)) {
      const tf = exampleStack(env);
      const contractFile = Object.entries(resourcesOf(tf, "databricks_workspace_file")).find(([id]) => id.startsWith("Mlops_Contract"))!;
      expect(contractFile[1].path).toMatch(/\/mlops\/mlops_contract\.json$/);
      const jobs = Object.entries(resourcesOf(tf, "databricks_job")).filter(([id]) => id.startsWith("Mlops_UnpackJob"));
      expect(jobs).toHaveLength(1);
      for (const task of jobs[0][1].task as { notebook_task: { base_parameters: Record<string, string> } }[]) {
        expect(Object.keys(task.notebook_task.base_parameters).sort()).toEqual([...contract.unpack_parameters].sort());
        expect(task.notebook_task.base_parameters.contract_path).toBe(`\${databricks_workspace_file.${contractFile[0]}.path}`);
      }
    }
  });

  test("unpack parameters: a missing or unknown one is refused", () => {
    const all = Object.fromEntries((contract.unpack_parameters as string[]).map((p) => [p, "x"]));
    expect(Object.keys(unpackParameters(all))).toEqual(contract.unpack_parameters);
    const { target_table: _dropped, ...missing } = all;
    expect(() => unpackParameters(missing)).toThrow("missing target_table");
    expect(() => unpackParameters({ ...all, extra: "y" })).toThrow("unknown extra");
  });

  test("a malformed contract file is refused, naming the file", () => {
    const file = path.join(tempDir("dbx-contract-"), "c.json");
    fs.writeFileSync(file, JSON.stringify({ ...contract, processed_columns: [{ name: "a", role: "label", type: "int" }] }));
    expect(() => loadMlopsContract(file)).toThrow(`${file}: processed_columns[0]: set exactly one of name, role`);
  });
});
