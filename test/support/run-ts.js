// Lets a child process run the TypeScript sources directly (`node -r ./test/support/run-ts.js stacks/main.ts`),
// transpiled by the same swc the jest transform uses, so CLI tests need no build.
const fs = require("fs");
const { transformSync } = require("@swc/core");
require.extensions[".ts"] = (module, filename) => {
  const { code } = transformSync(fs.readFileSync(filename, "utf8"), {
    filename,
    jsc: { target: "es2022", parser: { syntax: "typescript" } },
    module: { type: "commonjs" },
  });
  module._compile(code, filename);
};
