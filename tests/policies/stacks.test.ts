import { describe, expect, it } from "vitest";
import { checkRenderedStack } from "../../policies/offline/check-stack";
import type { Violation } from "../../policies/offline/evaluate";
import { readStackFile } from "../../policies/offline/stack-files";
import { type DeclaredResource, ProgramFailed, runStackFile, type StackRun } from "../harness/run-stack";
import { resource, withSecurityContext } from "./fixtures";

const mandatory = (violations: readonly Violation[]) =>
  violations.filter((v) => v.enforcementLevel === "mandatory");
const rulesOf = (violations: readonly Violation[]) => [...new Set(violations.map((v) => v.rule))].sort();

describe("the shipped stacks", () => {
  it.each(["prod", "prod-aws"])("%s passes every mandatory rule", async (stack) => {
    const result = checkRenderedStack(stack, await runStackFile(stack));
    expect(mandatory(result.violations)).toEqual([]);
    expect(result.estimate.unpriced).toEqual([]);
    expect(result.estimate.monthly).toBeGreaterThan(0);
  });

  it.each(["dev", "local"])("%s has no violation at all", async (stack) => {
    expect((await checkRenderedStack(stack, await runStackFile(stack))).violations).toEqual([]);
  });
});

/** Renders `stack` with config overrides, optionally edits the rendered resources, runs both packs. */
async function violationsOf(
  stack: string,
  overrides: Record<string, unknown>,
  edit?: (run: StackRun) => StackRun,
) {
  const run = await runStackFile(stack, overrides);
  return checkRenderedStack(stack, edit ? edit(run) : run).violations;
}

/** `run` with the inputs of every resource of `type` passed through `edit`. */
function editResources(
  run: StackRun,
  type: string,
  edit: (inputs: Record<string, any>) => Record<string, any>,
): StackRun {
  return {
    ...run,
    resources: run.resources.map((r) => (r.type === type ? { ...r, inputs: edit(r.inputs) } : r)),
  };
}

const prodGpuPool = (readStackFile("prod")["ai-platform:gpuNodePools"] as Record<string, unknown>[])[0];

describe("deliberately broken stacks are each caught by the intended rule", () => {
  it("a prod ACK API server open to the internet", async () => {
    const found = await violationsOf("prod", {
      "ai-platform:cluster": { apiServerAccessCidrs: ["0.0.0.0/0"] },
    });
    expect(rulesOf(mandatory(found))).toEqual(["ack-api-server-access"]);
  });

  it("a prod EKS endpoint open to the internet", async () => {
    const found = await violationsOf("prod-aws", {
      "ai-platform:cluster": { apiServerAccessCidrs: ["0.0.0.0/0"] },
    });
    expect(rulesOf(mandatory(found))).toEqual(["eks-endpoint-public-access-restricted"]);
  });

  it("prod without protection", async () => {
    const found = await violationsOf("prod", {
      "ai-platform:protect": false,
      "ai-platform:cluster": { deletionProtection: false },
    });
    expect(rulesOf(mandatory(found))).toEqual(["ack-deletion-protection", "pulumi-protect-stateful"]);
  });

  it("an over-budget, over-sized GPU pool of a type prod does not allow", async () => {
    const found = await violationsOf("prod", {
      "ai-platform:gpuNodePools": [
        {
          ...prodGpuPool,
          instanceTypes: ["ecs.gn7i-c8g1.2xlarge"],
          minSize: 14,
          desiredSize: 14,
          maxSize: 20,
        },
      ],
    });
    expect(rulesOf(mandatory(found))).toEqual([
      "gpu-instance-types-allowed",
      "gpu-node-limits",
      "gpu-pools-not-oversized",
      "monthly-cost-budget",
    ]);
    const budget = found.find((v) => v.rule === "monthly-cost-budget");
    expect(budget?.message).toMatch(/gpu-a10: 14 × ecs\.gn7i-c8g1\.2xlarge = USD [\d.]+\/month/);
  });

  it("an on-demand GPU pool that never scales to zero in dev (advisory there)", async () => {
    const pool = (readStackFile("dev")["ai-platform:gpuNodePools"] as Record<string, unknown>[])[0];
    const found = await violationsOf("dev", {
      "ai-platform:gpuNodePools": [{ ...pool, capacityType: "onDemand", minSize: 1 }],
    });
    expect(rulesOf(found)).toEqual(["gpu-scale-to-zero", "gpu-spot-capacity"]);
    expect(mandatory(found)).toEqual([]);
  });

  it("a prod model server scaled past the GPU pool behind the config's back", async () => {
    const found = await violationsOf("prod", {}, (run) =>
      editResources(run, "kubernetes:keda.sh/v1alpha1:ScaledObject", (inputs) =>
        inputs.metadata.name === "glm-4-9b-chat"
          ? { ...inputs, spec: { ...inputs.spec, maxReplicaCount: 4 } }
          : inputs,
      ),
    );
    expect(rulesOf(mandatory(found))).toEqual(["inference-fits-gpu-pools"]);
    expect(found.find((v) => v.rule === "inference-fits-gpu-pools")?.message).toMatch(
      /glm-4-9b-chat \(4 × 1 GPU\).* may use 10 GPUs, but pool\(s\) gpu-a10 \(8 nodes × 1 GPU\) offer 8/,
    );
  });

  it("names the same models and pool as the config-time check, for the same shrunken pool", async () => {
    const failure = await runStackFile("prod", {
      "ai-platform:gpuNodePools": [{ ...prodGpuPool, maxSize: 7 }],
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ProgramFailed);
    const atConfigTime = String((failure as ProgramFailed).cause);
    expect(atConfigTime).toContain("does not fit the GPU pools");

    const found = await violationsOf("prod", {}, (run) =>
      editResources(run, "alicloud:cs/nodePool:NodePool", (inputs) =>
        inputs.nodePoolName === "gpu-a10"
          ? { ...inputs, scalingConfig: { ...inputs.scalingConfig, maxSize: 7 } }
          : inputs,
      ),
    );
    expect(rulesOf(mandatory(found))).toEqual(["inference-fits-gpu-pools"]);
    const byPolicy = found.find((v) => v.rule === "inference-fits-gpu-pools")?.message ?? "";
    // Same demands and capacity; only the order (config keys vs declaration order) differs.
    const demands = (text: string) =>
      [...text.matchAll(/[\w.-]+ \(\d+ × \d+ GPUs?\)/g)].map(([m]) => m).sort();
    expect(demands(byPolicy)).toHaveLength(6);
    expect(demands(byPolicy)).toEqual(demands(atConfigTime));
    expect(byPolicy).toContain("may use 8 GPUs, but pool(s) gpu-a10 (7 nodes × 1 GPU) offer 7");
    expect(atConfigTime).toContain("may use 8 GPUs, but pool(s) gpu-a10 (7 nodes × 1 GPU) offer 7");
  });

  it("a prod GPU pool no model runs on", async () => {
    const found = await violationsOf("prod", {}, (run) => {
      const pool = run.resources.find(
        (r) => r.type === "alicloud:cs/nodePool:NodePool" && r.inputs.nodePoolName === "gpu-a10",
      ) as DeclaredResource;
      const labels = (pool.inputs.labels as { key: string; value: string }[]).map((label) =>
        label.key === "ai-platform/gpu-type" ? { ...label, value: "nvidia-t4" } : label,
      );
      const t4 = {
        ...pool,
        name: "gpu-t4-pool",
        urn: pool.urn.replace(/::[^:]+$/, "::gpu-t4-pool"),
        inputs: {
          ...pool.inputs,
          nodePoolName: "gpu-t4",
          labels,
          scalingConfig: { enable: true, minSize: 1, maxSize: 2 },
        },
      };
      return { ...run, resources: [...run.resources, t4] };
    });
    expect(rulesOf(mandatory(found))).toEqual(["gpu-pools-not-oversized"]);
    expect(found.find((v) => v.rule === "gpu-pools-not-oversized")?.message).toMatch(
      /^GPU pool gpu-t4 \(nvidia-t4, 1–2 nodes\) serves no model/,
    );
  });

  it("an untagged node pool", async () => {
    const found = await violationsOf("prod", {}, (run) => ({
      ...run,
      resources: run.resources.map((r) =>
        r.type === "alicloud:cs/nodePool:NodePool" ? { ...r, inputs: { ...r.inputs, tags: {} } } : r,
      ),
    }));
    expect(rulesOf(mandatory(found))).toEqual(["cost-allocation-tags"]);
  });

  it("a privileged pod in a namespace without a default-deny policy", async () => {
    const privileged = withSecurityContext({ privileged: true });
    const namespace = resource("kubernetes:core/v1:Namespace", { metadata: { name: "team-x" } });
    const found = await violationsOf("prod", {}, (run) => ({
      ...run,
      resources: [
        ...run.resources,
        ...[privileged, namespace].map((view) => ({
          type: view.type,
          name: view.name,
          urn: view.urn,
          parent: "",
          custom: true,
          protect: false,
          provider: "",
          inputs: view.props,
          secretInputs: [],
        })),
      ],
    }));
    expect(rulesOf(mandatory(found))).toEqual(["k8s-namespace-default-deny", "k8s-no-privileged-containers"]);
  });
});
