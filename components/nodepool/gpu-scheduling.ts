/**
 * How GPU nodes are marked, on every cloud: a taint keeps everything but GPU workloads off them, and
 * labels let inference workloads pick a GPU type. Written once so node pools, the device plugin and
 * inference deployments agree.
 */
export const GPU_TAINT = { key: "nvidia.com/gpu", value: "present", effect: "NoSchedule" } as const;

/** Label naming the GPU model of a node, e.g. `nvidia-a10`. */
export const GPU_TYPE_LABEL = "ai-platform/gpu-type";

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

export function gpuLabels(
  poolName: string,
  gpuType: string,
  extra: Readonly<Record<string, string>> = {},
): Record<string, string> {
  return { ...extra, [NODE_POOL_LABEL]: poolName, [GPU_TYPE_LABEL]: gpuType, [GPU_PRESENT_LABEL]: "true" };
}
