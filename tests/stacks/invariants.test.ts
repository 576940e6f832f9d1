import { describe, expect, it } from "vitest";
import { isTaggable } from "../../policies/lib/taggable";
import { GENERATED_PASSWORD_PREFIX, MOCK_ACK_KUBECONFIG } from "../../policies/offline/mocks";
import { readStackFile, STACK_NAMES } from "../../policies/offline/stack-files";
import { expectNotInPlainInputs } from "../harness/component-checks";
import { ProgramFailed, runProgram, runStackFile, type StackRun } from "../harness/run-stack";

/** Components implemented by provider plugins: recorded under mocks, never expanded. */
const REMOTE_COMPONENTS = ["kubernetes:helm.sh/v4:Chart", "kubernetes-cert-manager:index:CertManager"];
const runs = new Map<string, Promise<StackRun>>();
const render = (stack: string) => {
  if (!runs.has(stack)) runs.set(stack, runStackFile(stack));
  return runs.get(stack) as Promise<StackRun>;
};

describe.each(STACK_NAMES)("stack %s", (stack) => {
  it("tags every taggable cloud resource with team, env and cost-center", async () => {
    const run = await render(stack);
    const taggable = run.resources.filter((resource) => resource.custom && isTaggable(resource.type));
    const file = readStackFile(stack);
    const tags = file["ai-platform:tags"] as { team: string; costCenter: string };
    const expected = {
      team: tags.team,
      env: file["ai-platform:environment"],
      "cost-center": tags.costCenter,
    };
    if (stack !== "local") expect(taggable.length).toBeGreaterThan(10);
    for (const resource of taggable) {
      expect(resource.inputs.tags, `${resource.type} ${resource.name}`).toMatchObject(expected);
    }
  });

  it("declares components with ai-platform type tokens and parents every cloud resource under one", async () => {
    const run = await render(stack);
    const components = run.resources.filter((resource) => !resource.custom);
    expect(components.length).toBeGreaterThan(0);
    for (const component of components) {
      if (REMOTE_COMPONENTS.includes(component.type)) continue;
      expect(component.type).toMatch(/^ai-platform:[a-z]+:[A-Z][A-Za-z]+$/);
    }
    const componentUrns = new Set(components.map((component) => component.urn));
    const orphans = run.resources.filter(
      (resource) =>
        resource.custom &&
        !resource.type.startsWith("pulumi:providers:") &&
        !componentUrns.has(resource.parent),
    );
    expect(orphans.map((resource) => `${resource.type} ${resource.name}`)).toEqual([]);
  });

  it.each([
    ["the cluster credential", "MOCK-PRIVATE-KEY"],
    ["a generated password", GENERATED_PASSWORD_PREFIX],
  ])("never sends or exports %s in plain text", async (_what, credential) => {
    const run = await render(stack);
    expectNotInPlainInputs(run, credential);
    for (const [name, value] of Object.entries(run.outputs)) {
      if (!run.secretOutputs.includes(name))
        expect(JSON.stringify(value ?? null), name).not.toContain(credential);
    }
  });

  it("keeps generated passwords in Kubernetes Secrets only", async () => {
    const run = await render(stack);
    const holders = run.resources.filter((resource) =>
      JSON.stringify(resource.inputs).includes(GENERATED_PASSWORD_PREFIX),
    );
    for (const holder of holders) expect(holder.type, holder.name).toBe("kubernetes:core/v1:Secret");
    expect(holders.length).toBeGreaterThan(0);
  });
});

describe("kubeconfig", () => {
  it.each(["dev", "prod", "prod-aws"])(
    "is a secret output and a secret provider input on %s",
    async (stack) => {
      const run = await render(stack);
      expect(run.secretOutputs).toContain("kubeconfig");
      expect(run.outputs.kubeconfig).toBeTypeOf("string");
      const [provider] = run.resources.filter((resource) => resource.type === "pulumi:providers:kubernetes");
      expect(provider?.secretInputs).toContain("kubeconfig");
    },
  );

  it("is the credential ACK returned, untouched", async () => {
    expect((await render("dev")).outputs.kubeconfig).toBe(MOCK_ACK_KUBECONFIG);
  });
});

describe("invalid configuration", () => {
  it("fails before any resource is declared, listing the bad keys", async () => {
    const config = {
      ...readStackFile("prod"),
      "ai-platform:cloud": "gcp",
      "ai-platform:gpuNodePools": [{ name: "x", gpuType: "a10" }],
    };
    const failure = await runProgram("prod", config).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ProgramFailed);
    const { declared, cause } = failure as ProgramFailed;
    expect(declared).toEqual([]);
    expect(String(cause)).toContain("ai-platform:cloud");
    expect(String(cause)).toContain("ai-platform:gpuNodePools[0].instanceTypes");
    expect(String(cause)).toContain("ai-platform:gpuNodePools[0].gpusPerNode");
  });
});
