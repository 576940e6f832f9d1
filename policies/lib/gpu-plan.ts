import type { GpuDemand, GpuPoolCapacity } from "../../components/inference/gpu-fit";
import { GPU_COUNT_LABEL, GPU_TYPE_LABEL } from "../../components/nodepool/gpu-scheduling";
import { type GpuWorkload, gpuWorkloadsIn } from "./gpu-workloads";
import { nodePoolsIn } from "./node-pools";
import type { ResourceView } from "./rule";

/**
 * The inference plan and the GPU pools, rebuilt from declared resources (the policy engine sees
 * resources, not the stack config), in the shapes the inference area's fit function takes.
 */

export interface GpuPool {
  readonly name: string;
  readonly gpuType: string;
  readonly gpusPerNode: number;
  readonly maxNodes: number;
  /** Nodes kept when idle: max(minSize, desiredSize). */
  readonly steadyNodes: number;
}

export interface GpuPlan {
  /** False on an existing cluster: the stack declares no node pools, so capacity is not its to check. */
  readonly managesNodePools: boolean;
  readonly pools: readonly GpuPool[];
  readonly workloads: readonly (GpuWorkload & { readonly gpuType: string })[];
  /** GPU pools whose labels do not say their GPU type or count: left out of the capacity. */
  readonly unreadablePools: readonly string[];
}

export function gpuPlanOf(resources: readonly ResourceView[]): GpuPlan {
  const nodePools = nodePoolsIn(resources);
  const pools: GpuPool[] = [];
  const unreadablePools: string[] = [];
  for (const pool of nodePools.filter((candidate) => candidate.gpu)) {
    const gpuType = pool.labels[GPU_TYPE_LABEL];
    const gpusPerNode = Number(pool.labels[GPU_COUNT_LABEL]);
    const missing = [
      ...(gpuType ? [] : [GPU_TYPE_LABEL]),
      ...(Number.isInteger(gpusPerNode) && gpusPerNode > 0 ? [] : [GPU_COUNT_LABEL]),
    ];
    if (missing.length > 0) {
      unreadablePools.push(`GPU pool ${pool.poolName} lacks a valid ${missing.join(" and ")} label`);
      continue;
    }
    pools.push({
      name: pool.poolName,
      gpuType: gpuType as string,
      gpusPerNode,
      maxNodes: pool.maxSize,
      steadyNodes: pool.steadySize,
    });
  }
  // As at config time: a workload that names no GPU type runs on the pools' only type.
  const types = [...new Set(pools.map((pool) => pool.gpuType))];
  const onlyType = types.length === 1 ? types[0] : undefined;
  const workloads = gpuWorkloadsIn(resources).map((workload) => ({
    ...workload,
    gpuType: workload.gpuType ?? onlyType ?? "(unset)",
  }));
  return { managesNodePools: nodePools.length > 0, pools, workloads, unreadablePools };
}

/** `largest`: every model at its max replicas, every pool at maxSize; `rest`: minimums and steady sizes. */
export type PlanState = "largest" | "rest";

export function demandsAt(plan: GpuPlan, state: PlanState): GpuDemand[] {
  return plan.workloads.map((workload) => ({
    model: workload.model,
    gpuType: workload.gpuType,
    gpusPerReplica: workload.gpusPerReplica,
    maxReplicas: state === "largest" ? workload.maxReplicas : workload.minReplicas,
  }));
}

export function capacityAt(plan: GpuPlan, state: PlanState): GpuPoolCapacity[] {
  return plan.pools.map((pool) => ({
    name: pool.name,
    gpuType: pool.gpuType,
    gpusPerNode: pool.gpusPerNode,
    maxNodes: state === "largest" ? pool.maxNodes : pool.steadyNodes,
  }));
}
