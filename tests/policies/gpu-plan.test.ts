import { describe, expect, it } from "vitest";
import { gpuPoolsNotOversized, inferenceFitsGpuPools } from "../../policies/cost/rules/inference-gpu-fit";
import { capacityAt, demandsAt, gpuPlanOf } from "../../policies/lib/gpu-plan";
import { resource } from "./fixtures";
import { ackGpuPool, eksGpuGroup, gpuDeploymentWithHpa, gpuModelServer } from "./gpu-fixtures";

describe("the GPU plan rebuilt from resources", () => {
  it("reads models from StatefulSets and their ScaledObjects, pools from ACK labels", () => {
    const plan = gpuPlanOf([
      ...gpuModelServer("qwen2.5-7b-instruct", { gpus: 2, replicas: { min: 1, max: 3 } }),
      ...gpuModelServer("chattts", { replicas: 2 }),
      ackGpuPool("gpu-a10", { min: 1, max: 5, gpusPerNode: 2 }),
    ]);
    expect(plan.managesNodePools).toBe(true);
    expect(plan.workloads).toEqual([
      {
        model: "qwen2.5-7b-instruct",
        ref: "StatefulSet ai/qwen2-5-7b-instruct",
        gpuType: "nvidia-a10",
        gpusPerReplica: 2,
        minReplicas: 1,
        maxReplicas: 3,
      },
      {
        model: "chattts",
        ref: "StatefulSet ai/chattts",
        gpuType: "nvidia-a10",
        gpusPerReplica: 1,
        minReplicas: 2,
        maxReplicas: 2,
      },
    ]);
    expect(plan.pools).toEqual([
      { name: "gpu-a10", gpuType: "nvidia-a10", gpusPerNode: 2, maxNodes: 5, steadyNodes: 1 },
    ]);
    expect(demandsAt(plan, "rest").map((d) => d.maxReplicas)).toEqual([1, 2]);
    expect(capacityAt(plan, "rest")).toEqual([
      { name: "gpu-a10", gpuType: "nvidia-a10", gpusPerNode: 2, maxNodes: 1 },
    ]);
  });

  it("reads an HPA (minReplicas defaults to 1) and EKS label maps with desiredSize", () => {
    const plan = gpuPlanOf([
      ...gpuDeploymentWithHpa("ocr", 4, "nvidia-l4"),
      eksGpuGroup("gpu-l4", {
        labels: { "ai-platform/gpu-type": "nvidia-l4", "ai-platform/gpu-count": "4" },
        scalingConfig: { minSize: 0, maxSize: 3, desiredSize: 2 },
      }),
    ]);
    expect(plan.workloads).toMatchObject([
      { model: "ocr", ref: "Deployment team-x/ocr", minReplicas: 1, maxReplicas: 4 },
    ]);
    expect(plan.pools).toEqual([
      { name: "gpu-l4", gpuType: "nvidia-l4", gpusPerNode: 4, maxNodes: 3, steadyNodes: 2 },
    ]);
  });

  it("counts init containers as the pod holds them, and reads a required node affinity on one type", () => {
    const gpuContainer = (name: string, gpus: number) => ({
      name,
      resources: { limits: { "nvidia.com/gpu": String(gpus) } },
    });
    const plan = gpuPlanOf([
      resource("kubernetes:apps/v1:Deployment", {
        metadata: { name: "warmup", namespace: "ai" },
        spec: {
          replicas: 2,
          template: {
            spec: {
              affinity: {
                nodeAffinity: {
                  requiredDuringSchedulingIgnoredDuringExecution: {
                    nodeSelectorTerms: [
                      {
                        matchExpressions: [
                          { key: "ai-platform/gpu-type", operator: "In", values: ["nvidia-h20"] },
                        ],
                      },
                    ],
                  },
                },
              },
              initContainers: [gpuContainer("load", 4)],
              containers: [gpuContainer("server", 1), gpuContainer("sidecar", 1)],
            },
          },
        },
      }),
      resource("kubernetes:apps/v1:Deployment", {
        metadata: { name: "cpu-only", namespace: "ai" },
        spec: { template: { spec: { containers: [{ name: "app" }] } } },
      }),
    ]);
    expect(plan.managesNodePools).toBe(false);
    expect(plan.workloads).toEqual([
      {
        model: "warmup",
        ref: "Deployment ai/warmup",
        gpuType: "nvidia-h20",
        gpusPerReplica: 4,
        minReplicas: 2,
        maxReplicas: 2,
      },
    ]);
  });
});

describe("gpu-pools-not-oversized", () => {
  const plan = [
    ...gpuModelServer("glm-4-9b-chat", { replicas: { min: 1, max: 2 } }),
    ...gpuModelServer("chattts", { replicas: 1 }),
  ];

  it("allows spareGpus of headroom per GPU type, and says so when it is exceeded", () => {
    const resources = [...plan, ackGpuPool("gpu-a10", { min: 0, max: 7 })];
    expect(gpuPoolsNotOversized.validate(resources, { spareGpus: 4 })).toEqual([]);
    expect(gpuPoolsNotOversized.validate(resources, { spareGpus: 3 })).toEqual([
      "nvidia-a10: pool(s) gpu-a10 (7 nodes × 1 GPU) offer 7 GPUs at their max size, but models " +
        "glm-4-9b-chat (2 × 1 GPU), chattts (1 × 1 GPU) at their max replicas use at most 3: 4 GPUs would " +
        "idle (3 spare allowed); lower gpu-a10's maxSize to 6",
    ]);
  });

  it("names every pool of an oversized type and flags pools kept up while every model rests at zero", () => {
    const resources = [
      ...gpuModelServer("glm-4-9b-chat", { replicas: { min: 0, max: 2 } }),
      ackGpuPool("gpu-a10", { min: 1, max: 2 }),
      ackGpuPool("gpu-a10-b", { min: 0, max: 2 }),
    ];
    expect(gpuPoolsNotOversized.validate(resources, { spareGpus: 0 })).toEqual([
      "nvidia-a10: pool(s) gpu-a10 (2 nodes × 1 GPU), gpu-a10-b (2 nodes × 1 GPU) offer 4 GPUs at their max " +
        "size, but models glm-4-9b-chat (2 × 1 GPU) at their max replicas use at most 2: 2 GPUs would idle; " +
        "lower the pools' maxSize",
      "nvidia-a10: pool(s) gpu-a10 (1 node × 1 GPU), gpu-a10-b (0 nodes × 1 GPU) keep 1 GPU running when " +
        "idle, but no model runs at their min replicas: 1 GPU would idle; lower the pools' minSize/desiredSize",
    ]);
  });

  it("reports an idle pool once, not again as oversized", () => {
    const found = gpuPoolsNotOversized.validate(
      [
        ...plan,
        ackGpuPool("gpu-a10", { min: 1, max: 3 }),
        ackGpuPool("gpu-t4", { min: 2, max: 4, gpuType: "nvidia-t4" }),
      ],
      { spareGpus: 0 },
    );
    expect(found).toEqual([
      "GPU pool gpu-t4 (nvidia-t4, 2–4 nodes) serves no model: no model server selects nvidia-t4; remove the pool or run a model on it",
    ]);
  });

  it("leaves overflow to inference-fits-gpu-pools", () => {
    const resources = [...plan, ackGpuPool("gpu-a10", { min: 0, max: 2 })];
    expect(gpuPoolsNotOversized.validate(resources, { spareGpus: 0 })).toEqual([]);
    expect(inferenceFitsGpuPools.validate(resources, {})).toHaveLength(1);
  });
});
