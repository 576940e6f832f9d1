import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { REPO_ROOT } from "../../policies/offline/stack-files";
import { renderPolicyDocs } from "../../tools/docs/policy-docs";
import { renderDriftSample } from "../../tools/docs/write-docs";

const doc = (name: string) => readFileSync(join(REPO_ROOT, "docs", name), "utf8");

it("docs/policies.md matches the rules (run `npm run docs` after changing a rule or a policy config)", () => {
  expect(doc("policies.md")).toBe(renderPolicyDocs());
});

it("docs/drift-sample.md matches what the report builder makes of the sample events", () => {
  expect(doc("drift-sample.md")).toBe(renderDriftSample());
});
