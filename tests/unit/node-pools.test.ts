import { describe, expect, it } from "vitest";
import { eksKubeconfig } from "../../components/cluster/eks-kubeconfig";
import { toAckLabels, toAckTaints } from "../../components/nodepool/ack-node-pool-fields";
import { toEksTaints } from "../../components/nodepool/eks-node-pool-fields";
import { GPU_TAINT, gpuLabels, gpuTaints } from "../../components/nodepool/gpu-scheduling";
import { validateNodePoolSize } from "../../components/nodepool/node-pool-size";

describe("validateNodePoolSize", () => {
  it("accepts a pool that scales to zero", () => {
    expect(() => validateNodePoolSize("gpu", { minSize: 0, maxSize: 2 })).not.toThrow();
  });

  it("lists every problem with the bounds", () => {
    expect(() => validateNodePoolSize("gpu", { minSize: 5, maxSize: 2, desiredSize: 9 })).toThrow(
      "gpu: minSize (5) exceeds maxSize (2); desiredSize (9) is outside [5, 2]",
    );
    expect(() => validateNodePoolSize("gpu", { minSize: -1, maxSize: 0.5 })).toThrow(
      /minSize must be a whole number >= 0; maxSize must be/,
    );
  });
});

describe("GPU scheduling", () => {
  it("always puts the nvidia.com/gpu NoSchedule taint first, once", () => {
    expect(gpuTaints()).toEqual([{ key: "nvidia.com/gpu", value: "present", effect: "NoSchedule" }]);
    const extra = { key: "team", value: "ml", effect: "NoExecute" } as const;
    expect(gpuTaints([{ ...GPU_TAINT }, extra])).toEqual([GPU_TAINT, extra]);
  });

  it("labels nodes with pool, GPU type, GPU count and presence, over any extra labels", () => {
    const node = { poolName: "gpu-a10", gpuType: "nvidia-a10", gpusPerNode: 4 };
    expect(gpuLabels(node, { team: "ml", "ai-platform/gpu-type": "wrong" })).toEqual({
      team: "ml",
      "ai-platform/pool": "gpu-a10",
      "ai-platform/gpu-type": "nvidia-a10",
      "ai-platform/gpu-count": "4",
      "nvidia.com/gpu.present": "true",
    });
  });

  it("spells taints and labels the way each cloud's API wants", () => {
    expect(toEksTaints(gpuTaints())).toEqual([
      { key: "nvidia.com/gpu", value: "present", effect: "NO_SCHEDULE" },
    ]);
    expect(toAckTaints(gpuTaints())).toEqual([
      { key: "nvidia.com/gpu", value: "present", effect: "NoSchedule" },
    ]);
    expect(toAckLabels({ a: "1" })).toEqual([{ key: "a", value: "1" }]);
  });
});

describe("eksKubeconfig", () => {
  it("authenticates with aws eks get-token and stores no credential", () => {
    const config = JSON.parse(
      eksKubeconfig({
        clusterName: "aip-prod",
        endpoint: "https://x",
        certificateAuthorityData: "Q0E=",
        region: "us-west-2",
      }),
    );
    expect(config.clusters[0].cluster).toEqual({ server: "https://x", "certificate-authority-data": "Q0E=" });
    expect(config.users[0].user.exec.command).toBe("aws");
    expect(config.users[0].user.exec.args).toEqual([
      "eks",
      "get-token",
      "--cluster-name",
      "aip-prod",
      "--region",
      "us-west-2",
      "--output",
      "json",
    ]);
    expect(config["current-context"]).toBe(config.contexts[0].name);
  });
});
