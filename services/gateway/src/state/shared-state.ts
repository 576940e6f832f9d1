/**
 * Counters every replica must agree on: rate limits, budgets, circuit breakers, deployment usage and
 * the response cache. In-memory for a single replica; Redis (atomic Lua scripts) for several.
 */

/** One thing limits apply to: a key, a team. `-1`/undefined limits mean "no limit". */
export interface LimitScope {
  /** e.g. `key:<id>` or `team:<id>`. */
  readonly id: string;
  readonly rpm?: number;
  readonly tpm?: number;
  /** Budget in nano-USD (integers keep Redis arithmetic exact). */
  readonly budgetNano?: number;
  /** Start of the budget period (epoch ms) and its length; `undefined` length = a lifetime budget. */
  readonly periodStartMs: number;
  readonly periodMs?: number;
}

export type AdmitResult =
  | { readonly ok: true }
  | {
      readonly ok: false;
      readonly reason: "rpm" | "tpm" | "budget";
      readonly scope: string;
      readonly retryAfterSeconds: number;
    };

export interface Settlement {
  readonly reservedTokens: number;
  readonly reservedNano: number;
  readonly actualTokens: number;
  readonly actualNano: number;
}

export type BreakerChange = { readonly deploymentId: string; readonly openUntilMs: number | undefined };

export interface BreakerPolicy {
  readonly allowedFails: number;
  readonly allowedFailsRatio?: number;
  readonly cooldownMs: number;
}

export interface DeploymentUsage {
  readonly requests: number;
  readonly tokens: number;
}

export interface SharedState {
  readonly kind: "memory" | "redis";
  /** Checks every scope and, only if all pass, counts the request and reserves tokens and cost. */
  admit(scopes: readonly LimitScope[], tokens: number, costNano: number, nowMs: number): Promise<AdmitResult>;
  /** Replaces the reservation with what the call really used. */
  settle(scopes: readonly LimitScope[], settlement: Settlement, nowMs: number): Promise<void>;
  /** Spent and reserved nano-USD of a scope in the period starting at `periodStartMs`. */
  budgetState(scopeId: string, periodStartMs: number): Promise<{ spentNano: number; reservedNano: number }>;

  /** Records a call's outcome; returns the breaker's new state if this call changed it. */
  recordOutcome(
    deploymentId: string,
    ok: boolean,
    policy: BreakerPolicy,
    nowMs: number,
  ): Promise<BreakerChange | undefined>;
  /** Open breakers as this replica knows them (kept current by the store). */
  openBreakers(): ReadonlyMap<string, number>;
  /** One replica at a time may probe a breaker whose cooldown ended. */
  acquireProbe(deploymentId: string, ttlMs: number): Promise<boolean>;

  countDeployment(deploymentId: string, tokens: number, nowMs: number): Promise<void>;
  deploymentUsage(deploymentIds: readonly string[], nowMs: number): Promise<Map<string, DeploymentUsage>>;

  cacheGet(key: string): Promise<string | undefined>;
  cacheSet(key: string, value: string, ttlSeconds: number): Promise<void>;

  /** True when the backing store answers. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export const MINUTE_MS = 60_000;
/** How long a reservation may outlive a replica that died mid-call. */
export const RESERVATION_TTL_SECONDS = 3600;
/** Failures count in windows of this length. */
export const FAILURE_WINDOW_MS = 60_000;

export const minuteWindow = (nowMs: number) => Math.floor(nowMs / MINUTE_MS);
/** How much of the previous minute still lies within the last 60 s. */
export const previousWindowWeight = (nowMs: number) => 1 - (nowMs % MINUTE_MS) / MINUTE_MS;
export const secondsToNextMinute = (nowMs: number) =>
  Math.max(1, Math.ceil((MINUTE_MS - (nowMs % MINUTE_MS)) / 1000));

export function secondsToPeriodEnd(scope: LimitScope, nowMs: number): number {
  if (scope.periodMs === undefined) return 86_400;
  return Math.max(1, Math.ceil((scope.periodStartMs + scope.periodMs - nowMs) / 1000));
}

export const hasLimit = (limit: number | undefined): limit is number => limit !== undefined && limit >= 0;
