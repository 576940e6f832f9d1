import { nodePoolOf, nodePoolsIn } from "../../lib/node-pools";
import type { ResourceRule, StackRule } from "../../lib/rule";

export const allowedGpuInstanceTypes: ResourceRule<{ allowedInstanceTypes: string[] }> = {
  kind: "resource",
  name: "gpu-instance-types-allowed",
  description: "GPU node pools use only the instance types allowed for the environment.",
  severity: "high",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Pick an allowed type, or add the type to allowedInstanceTypes in the environment's cost policy config.",
  configSchema: {
    properties: {
      allowedInstanceTypes: {
        type: "array",
        items: { type: "string" },
        default: [],
        description: "GPU instance types allowed in this environment; empty allows none.",
      },
    },
  },
  validate: (resource, { allowedInstanceTypes }) => {
    const pool = nodePoolOf(resource);
    if (!pool?.gpu) return [];
    const denied = pool.instanceTypes.filter((type) => !allowedInstanceTypes.includes(type));
    return denied.length > 0
      ? [`GPU pool ${pool.poolName} uses instance type(s) not allowed here: ${denied.join(", ")}`]
      : [];
  },
};

export const gpuNodeLimits: StackRule<{ maxNodesPerPool: number; maxNodesTotal: number }> = {
  kind: "stack",
  name: "gpu-node-limits",
  description: "No GPU pool, and not all GPU pools together, may scale past the environment's node limits.",
  severity: "high",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Lower gpuNodePools[].maxSize, or raise the limits in the environment's cost policy config.",
  configSchema: {
    properties: {
      maxNodesPerPool: { type: "integer", default: 4 },
      maxNodesTotal: { type: "integer", default: 8 },
    },
  },
  validate: (resources, { maxNodesPerPool, maxNodesTotal }) => {
    const gpuPools = nodePoolsIn(resources).filter((pool) => pool.gpu);
    const total = gpuPools.reduce((sum, pool) => sum + pool.maxSize, 0);
    return [
      ...gpuPools
        .filter((pool) => pool.maxSize > maxNodesPerPool)
        .map(
          (pool) => `GPU pool ${pool.poolName} may scale to ${pool.maxSize} nodes (limit ${maxNodesPerPool})`,
        ),
      ...(total > maxNodesTotal
        ? [`GPU pools may scale to ${total} nodes in all (limit ${maxNodesTotal})`]
        : []),
    ];
  },
};

export const gpuSpotCapacity: ResourceRule = {
  kind: "resource",
  name: "gpu-spot-capacity",
  description: "GPU pools run on spot/preemptible capacity (enabled for dev).",
  severity: "medium",
  enforcementLevel: "disabled",
  remediationSteps: "Set gpuNodePools[].capacityType: spot (the dev profile's default).",
  validate: (resource) => {
    const pool = nodePoolOf(resource);
    return pool?.gpu && !pool.spot ? [`GPU pool ${pool.poolName} runs on on-demand capacity`] : [];
  },
};

export const gpuScaleToZero: ResourceRule = {
  kind: "resource",
  name: "gpu-scale-to-zero",
  description: "GPU pools can scale to zero nodes when idle (enabled for dev).",
  severity: "medium",
  enforcementLevel: "disabled",
  remediationSteps: "Set gpuNodePools[].minSize: 0 (the dev profile's default).",
  validate: (resource) => {
    const pool = nodePoolOf(resource);
    return pool?.gpu && pool.minSize > 0
      ? [`GPU pool ${pool.poolName} keeps ${pool.minSize} node(s) when idle`]
      : [];
  },
};

export const gpuPoolRules = [allowedGpuInstanceTypes, gpuNodeLimits, gpuSpotCapacity, gpuScaleToZero];
