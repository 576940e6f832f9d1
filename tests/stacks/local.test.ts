import { describe, expect, it } from "vitest";
import { runStackFile } from "../harness/run-stack";

describe("local (existing cluster)", () => {
  it("creates no cloud resource, only a Kubernetes provider for the named context", async () => {
    const run = await runStackFile("local");
    expect(run.resources.map((resource) => resource.type).sort()).toEqual([
      "ai-platform:cluster:ExistingCluster",
      "pulumi:providers:kubernetes",
    ]);
    const provider = run.resources.find((resource) => resource.type === "pulumi:providers:kubernetes");
    expect(provider?.inputs.context).toBe("kind-ai-platform");
    expect(run.outputs).toMatchObject({
      environment: "local",
      cloud: "existing",
      clusterName: "kind-ai-platform",
    });
    expect(run.outputs.kubeconfig).toBeUndefined();
    expect(run.outputs.nodePools).toEqual({ system: undefined, gpu: [] });
  });

  it("hands a kubeconfig path to the provider instead of reading the file", async () => {
    const run = await runStackFile("local", {
      "ai-platform:existingCluster": { kubeconfigPath: "/home/me/.kube/kind" },
    });
    const provider = run.resources.find((resource) => resource.type === "pulumi:providers:kubernetes");
    expect(provider?.inputs.kubeconfig).toBe("/home/me/.kube/kind");
  });
});
