// Loads a policy pack the way Pulumi's policy-pack host does (@pulumi/pulumi/cmd/run-policy-pack/run.js):
// from the pack's folder, ts-node with type-checking, the same compiler-option defaults overlaid by the
// pack's tsconfig.json. The pack then starts its analyzer server and prints its port, as it would for
// the engine. Usage (cwd = the pack folder): node load-policy-pack.cjs
"use strict";
const path = require("node:path");
const { registerLikePulumi } = require("./pulumi-ts-node.cjs");

registerLikePulumi("tsconfig.json", () => ({ typeCheck: true }));
require(path.resolve("index.ts"));
