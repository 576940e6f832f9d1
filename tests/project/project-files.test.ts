import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { REPO_ROOT, readStackFile, STACK_NAMES } from "../../policies/offline/stack-files";

const read = (file: string) => readFileSync(join(REPO_ROOT, file), "utf8");
const project = parse(read("Pulumi.yaml"));
const pkg = JSON.parse(read("package.json"));

describe("Pulumi.yaml", () => {
  it("is the ai-platform TypeScript project with its program under stacks/", () => {
    expect(project.name).toBe("ai-platform");
    expect(project.runtime).toEqual({ name: "nodejs", options: { typescript: true } });
    expect(project.main).toBe("stacks/index.ts");
    expect(existsSync(join(REPO_ROOT, project.main))).toBe(true);
    expect(project.description).toMatch(/private AI stack on Kubernetes/);
  });

  it("declares only keys every stack file sets (Pulumi refuses stacks missing a declared key without default)", () => {
    for (const [key, declaration] of Object.entries<{ default?: unknown }>(project.config)) {
      if (declaration.default !== undefined) continue;
      for (const stack of STACK_NAMES)
        expect(readStackFile(stack), `${stack} sets ${key}`).toHaveProperty([`ai-platform:${key}`]);
    }
  });
});

describe("toolchain", () => {
  it("targets Node 24 LTS and accepts Node >= 22", () => {
    expect(read(".nvmrc").trim()).toBe("24");
    expect(pkg.engines.node).toBe(">=22");
  });

  it("pins a TypeScript Pulumi's loader accepts (>= 3.8, < 7)", () => {
    const version: string = pkg.devDependencies.typescript;
    expect(version).toMatch(/^(5\.9|6\.0)\.\d+$/);
  });

  it("installs the program, services, policy packs and shared packages as one npm workspace", () => {
    expect(pkg.workspaces).toEqual(["services/*", "policies/*", "packages/*"]);
    // The README's one test command runs everything CI runs.
    expect(pkg.scripts.test).toBe("npm run typecheck && npm run lint && vitest run");
    expect(pkg.scripts.typecheck).toBe("tsc --noEmit -p tsconfig.json");
  });
});
