/** The single-replica store: the same semantics as Redis, in this process's memory. */
import {
  type AdmitResult,
  type BreakerChange,
  type BreakerPolicy,
  type DeploymentUsage,
  FAILURE_WINDOW_MS,
  hasLimit,
  type LimitScope,
  minuteWindow,
  previousWindowWeight,
  type Settlement,
  type SharedState,
  secondsToNextMinute,
  secondsToPeriodEnd,
} from "./shared-state";

interface Expiring<T> {
  value: T;
  expiresAtMs: number;
}

export class MemoryState implements SharedState {
  readonly kind = "memory" as const;
  private readonly counters = new Map<string, Expiring<number>>();
  private readonly cache = new Map<string, Expiring<string>>();
  private readonly breakers = new Map<string, number>();
  private readonly probes = new Map<string, number>();
  private readonly sweeper = setInterval(() => this.sweep(Date.now()), 30_000).unref();

  private get(key: string, nowMs: number): number {
    const entry = this.counters.get(key);
    return entry && entry.expiresAtMs > nowMs ? entry.value : 0;
  }

  private add(key: string, amount: number, ttlMs: number, nowMs: number): number {
    const value = this.get(key, nowMs) + amount;
    this.counters.set(key, { value, expiresAtMs: nowMs + ttlMs });
    return value;
  }

  private sweep(nowMs: number): void {
    for (const [key, entry] of this.counters) if (entry.expiresAtMs <= nowMs) this.counters.delete(key);
    for (const [key, entry] of this.cache) if (entry.expiresAtMs <= nowMs) this.cache.delete(key);
  }

  async admit(
    scopes: readonly LimitScope[],
    tokens: number,
    costNano: number,
    nowMs: number,
  ): Promise<AdmitResult> {
    const minute = minuteWindow(nowMs);
    const weight = previousWindowWeight(nowMs);
    const used = (name: string) =>
      this.get(`${name}:${minute}`, nowMs) + weight * this.get(`${name}:${minute - 1}`, nowMs);
    for (const scope of scopes) {
      if (hasLimit(scope.rpm) && used(`rpm:${scope.id}`) + 1 > scope.rpm) {
        return { ok: false, reason: "rpm", scope: scope.id, retryAfterSeconds: secondsToNextMinute(nowMs) };
      }
      if (hasLimit(scope.tpm) && used(`tpm:${scope.id}`) + tokens > scope.tpm) {
        return { ok: false, reason: "tpm", scope: scope.id, retryAfterSeconds: secondsToNextMinute(nowMs) };
      }
      const budget = `${scope.id}:${scope.periodStartMs}`;
      if (
        hasLimit(scope.budgetNano) &&
        this.get(`spent:${budget}`, nowMs) + this.get(`reserved:${budget}`, nowMs) + costNano >
          scope.budgetNano
      ) {
        return {
          ok: false,
          reason: "budget",
          scope: scope.id,
          retryAfterSeconds: secondsToPeriodEnd(scope, nowMs),
        };
      }
    }
    for (const scope of scopes) {
      this.add(`rpm:${scope.id}:${minute}`, 1, 2 * 60_000, nowMs);
      this.add(`tpm:${scope.id}:${minute}`, tokens, 2 * 60_000, nowMs);
      this.add(`reserved:${scope.id}:${scope.periodStartMs}`, costNano, 3_600_000, nowMs);
    }
    return { ok: true };
  }

  async settle(scopes: readonly LimitScope[], settlement: Settlement, nowMs: number): Promise<void> {
    const minute = minuteWindow(nowMs);
    for (const scope of scopes) {
      const budget = `${scope.id}:${scope.periodStartMs}`;
      this.add(
        `tpm:${scope.id}:${minute}`,
        settlement.actualTokens - settlement.reservedTokens,
        2 * 60_000,
        nowMs,
      );
      this.add(`reserved:${budget}`, -settlement.reservedNano, 3_600_000, nowMs);
      this.add(
        `spent:${budget}`,
        settlement.actualNano,
        scope.periodMs ?? Number.MAX_SAFE_INTEGER / 2,
        nowMs,
      );
    }
  }

  async budgetState(scopeId: string, periodStartMs: number) {
    const now = Date.now();
    return {
      spentNano: this.get(`spent:${scopeId}:${periodStartMs}`, now),
      reservedNano: this.get(`reserved:${scopeId}:${periodStartMs}`, now),
    };
  }

  async recordOutcome(
    deploymentId: string,
    ok: boolean,
    policy: BreakerPolicy,
    nowMs: number,
  ): Promise<BreakerChange | undefined> {
    const window = Math.floor(nowMs / FAILURE_WINDOW_MS);
    const calls = this.add(`calls:${deploymentId}:${window}`, 1, FAILURE_WINDOW_MS, nowMs);
    if (ok) {
      if (!this.breakers.has(deploymentId)) return undefined;
      this.breakers.delete(deploymentId);
      return { deploymentId, openUntilMs: undefined };
    }
    const fails = this.add(`fails:${deploymentId}:${window}`, 1, FAILURE_WINDOW_MS, nowMs);
    const ratioMet = policy.allowedFailsRatio === undefined || fails / calls >= policy.allowedFailsRatio;
    const halfOpenProbeFailed = this.breakers.has(deploymentId);
    if ((fails >= policy.allowedFails && ratioMet) || halfOpenProbeFailed) {
      const openUntilMs = nowMs + policy.cooldownMs;
      this.breakers.set(deploymentId, openUntilMs);
      this.counters.delete(`fails:${deploymentId}:${window}`);
      return { deploymentId, openUntilMs };
    }
    return undefined;
  }

  openBreakers(): ReadonlyMap<string, number> {
    return this.breakers;
  }

  async acquireProbe(deploymentId: string, ttlMs: number): Promise<boolean> {
    const now = Date.now();
    if ((this.probes.get(deploymentId) ?? 0) > now) return false;
    this.probes.set(deploymentId, now + ttlMs);
    return true;
  }

  async countDeployment(deploymentId: string, tokens: number, nowMs: number): Promise<void> {
    const minute = minuteWindow(nowMs);
    this.add(`dep-rpm:${deploymentId}:${minute}`, 1, 2 * 60_000, nowMs);
    this.add(`dep-tpm:${deploymentId}:${minute}`, tokens, 2 * 60_000, nowMs);
  }

  async deploymentUsage(
    deploymentIds: readonly string[],
    nowMs: number,
  ): Promise<Map<string, DeploymentUsage>> {
    const minute = minuteWindow(nowMs);
    return new Map(
      deploymentIds.map((id) => [
        id,
        {
          requests: this.get(`dep-rpm:${id}:${minute}`, nowMs),
          tokens: this.get(`dep-tpm:${id}:${minute}`, nowMs),
        },
      ]),
    );
  }

  async cacheGet(key: string): Promise<string | undefined> {
    const entry = this.cache.get(key);
    return entry && entry.expiresAtMs > Date.now() ? entry.value : undefined;
  }

  async cacheSet(key: string, value: string, ttlSeconds: number): Promise<void> {
    this.cache.set(key, { value, expiresAtMs: Date.now() + ttlSeconds * 1000 });
  }

  async ping(): Promise<boolean> {
    return true;
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
  }
}
