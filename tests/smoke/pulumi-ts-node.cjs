// What Pulumi's Node hosts (@pulumi/pulumi/cmd/run and cmd/run-policy-pack) do before loading
// TypeScript: resolve the project's ts-node and TypeScript (else Pulumi's vendored ones) and overlay
// tsconfig.json's compilerOptions on their defaults. Shared by the two loader scripts beside it.
"use strict";
const fs = require("node:fs");
const tsutils = require("@pulumi/pulumi/tsutils");
const semver = require("semver");

/** Registers ts-node as the host does; `options` are the host-specific register options. */
function registerLikePulumi(tsConfigPath, options) {
  const compilerOptions = tsutils.loadTypeScriptCompilerOptions(tsConfigPath);
  const { tsnodeRequire, typescriptRequire } = tsutils.typeScriptRequireStrings();
  const ts = require(typescriptRequire);
  const useNodeNext = semver.parse(ts.version).compare(new semver.SemVer("4.7.0")) >= 0;
  const tsNode = require(tsnodeRequire);
  tsNode.register({
    ...options(compilerOptions),
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
  return { typescript: ts.version, tsNode: tsNode.VERSION };
}

module.exports = { registerLikePulumi };
