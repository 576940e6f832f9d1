// Loads the Pulumi program the way Pulumi's Node language host does for a TypeScript project
// (@pulumi/pulumi/cmd/run/run.js, CommonJS branch): the same ts-node and TypeScript resolution, the
// same compiler-option defaults overlaid by tsconfig.json, type-checking on. Then runs it under
// mocks and prints what it declared as JSON. Usage: node load-like-pulumi.cjs <stack>
"use strict";
const path = require("node:path");
const fs = require("node:fs");

const { registerLikePulumi } = require("./pulumi-ts-node.cjs");

const stack = process.argv[2];
const tsConfigPath = process.env.PULUMI_NODEJS_TSCONFIG_PATH ?? "tsconfig.json";
const versions = registerLikePulumi(tsConfigPath, (compilerOptions) => ({
  transpileOnly: compilerOptions.noCheck,
  project: tsConfigPath,
}));

const pulumi = require("@pulumi/pulumi");
const { platformMocks } = require("../../policies/offline/mocks.ts");
const { readStackFile, toPulumiConfig } = require("../../policies/offline/stack-files.ts");
const yaml = require("yaml");

const declared = [];
const mocks = platformMocks((token) => {
  throw new Error(`unmocked invoke ${token}`);
});
const record = mocks.newResource;
mocks.newResource = (args) => {
  declared.push(`${args.type} ${args.name}`);
  return record(args);
};

(async () => {
  await pulumi.runtime.setMocks(mocks, "ai-platform", stack, false);
  pulumi.runtime.setAllConfig(toPulumiConfig(readStackFile(stack)));
  const project = yaml.parse(fs.readFileSync("Pulumi.yaml", "utf8"));
  const program = require(path.resolve(project.main));
  const outputs = Object.keys(program);
  for (
    let quiet = 0, last = -1;
    quiet < 20;
    quiet = declared.length === last ? quiet + 1 : 0, last = declared.length
  ) {
    await new Promise((tick) => setTimeout(tick, 10));
  }
  process.stdout.write(
    JSON.stringify({ typescript: versions.typescript, tsnode: versions.tsNode, outputs, declared }),
  );
})().catch((error) => {
  process.stderr.write(String(error?.stack ?? error));
  process.exit(1);
});
