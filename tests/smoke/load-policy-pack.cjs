// Loads a policy pack the way Pulumi's policy-pack host does (@pulumi/pulumi/cmd/run-policy-pack/run.js):
// from the pack's folder, ts-node with type-checking, the same compiler-option defaults overlaid by the
// pack's tsconfig.json. The pack then starts its analyzer server and prints its port, as it would for
// the engine. Usage (cwd = the pack folder): node load-policy-pack.cjs
"use strict";
const fs = require("node:fs");
const tsutils = require("@pulumi/pulumi/tsutils");
const semver = require("semver");

const tsConfigPath = "tsconfig.json";
const { tsnodeRequire, typescriptRequire } = tsutils.typeScriptRequireStrings();
const compilerOptions = tsutils.loadTypeScriptCompilerOptions(tsConfigPath);
const ts = require(typescriptRequire);
const useNodeNext = semver.parse(ts.version).compare(new semver.SemVer("4.7.0")) >= 0;
require(tsnodeRequire).register({
  typeCheck: true,
  skipProject: !fs.existsSync(tsConfigPath),
  compiler: typescriptRequire,
  compilerOptions: {
    target: "ES2020",
    module: useNodeNext ? "nodenext" : "commonjs",
    moduleResolution: useNodeNext ? "nodenext" : "node",
    sourceMap: "true",
    ...compilerOptions,
  },
});
require(require("node:path").resolve("index.ts"));
