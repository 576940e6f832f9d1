import { describe, expect, it } from "vitest";
import { runStackFile } from "../harness/run-stack";

describe("local (existing cluster)", () => {
  it("creates no cloud resource, only a Kubernetes provider for the named context", async () => {
    const run = await runStackFile("local");
    const cloudResources = run.resources.filter((r) =>
      /^(alicloud|aws|pulumi:providers:(alicloud|aws))/.test(r.type),
    );
    expect(cloudResources).toEqual([]);
    expect(run.resources.filter((r) => r.type === "pulumi:providers:kubernetes")).toHaveLength(1);
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
