import { type NodePoolView, nodePoolsIn } from "../../lib/node-pools";
import type { ResourceView } from "../../lib/rule";
import shippedPrices from "../prices.json";

export type PriceTable = typeof shippedPrices;

export interface PoolCost {
  readonly pool: string;
  readonly instanceType: string;
  readonly nodes: number;
  readonly maxNodes: number;
  readonly spot: boolean;
  readonly hourlyPerNode: number;
  readonly monthly: number;
  readonly monthlyAtMax: number;
}

export interface CostEstimate {
  readonly currency: string;
  readonly pools: readonly PoolCost[];
  readonly fixed: readonly { item: string; monthly: number }[];
  /** Idle-state total: every pool at max(minSize, desiredSize). */
  readonly monthly: number;
  /** Every pool at maxSize. */
  readonly monthlyAtMax: number;
  /** Pools whose instance type has no price in the table: the estimate leaves them out. */
  readonly unpriced: readonly string[];
  readonly pricesTakenOn: string;
}

/** Monthly cost of a stack's node pools and fixed cloud items, from a price table. */
export function estimateMonthlyCost(
  resources: readonly ResourceView[],
  prices: PriceTable = shippedPrices,
): CostEstimate {
  const pools = nodePoolsIn(resources);
  const priced: PoolCost[] = [];
  const unpriced: string[] = [];
  for (const pool of pools) {
    const cost = poolCost(pool, prices);
    if (cost) priced.push(cost);
    else
      unpriced.push(
        `${pool.poolName} (${pool.instanceTypes[0] ?? "no instance type"} in ${pool.region ?? "unknown region"})`,
      );
  }
  const clouds = new Set(pools.map((pool) => pool.cloud));
  const natGateways = resources.filter(
    (r) => r.type === "aws:ec2/natGateway:NatGateway" || r.type === "alicloud:vpc/natGateway:NatGateway",
  ).length;
  const fixed = [...clouds].flatMap((cloud) =>
    Object.entries(prices.monthlyFixed[cloud]).map(([item, monthly]) => ({
      item: item === "NAT gateway" ? `${natGateways} × NAT gateway` : item,
      monthly: item === "NAT gateway" ? monthly * natGateways : monthly,
    })),
  );
  const fixedTotal = fixed.reduce((sum, item) => sum + item.monthly, 0);
  return {
    currency: prices.currency,
    pools: priced,
    fixed,
    monthly: round(priced.reduce((sum, pool) => sum + pool.monthly, fixedTotal)),
    monthlyAtMax: round(priced.reduce((sum, pool) => sum + pool.monthlyAtMax, fixedTotal)),
    unpriced,
    pricesTakenOn: prices.takenOn,
  };
}

function poolCost(pool: NodePoolView, prices: PriceTable): PoolCost | undefined {
  // The first instance type is the one the pool normally gets; fallbacks cost about the same or more.
  const instanceType = pool.instanceTypes[0];
  const regional: Record<string, number> | undefined = pool.region
    ? (prices.instances[pool.cloud] as Record<string, Record<string, number>>)[pool.region]
    : undefined;
  const onDemand = instanceType ? regional?.[instanceType] : undefined;
  if (onDemand === undefined || !instanceType) return undefined;
  const hourlyPerNode = pool.spot ? onDemand * prices.spotPriceFactor[pool.cloud] : onDemand;
  return {
    pool: pool.poolName,
    instanceType,
    nodes: pool.steadySize,
    maxNodes: pool.maxSize,
    spot: pool.spot,
    hourlyPerNode: round(hourlyPerNode),
    monthly: round(hourlyPerNode * pool.steadySize * prices.hoursPerMonth),
    monthlyAtMax: round(hourlyPerNode * pool.maxSize * prices.hoursPerMonth),
  };
}

export function formatEstimate(estimate: CostEstimate): string {
  const money = (value: number) => `${estimate.currency} ${value.toFixed(2)}`;
  return [
    ...estimate.pools.map(
      (pool) =>
        `  ${pool.pool}: ${pool.nodes} × ${pool.instanceType}${pool.spot ? " (spot)" : ""} = ${money(pool.monthly)}/month (${money(pool.monthlyAtMax)} at ${pool.maxNodes} nodes)`,
    ),
    ...estimate.fixed.map((item) => `  ${item.item}: ${money(item.monthly)}/month`),
    ...estimate.unpriced.map((pool) => `  ${pool}: no price in the table, not counted`),
    `  total: ${money(estimate.monthly)}/month idle, ${money(estimate.monthlyAtMax)}/month fully scaled (prices of ${estimate.pricesTakenOn})`,
  ].join("\n");
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
