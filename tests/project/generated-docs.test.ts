import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { REPO_ROOT, STACK_NAMES } from "../../policies/offline/stack-files";
import { renderResourcesDoc } from "../../tools/docs/footprint/render";
import { stackFootprint } from "../../tools/docs/footprint/stack-footprint";
import { renderPolicyDocs } from "../../tools/docs/policy-docs";
import { renderDriftSample } from "../../tools/docs/write-docs";
import { runStackFile } from "../harness/run-stack";

const doc = (name: string) => readFileSync(join(REPO_ROOT, "docs", name), "utf8");

it("docs/policies.md matches the rules (run `npm run docs` after changing a rule or a policy config)", () => {
  expect(doc("policies.md")).toBe(renderPolicyDocs());
});

it("docs/drift-sample.md matches what the report builder makes of the sample events", () => {
  expect(doc("drift-sample.md")).toBe(renderDriftSample());
});

it("docs/resources.md matches what every stack file declares (run `npm run docs` after changing sizes or services)", async () => {
  const footprints = [];
  for (const stack of STACK_NAMES) footprints.push(stackFootprint(stack, await runStackFile(stack)));
  expect(doc("resources.md")).toBe(renderResourcesDoc(footprints));
});

it("npm run docs renders each stack in a child process to the same footprint", async () => {
  const child = spawnSync(
    process.execPath,
    [
      "-r",
      "ts-node/register/transpile-only",
      join(REPO_ROOT, "tools", "docs", "footprint", "collect.ts"),
      "local",
    ],
    { cwd: REPO_ROOT, encoding: "utf8" },
  );
  expect(child.stderr).toBe("");
  expect(JSON.parse(child.stdout)).toEqual(stackFootprint("local", await runStackFile("local")));
});
