import { checkGpuFit, type GpuDemand, type GpuPoolCapacity } from "../../../components/inference/gpu-fit";
import { capacityAt, demandsAt, gpuPlanOf, type PlanState } from "../../lib/gpu-plan";
import type { StackRule } from "../../lib/rule";

/**
 * The inference issue's fit check, run over the declared model servers and GPU pools: the config-time
 * check guards the stack config, this one guards what is actually declared (and what a hand edit or
 * another program declares).
 */

const gpus = (n: number) => `${n} GPU${n === 1 ? "" : "s"}`;
const nodes = (n: number) => `${n} node${n === 1 ? "" : "s"}`;

export const inferenceFitsGpuPools: StackRule = {
  kind: "stack",
  name: "inference-fits-gpu-pools",
  description:
    "Every GPU model server, at its max replicas, fits the GPU pools of its GPU type at their max size.",
  severity: "high",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Lower the models' replicas.max (or the ScaledObject's maxReplicaCount), or raise gpuNodePools[].maxSize; " +
    "GPU pools need the ai-platform/gpu-type and ai-platform/gpu-count labels the GPU pool components set.",
  validate: (resources) => {
    const plan = gpuPlanOf(resources);
    if (!plan.managesNodePools) return [];
    const fit = checkGpuFit(demandsAt(plan, "largest"), capacityAt(plan, "largest"));
    return [
      ...plan.unreadablePools.map((problem) => `${problem}: no model can select it, its capacity is unknown`),
      ...fit.problems.map((problem) => `inference plan does not fit the GPU pools: ${problem}`),
    ];
  },
};

/**
 * GPUs the models can occupy at most on nodes of `nodeGpus` GPUs, counting what a node left over
 * after whole replicas cannot serve (a replica's GPUs sit on one node). Each model packed on its own
 * nodes, so an upper bound; undefined when a replica fits no node size (the fit rule reports that).
 */
function gpusOccupiedAtMost(demands: readonly GpuDemand[], nodeGpus: readonly number[]): number | undefined {
  const bounds = nodeGpus
    .filter((size) => demands.every((d) => d.gpusPerReplica <= size))
    .map((size) =>
      demands.reduce(
        (sum, d) => sum + Math.ceil(d.maxReplicas / Math.floor(size / d.gpusPerReplica)) * size,
        0,
      ),
    );
  return bounds.length > 0 ? Math.max(...bounds) : undefined;
}

const STATE_WORDING: Record<PlanState, { offer: (gpus: string) => string; use: string; lower: string }> = {
  largest: { offer: (n) => `offer ${n} at their max size`, use: "at their max replicas", lower: "maxSize" },
  rest: {
    offer: (n) => `keep ${n} running when idle`,
    use: "at their min replicas",
    lower: "minSize/desiredSize",
  },
};

/** One message per GPU type whose pools hold at least one whole node more than the models can use. */
function oversizedTypes(
  demands: readonly GpuDemand[],
  pools: readonly GpuPoolCapacity[],
  state: PlanState,
  spareGpus: number,
  skipTypes: readonly string[],
): string[] {
  const wording = STATE_WORDING[state];
  return checkGpuFit(demands, pools).usage.flatMap((type) => {
    if (type.pools.length === 0 || skipTypes.includes(type.gpuType)) return [];
    const typeDemands = demands.filter((d) => d.gpuType === type.gpuType && d.maxReplicas > 0);
    const typePools = pools.filter((p) => p.gpuType === type.gpuType);
    const need = gpusOccupiedAtMost(
      typeDemands,
      typePools.map((p) => p.gpusPerNode),
    );
    if (need === undefined) return [];
    const smallestNode = Math.min(...typePools.map((p) => p.gpusPerNode));
    if (type.capacity - need - spareGpus < smallestNode) return [];

    const poolList = typePools.map((p) => `${p.name} (${nodes(p.maxNodes)} × ${gpus(p.gpusPerNode)})`);
    const models =
      typeDemands.length > 0
        ? `models ${typeDemands.map((d) => `${d.model} (${d.maxReplicas} × ${gpus(d.gpusPerReplica)})`).join(", ")} ${wording.use} use at most ${need}`
        : `no model runs ${wording.use}`;
    const [only] = typePools;
    const fix =
      typePools.length === 1 && only
        ? `lower ${only.name}'s ${wording.lower} to ${Math.ceil((need + spareGpus) / only.gpusPerNode)}`
        : `lower the pools' ${wording.lower}`;
    return [
      `${type.gpuType}: pool(s) ${poolList.join(", ")} ${wording.offer(gpus(type.capacity))}, but ${models}: ` +
        `${gpus(type.capacity - need)} would idle${spareGpus > 0 ? ` (${spareGpus} spare allowed)` : ""}; ${fix}`,
    ];
  });
}

export const gpuPoolsNotOversized: StackRule<{ spareGpus: number }> = {
  kind: "stack",
  name: "gpu-pools-not-oversized",
  description:
    "No GPU pool serves no model, and no GPU type's pools hold a whole node more than the inference plan " +
    "can use, at max size or when idle.",
  severity: "medium",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Remove GPU pools no model runs on; lower gpuNodePools[].maxSize to what the models' replicas.max use and " +
    "minSize/desiredSize to what their replicas.min use, or raise spareGpus in the environment's cost policy config.",
  configSchema: {
    properties: {
      spareGpus: {
        type: "integer",
        minimum: 0,
        default: 0,
        description: "GPUs per GPU type the pools may hold beyond what the models can use (headroom).",
      },
    },
  },
  validate: (resources, { spareGpus }) => {
    const plan = gpuPlanOf(resources);
    if (!plan.managesNodePools) return [];
    const demands = demandsAt(plan, "largest");
    const pools = capacityAt(plan, "largest");
    const { idlePools } = checkGpuFit(demands, pools);
    const idleTypes = plan.pools.filter((p) => idlePools.includes(p.name)).map((p) => p.gpuType);
    return [
      ...plan.pools
        .filter((pool) => idlePools.includes(pool.name))
        .map(
          (pool) =>
            `GPU pool ${pool.name} (${pool.gpuType}, ${pool.steadyNodes}–${pool.maxNodes} nodes) serves no model: ` +
            `no model server selects ${pool.gpuType}; remove the pool or run a model on it`,
        ),
      ...oversizedTypes(demands, pools, "largest", spareGpus, idleTypes),
      ...oversizedTypes(demandsAt(plan, "rest"), capacityAt(plan, "rest"), "rest", spareGpus, idleTypes),
    ];
  },
};

export const inferenceGpuRules = [inferenceFitsGpuPools, gpuPoolsNotOversized];
