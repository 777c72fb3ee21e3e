import * as fs from "fs";
import * as path from "path";
import { renderRulesDoc } from "../../policy/rules-doc";
import { PROJECT_ROOT } from "../helpers";

const DOC = path.join(PROJECT_ROOT, "docs", "policy-rules.md");

test("docs/policy-rules.md lists every rule as the rule objects define it", () => {
  const expected = renderRulesDoc();
  if (process.env.UPDATE_POLICY_DOCS) fs.writeFileSync(DOC, expected);
  expect(fs.readFileSync(DOC, "utf8")).toBe(expected);
});
