import type { ResourceView } from "../../policies/lib/rule";
import { resource } from "./fixtures";
import type { RuleFixtures } from "./rule-fixtures";

/**
 * GPU pools and model servers shaped as the GPU pool components and declareModelServer declare them
 * (labels, nvidia.com/gpu requests, a gpu-type node selector, a KEDA ScaledObject), for the inference
 * fit rules.
 */

export function ackGpuPool(
  name: string,
  sizes: { min: number; max: number; gpuType?: string; gpusPerNode?: number },
): ResourceView {
  return resource(
    "alicloud:cs/nodePool:NodePool",
    {
      nodePoolName: name,
      instanceTypes: ["ecs.gn7i-c16g1.4xlarge"],
      scalingConfig: { enable: true, minSize: sizes.min, maxSize: sizes.max },
      labels: [
        { key: "ai-platform/pool", value: name },
        { key: "ai-platform/gpu-type", value: sizes.gpuType ?? "nvidia-a10" },
        { key: "ai-platform/gpu-count", value: String(sizes.gpusPerNode ?? 1) },
        { key: "nvidia.com/gpu.present", value: "true" },
      ],
      systemDiskSize: 200,
    },
    { name: `${name}-pool`, region: "cn-hangzhou" },
  );
}

export function eksGpuGroup(name: string, props: Record<string, unknown>): ResourceView {
  return resource(
    "aws:eks/nodeGroup:NodeGroup",
    {
      nodeGroupName: name,
      amiType: "AL2023_x86_64_NVIDIA",
      capacityType: "ON_DEMAND",
      instanceTypes: ["g6.2xlarge"],
      diskSize: 200,
      ...props,
    },
    { name: `${name}-group`, region: "us-west-2" },
  );
}

const podTemplate = (model: string, gpus: number, gpuType: string | undefined) => ({
  metadata: { labels: { "app.kubernetes.io/instance": model } },
  spec: {
    ...(gpuType ? { nodeSelector: { "ai-platform/gpu-type": gpuType } } : {}),
    tolerations: [{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }],
    containers: [
      {
        name: "server",
        image: "vllm/vllm-openai:v0.11.0",
        args: [`--served-model-name=${model}`],
        resources: {
          requests: { cpu: "4", memory: "32Gi", "nvidia.com/gpu": String(gpus) },
          limits: { memory: "32Gi", "nvidia.com/gpu": String(gpus) },
        },
      },
    ],
  },
});

/**
 * A model server StatefulSet (in namespace ai, named after the model with dots as dashes): a fixed
 * replica count, or a range scaled by a KEDA ScaledObject (no `max`: the ScaledObject sets none), as
 * declareModelServer does. `gpuType: null` leaves out the GPU type node selector.
 */
export function gpuModelServer(
  model: string,
  options: { gpus?: number; gpuType?: string | null; replicas: number | { min: number; max?: number } },
): ResourceView[] {
  const name = model.replace(/\./g, "-");
  const fixed = typeof options.replicas === "number";
  const { min, max } =
    typeof options.replicas === "number"
      ? { min: options.replicas, max: options.replicas }
      : options.replicas;
  const gpuType = options.gpuType === null ? undefined : (options.gpuType ?? "nvidia-a10");
  const statefulSet = resource(
    "kubernetes:apps/v1:StatefulSet",
    {
      metadata: { name, namespace: "ai" },
      spec: { serviceName: name, replicas: min, template: podTemplate(model, options.gpus ?? 1, gpuType) },
    },
    { name },
  );
  if (fixed) return [statefulSet];
  const scaler = resource(
    "kubernetes:keda.sh/v1alpha1:ScaledObject",
    {
      metadata: { name, namespace: "ai" },
      spec: {
        scaleTargetRef: { apiVersion: "apps/v1", kind: "StatefulSet", name },
        minReplicaCount: min,
        ...(max === undefined ? {} : { maxReplicaCount: max }),
        triggers: [{ type: "prometheus", metadata: { query: "sum(x)", threshold: "1" } }],
      },
    },
    { name: `${name}-scaler` },
  );
  return [statefulSet, scaler];
}

/** A GPU Deployment scaled by an HPA (neither is what our components declare, both are read). */
export function gpuDeploymentWithHpa(name: string, maxReplicas: number, gpuType: string): ResourceView[] {
  return [
    resource("kubernetes:apps/v1:Deployment", {
      metadata: { name, namespace: "team-x" },
      spec: { template: podTemplate(name, 1, gpuType) },
    }),
    resource("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", {
      metadata: { name, namespace: "team-x" },
      spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name }, maxReplicas },
    }),
  ];
}

/** Two chat models and ChatTTS: 2 GPUs when idle, at most 4 (glm 1–2, qwen 0–1, chattts 1). */
const plan = [
  ...gpuModelServer("glm-4-9b-chat", { replicas: { min: 1, max: 2 } }),
  ...gpuModelServer("qwen2.5-7b-instruct", { replicas: { min: 0, max: 1 } }),
  ...gpuModelServer("chattts", { replicas: 1 }),
];

export const GPU_FIT_FIXTURES: Record<string, RuleFixtures> = {
  "inference-fits-gpu-pools": {
    pass: [
      // Fitting, with room to spare.
      [...plan, ackGpuPool("gpu-a10", { min: 0, max: 6 })],
      // Exactly full, over two pools of the type.
      [...plan, ackGpuPool("gpu-a10", { min: 0, max: 3 }), ackGpuPool("gpu-a10-b", { min: 0, max: 1 })],
      // Two 2-GPU replicas on one 4-GPU node.
      [
        ...gpuModelServer("glm-4-9b-chat", { gpus: 2, replicas: { min: 1, max: 2 } }),
        ackGpuPool("gpu-a10x4", { min: 0, max: 1, gpusPerNode: 4 }),
      ],
      // An HPA-scaled Deployment on an EKS group, selected by type.
      [
        ...gpuDeploymentWithHpa("ocr", 2, "nvidia-l4"),
        eksGpuGroup("gpu-l4", {
          labels: { "ai-platform/gpu-type": "nvidia-l4", "ai-platform/gpu-count": "1" },
          scalingConfig: { minSize: 0, maxSize: 2, desiredSize: 0 },
        }),
      ],
      // An existing cluster: the stack declares no node pools, so their capacity is not its to check.
      [...plan],
    ],
    fail: [
      {
        resources: [...plan, ackGpuPool("gpu-a10", { min: 0, max: 3 })],
        message:
          /^inference plan does not fit the GPU pools: nvidia-a10: models glm-4-9b-chat \(2 × 1 GPU\), qwen2\.5-7b-instruct \(1 × 1 GPU\), chattts \(1 × 1 GPU\) may use 4 GPUs, but pool\(s\) gpu-a10 \(3 nodes × 1 GPU\) offer 3/,
      },
      {
        // A ScaledObject without maxReplicaCount may scale to KEDA's default of 100.
        resources: [
          ...gpuModelServer("glm-4-9b-chat", { replicas: { min: 1, max: undefined } }),
          ackGpuPool("gpu-a10", { min: 0, max: 8 }),
        ],
        message: /glm-4-9b-chat \(100 × 1 GPU\) may use 100 GPUs/,
      },
      {
        resources: [
          ...gpuModelServer("glm-4-9b-chat", { gpus: 2, replicas: { min: 1, max: 1 } }),
          ackGpuPool("gpu-a10", { min: 0, max: 4 }),
        ],
        message: /model glm-4-9b-chat needs 2 GPUs per replica on one node, but pool gpu-a10 has only 1 GPU/,
      },
      {
        resources: [
          ...gpuModelServer("glm-4-9b-chat", { gpuType: "nvidia-l4", replicas: { min: 1, max: 1 } }),
          ackGpuPool("gpu-a10", { min: 0, max: 4 }),
        ],
        message:
          /model glm-4-9b-chat needs nvidia-l4 GPUs but no GPU pool offers them \(pools offer nvidia-a10\)/,
      },
      {
        // No type selector and pools of two types: nothing says where it runs.
        resources: [
          ...gpuModelServer("glm-4-9b-chat", { gpuType: null, replicas: { min: 1, max: 1 } }),
          ackGpuPool("gpu-a10", { min: 0, max: 1 }),
          ackGpuPool("gpu-l4", { min: 0, max: 1, gpuType: "nvidia-l4" }),
        ],
        message: /model glm-4-9b-chat needs \(unset\) GPUs but no GPU pool offers them/,
      },
      {
        resources: [
          ...gpuModelServer("glm-4-9b-chat", { replicas: { min: 1, max: 1 } }),
          eksGpuGroup("gpu", { scalingConfig: { minSize: 0, maxSize: 2, desiredSize: 0 } }),
        ],
        message: /GPU pool gpu lacks a valid ai-platform\/gpu-type and ai-platform\/gpu-count label/,
      },
    ],
  },
  "gpu-pools-not-oversized": {
    pass: [
      // Exactly full at max size and when idle (prod-like: on-demand, min = the models' minimums).
      [...plan, ackGpuPool("gpu-a10", { min: 2, max: 4 })],
      // Dev-like: the pool scales to zero and up to what the models use.
      [...plan, ackGpuPool("gpu-a10", { min: 0, max: 4 })],
      // 3-GPU replicas leave a GPU of each 4-GPU node unusable: 4 replicas need all 16 GPUs, not 12.
      [
        ...gpuModelServer("glm-4-9b-chat", { gpus: 3, replicas: { min: 0, max: 4 } }),
        ackGpuPool("gpu-a10x4", { min: 0, max: 4, gpusPerNode: 4 }),
      ],
      [...plan],
    ],
    fail: [
      {
        // Idle pool in prod: a T4 pool no model selects, keeping a node.
        resources: [
          ...plan,
          ackGpuPool("gpu-a10", { min: 2, max: 4 }),
          ackGpuPool("gpu-t4", { min: 1, max: 2, gpuType: "nvidia-t4" }),
        ],
        message:
          /^GPU pool gpu-t4 \(nvidia-t4, 1–2 nodes\) serves no model: no model server selects nvidia-t4/,
      },
      {
        resources: [...plan, ackGpuPool("gpu-a10", { min: 0, max: 8 })],
        message:
          /^nvidia-a10: pool\(s\) gpu-a10 \(8 nodes × 1 GPU\) offer 8 GPUs at their max size, but models glm-4-9b-chat \(2 × 1 GPU\), qwen2\.5-7b-instruct \(1 × 1 GPU\), chattts \(1 × 1 GPU\) at their max replicas use at most 4: 4 GPUs would idle; lower gpu-a10's maxSize to 4$/,
      },
      {
        resources: [...plan, ackGpuPool("gpu-a10", { min: 4, max: 4 })],
        message:
          /^nvidia-a10: pool\(s\) gpu-a10 \(4 nodes × 1 GPU\) keep 4 GPUs running when idle, but models glm-4-9b-chat \(1 × 1 GPU\), chattts \(1 × 1 GPU\) at their min replicas use at most 2: 2 GPUs would idle; lower gpu-a10's minSize\/desiredSize to 2$/,
      },
      {
        resources: [
          ...gpuModelServer("glm-4-9b-chat", { gpus: 3, replicas: { min: 0, max: 4 } }),
          ackGpuPool("gpu-a10x4", { min: 0, max: 5, gpusPerNode: 4 }),
        ],
        message:
          /offer 20 GPUs at their max size, .* use at most 16: 4 GPUs would idle; lower gpu-a10x4's maxSize to 4$/,
      },
    ],
  },
};
