/**
 * Does the inference plan fit the GPU node pools? Pure, so the stack config (at parse time) and the
 * cost policy pack (over rendered resources) run the same check.
 */

/** What one GPU pool can hold at its largest. */
export interface GpuPoolCapacity {
  readonly name: string;
  readonly gpuType: string;
  readonly maxNodes: number;
  readonly gpusPerNode: number;
}

/** What one model asks for at its largest: `maxReplicas` replicas of `gpusPerReplica` GPUs each. */
export interface GpuDemand {
  readonly model: string;
  readonly gpuType: string;
  readonly gpusPerReplica: number;
  readonly maxReplicas: number;
}

export interface GpuTypeUsage {
  readonly gpuType: string;
  /** GPUs the models of this type may use together. */
  readonly demand: number;
  /** GPUs the pools of this type offer at their max size. */
  readonly capacity: number;
  readonly models: readonly string[];
  readonly pools: readonly string[];
}

export interface GpuFit {
  readonly fits: boolean;
  /** One sentence per problem, naming the model(s) and pool(s). */
  readonly problems: readonly string[];
  readonly usage: readonly GpuTypeUsage[];
  /** Pools whose GPU type no model asks for: they would only ever idle. */
  readonly idlePools: readonly string[];
}

const gpus = (n: number) => `${n} GPU${n === 1 ? "" : "s"}`;

/** Sum over models of maxReplicas × gpusPerReplica, per GPU type, against Σ pools maxNodes × gpusPerNode. */
export function checkGpuFit(demands: readonly GpuDemand[], pools: readonly GpuPoolCapacity[]): GpuFit {
  const problems: string[] = [];
  const types = [...new Set([...demands.map((d) => d.gpuType), ...pools.map((p) => p.gpuType)])].sort();
  const usage = types.map((gpuType): GpuTypeUsage => {
    const ofType = demands.filter((d) => d.gpuType === gpuType && d.maxReplicas > 0);
    const typePools = pools.filter((p) => p.gpuType === gpuType);
    return {
      gpuType,
      demand: ofType.reduce((sum, d) => sum + d.maxReplicas * d.gpusPerReplica, 0),
      capacity: typePools.reduce((sum, p) => sum + p.maxNodes * p.gpusPerNode, 0),
      models: ofType.map((d) => d.model),
      pools: typePools.map((p) => p.name),
    };
  });

  for (const demand of demands) {
    if (demand.maxReplicas === 0) continue;
    const typePools = pools.filter((p) => p.gpuType === demand.gpuType);
    if (typePools.length === 0) {
      const offered = [...new Set(pools.map((p) => p.gpuType))];
      problems.push(
        `model ${demand.model} needs ${demand.gpuType} GPUs but no GPU pool offers them` +
          (offered.length > 0 ? ` (pools offer ${offered.join(", ")})` : " (there are no GPU pools)"),
      );
      continue;
    }
    // A replica's GPUs must sit on one node: vLLM's tensor parallelism does not span nodes here.
    const largest = typePools.reduce((a, b) => (b.gpusPerNode > a.gpusPerNode ? b : a));
    if (demand.gpusPerReplica > largest.gpusPerNode) {
      problems.push(
        `model ${demand.model} needs ${gpus(demand.gpusPerReplica)} per replica on one node, but pool ` +
          `${largest.name} has only ${gpus(largest.gpusPerNode)} per node`,
      );
    }
  }

  for (const type of usage) {
    if (type.pools.length === 0 || type.demand <= type.capacity) continue;
    const models = demands
      .filter((d) => d.gpuType === type.gpuType && d.maxReplicas > 0)
      .map((d) => `${d.model} (${d.maxReplicas} × ${gpus(d.gpusPerReplica)})`)
      .join(", ");
    const poolList = pools
      .filter((p) => p.gpuType === type.gpuType)
      .map((p) => `${p.name} (${p.maxNodes} nodes × ${gpus(p.gpusPerNode)})`)
      .join(", ");
    problems.push(
      `${type.gpuType}: models ${models} may use ${gpus(type.demand)}, but pool(s) ${poolList} offer ` +
        `${type.capacity}; lower the models' replicas.max or raise the pools' maxSize`,
    );
  }

  const idlePools = pools
    .filter((p) => !demands.some((d) => d.gpuType === p.gpuType && d.maxReplicas > 0))
    .map((p) => p.name);
  return { fits: problems.length === 0, problems, usage, idlePools };
}
