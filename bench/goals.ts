/**
 * The performance targets of issue 4, checked against one run. Added latency is a system's
 * percentile minus the direct baseline's at the same concurrency. A figure measured with errors
 * does not count as met: a fast failure is not a fast answer.
 */
import { type BenchResults, levelAt, type Measurement, rssGrowthPercent, SYSTEM_LABELS } from "./results";

export interface GoalCheck {
  readonly goal: string;
  readonly measured: string;
  readonly required: string;
  readonly pass: boolean;
}

export const GOAL_LIMITS = {
  addedP50MsInMemory: 1,
  addedP50MsWithRedisLimits: 2,
  rssGrowthPercent: 10,
  /** The concurrency at which p99 and throughput are compared with Portkey. */
  versusPortkeyConcurrency: 64,
} as const;

const ms = (value: number) => `${value.toFixed(2)} ms`;
const perSecond = (value: number) => `${Math.round(value).toLocaleString("en-US")} req/s`;

function withErrors(measurements: readonly Measurement[], check: Omit<GoalCheck, "pass">, pass: boolean) {
  const errors = measurements.reduce((sum, measurement) => sum + measurement.errors, 0);
  if (errors === 0) return { ...check, pass };
  return { ...check, measured: `${check.measured} (${errors} errors)`, pass: false };
}

export function checkGoals(results: BenchResults): GoalCheck[] {
  const single = levelAt(results, 1).bySystem;
  const high = levelAt(results, GOAL_LIMITS.versusPortkeyConcurrency).bySystem;
  const c = GOAL_LIMITS.versusPortkeyConcurrency;
  const addedInMemory = single.gateway.p50Ms - single.direct.p50Ms;
  const addedWithRedis = single.gatewayRedis.p50Ms - single.direct.p50Ms;
  const checks: GoalCheck[] = [
    withErrors(
      [single.direct, single.gateway],
      {
        goal: "Added p50 latency at concurrency 1 (in-memory)",
        measured: ms(addedInMemory),
        required: `< ${ms(GOAL_LIMITS.addedP50MsInMemory)}`,
      },
      addedInMemory < GOAL_LIMITS.addedP50MsInMemory,
    ),
    withErrors(
      [high.gateway, high.portkey],
      {
        goal: `p99 latency at concurrency ${c} vs Portkey`,
        measured: `${ms(high.gateway.p99Ms)} vs ${ms(high.portkey.p99Ms)}`,
        required: "lower than Portkey's",
      },
      high.gateway.p99Ms < high.portkey.p99Ms,
    ),
    withErrors(
      [high.gateway, high.portkey],
      {
        goal: `Throughput at concurrency ${c} vs Portkey`,
        measured: `${perSecond(high.gateway.requestsPerSecond)} vs ${perSecond(high.portkey.requestsPerSecond)}`,
        required: "higher than Portkey's",
      },
      high.gateway.requestsPerSecond > high.portkey.requestsPerSecond,
    ),
    withErrors(
      [single.direct, single.gatewayRedis],
      {
        goal: "Added p50 latency at concurrency 1 with keys + Redis limits",
        measured: ms(addedWithRedis),
        required: `< ${ms(GOAL_LIMITS.addedP50MsWithRedisLimits)}`,
      },
      addedWithRedis < GOAL_LIMITS.addedP50MsWithRedisLimits,
    ),
  ];
  for (const soak of results.soak) {
    const growth = rssGrowthPercent(soak);
    const check = {
      goal: `RSS growth over a ${results.soakSeconds} s soak (${SYSTEM_LABELS[soak.system]})`,
      measured: `${growth.toFixed(1)} %`,
      required: `< ${GOAL_LIMITS.rssGrowthPercent} %`,
    };
    checks.push(
      soak.errors === 0
        ? { ...check, pass: growth < GOAL_LIMITS.rssGrowthPercent }
        : { ...check, measured: `${check.measured} (${soak.errors} errors)`, pass: false },
    );
  }
  return checks;
}
