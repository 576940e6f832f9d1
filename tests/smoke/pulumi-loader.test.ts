import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../policies/offline/stack-files";

const loader = join(__dirname, "load-like-pulumi.cjs");

function loadLikePulumi(stack: string) {
  const stdout = execFileSync(process.execPath, [loader, stack], {
    cwd: REPO_ROOT,
    encoding: "utf8",
    timeout: 120_000,
  });
  return JSON.parse(stdout) as { typescript: string; tsnode: string; outputs: string[]; declared: string[] };
}

describe("loading stacks/ through ts-node as `pulumi preview` does", () => {
  it.each(["dev", "prod-aws", "local"])("type-checks and runs the %s stack", (stack) => {
    const result = loadLikePulumi(stack);
    // The project's own compiler, not Pulumi's vendored TypeScript 3.8 / ts-node 7 fallbacks.
    expect(result.typescript).toMatch(/^(5\.9|6\.0)\./);
    expect(result.tsnode).toMatch(/^10\./);
    expect(result.outputs).toEqual(expect.arrayContaining(["clusterName", "kubeconfig", "nodePools"]));
    expect(result.declared.length).toBeGreaterThan(stack === "local" ? 1 : 20);
  });
});
