/** LiteLLM's routing strategies: each picks one deployment among the healthy candidates. */
import type { Deployment } from "../config/gateway-config";
import type { RoutingStrategyName } from "../config/litellm-schema";
import type { DeploymentUsage } from "../state/shared-state";
import type { DeploymentStats } from "./deployment-stats";

export interface PickContext {
  readonly stats: DeploymentStats;
  readonly usage: ReadonlyMap<string, DeploymentUsage>;
  readonly stream: boolean;
  readonly estimatedTokens: number;
  readonly random: () => number;
}

type Strategy = (candidates: readonly Deployment[], context: PickContext) => Deployment;

const weightedShuffle: Strategy = (candidates, { random }) => {
  const total = candidates.reduce((sum, deployment) => sum + deployment.weight, 0);
  let point = random() * total;
  for (const deployment of candidates) {
    point -= deployment.weight;
    if (point < 0) return deployment;
  }
  return candidates[candidates.length - 1] as Deployment;
};

/** The lowest score wins; ties are broken at random so equal deployments share the load. */
function lowest(
  candidates: readonly Deployment[],
  score: (deployment: Deployment) => number,
  random: () => number,
) {
  let best: Deployment[] = [];
  let bestScore = Number.POSITIVE_INFINITY;
  for (const deployment of candidates) {
    const value = score(deployment);
    if (value < bestScore) {
      bestScore = value;
      best = [deployment];
    } else if (value === bestScore) best.push(deployment);
  }
  return best[Math.floor(random() * best.length)] as Deployment;
}

const leastBusy: Strategy = (candidates, { stats, random }) =>
  lowest(candidates, (deployment) => stats.inFlightCount(deployment.id), random);

const lowestLatency: Strategy = (candidates, { stats, stream, random }) =>
  lowest(candidates, (deployment) => stats.expectedLatency(deployment.id, stream), random);

/** Most headroom left under the deployment's TPM/RPM caps (as a share, so caps of any size compare). */
const usageBased: Strategy = (candidates, { usage, random }) =>
  lowest(
    candidates,
    (deployment) => {
      const used = usage.get(deployment.id) ?? { requests: 0, tokens: 0 };
      const tokenShare = deployment.tpm ? used.tokens / deployment.tpm : 0;
      const requestShare = deployment.rpm ? used.requests / deployment.rpm : 0;
      return Math.max(tokenShare, requestShare, deployment.tpm || deployment.rpm ? 0 : used.tokens / 1e9);
    },
    random,
  );

export const STRATEGIES: Readonly<Record<RoutingStrategyName, Strategy>> = {
  "simple-shuffle": weightedShuffle,
  "least-busy": leastBusy,
  "latency-based-routing": lowestLatency,
  "usage-based-routing": usageBased,
  "usage-based-routing-v2": usageBased,
};

/** Deployments whose per-minute caps leave room for this request. */
export function underCaps(
  candidates: readonly Deployment[],
  usage: ReadonlyMap<string, DeploymentUsage>,
  estimatedTokens: number,
): Deployment[] {
  return candidates.filter((deployment) => {
    const used = usage.get(deployment.id);
    if (!used) return true;
    if (deployment.rpm !== undefined && used.requests + 1 > deployment.rpm) return false;
    return deployment.tpm === undefined || used.tokens + estimatedTokens <= deployment.tpm;
  });
}
