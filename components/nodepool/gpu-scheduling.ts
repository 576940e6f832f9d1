/**
 * How GPU nodes are marked, on every cloud: a taint keeps everything but GPU workloads off them, and
 * labels let inference workloads pick a GPU type. Written once so node pools, the device plugin and
 * inference deployments agree.
 */
export const GPU_TAINT = { key: "nvidia.com/gpu", value: "present", effect: "NoSchedule" } as const;

/** Label naming the GPU model of a node, e.g. `nvidia-a10`. */
export const GPU_TYPE_LABEL = "ai-platform/gpu-type";

/** Label giving the number of GPUs on a node, for workloads that need a whole multi-GPU node. */
export const GPU_COUNT_LABEL = "ai-platform/gpu-count";

/** Label naming the node pool a node belongs to. */
export const NODE_POOL_LABEL = "ai-platform/pool";

/** Label the NVIDIA device plugin's default node affinity selects. */
export const GPU_PRESENT_LABEL = "nvidia.com/gpu.present";

export interface GpuNodeTaint {
  readonly key: string;
  readonly value: string;
  readonly effect: "NoSchedule" | "PreferNoSchedule" | "NoExecute";
}

/** The GPU taint first, then any extra taints a pool asks for (deduplicated by key and effect). */
export function gpuTaints(extra: readonly GpuNodeTaint[] = []): GpuNodeTaint[] {
  const others = extra.filter((t) => !(t.key === GPU_TAINT.key && t.effect === GPU_TAINT.effect));
  return [GPU_TAINT, ...others];
}

export interface GpuNodeIdentity {
  readonly poolName: string;
  readonly gpuType: string;
  readonly gpusPerNode: number;
}

/** Labels every GPU node carries; they win over same-named extra labels. */
export function gpuLabels(
  node: GpuNodeIdentity,
  extra: Readonly<Record<string, string>> = {},
): Record<string, string> {
  return {
    ...extra,
    [NODE_POOL_LABEL]: node.poolName,
    [GPU_TYPE_LABEL]: node.gpuType,
    [GPU_COUNT_LABEL]: String(node.gpusPerNode),
    [GPU_PRESENT_LABEL]: "true",
  };
}
