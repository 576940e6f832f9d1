/** SharedState on Redis: one atomic script per decision, breaker changes broadcast over pub/sub. */
import { Redis } from "ioredis";
import { ADMIT, RECORD_OUTCOME, SETTLE } from "./lua-scripts";
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
  RESERVATION_TTL_SECONDS,
  type Settlement,
  type SharedState,
  secondsToNextMinute,
  secondsToPeriodEnd,
} from "./shared-state";

const WINDOW_TTL_SECONDS = 120;
const REASONS = { 1: "rpm", 2: "tpm", 3: "budget" } as const;

export interface RedisStateOptions {
  readonly url: string;
  /** Namespaces every key, so several gateways (or tests) can share one Redis. */
  readonly keyPrefix?: string;
}

export class RedisState implements SharedState {
  readonly kind = "redis" as const;
  private readonly redis: Redis;
  private readonly subscriber: Redis;
  private readonly prefix: string;
  private readonly breakers = new Map<string, number>();

  private constructor(options: RedisStateOptions) {
    this.prefix = options.keyPrefix ?? "gw:";
    const common = { lazyConnect: true, maxRetriesPerRequest: 2, enableAutoPipelining: true } as const;
    this.redis = new Redis(options.url, common);
    this.subscriber = new Redis(options.url, { ...common, enableAutoPipelining: false });
    this.redis.defineCommand("gwAdmit", { lua: ADMIT });
    this.redis.defineCommand("gwSettle", { lua: SETTLE });
    this.redis.defineCommand("gwOutcome", { lua: RECORD_OUTCOME });
    // A dropped connection must not crash the process; readiness reports it instead.
    this.redis.on("error", () => {});
    this.subscriber.on("error", () => {});
  }

  static async connect(options: RedisStateOptions): Promise<RedisState> {
    const state = new RedisState(options);
    await Promise.all([state.redis.connect(), state.subscriber.connect()]);
    const channel = state.key("breakers");
    state.subscriber.on("message", (_channel: string, message: string) => state.applyBreakerMessage(message));
    await state.subscriber.subscribe(channel);
    const open = await state.redis.hgetall(state.key("breakers:open"));
    for (const [id, until] of Object.entries(open)) state.breakers.set(id, Number(until));
    return state;
  }

  private key(name: string): string {
    return `${this.prefix}${name}`;
  }

  private applyBreakerMessage(message: string): void {
    const [id, until] = JSON.parse(message) as [string, number | null];
    if (until === null) this.breakers.delete(id);
    else this.breakers.set(id, until);
  }

  private call(command: string, keys: string[], args: (string | number)[]): Promise<unknown> {
    return (this.redis as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[command]?.(
      keys.length,
      ...keys,
      ...args,
    ) as Promise<unknown>;
  }

  async admit(
    scopes: readonly LimitScope[],
    tokens: number,
    costNano: number,
    nowMs: number,
  ): Promise<AdmitResult> {
    if (scopes.length === 0) return { ok: true };
    const minute = minuteWindow(nowMs);
    const keys = scopes.flatMap((scope) => [
      this.key(`rpm:${scope.id}:${minute}`),
      this.key(`rpm:${scope.id}:${minute - 1}`),
      this.key(`tpm:${scope.id}:${minute}`),
      this.key(`tpm:${scope.id}:${minute - 1}`),
      this.key(`spent:${scope.id}:${scope.periodStartMs}`),
      this.key(`reserved:${scope.id}:${scope.periodStartMs}`),
    ]);
    const limit = (value: number | undefined) => (hasLimit(value) ? value : -1);
    const args = [
      tokens,
      costNano,
      WINDOW_TTL_SECONDS,
      RESERVATION_TTL_SECONDS,
      previousWindowWeight(nowMs),
      ...scopes.flatMap((scope) => [limit(scope.rpm), limit(scope.tpm), limit(scope.budgetNano)]),
    ];
    const [code, index] = (await this.call("gwAdmit", keys, args)) as [number, number?];
    if (code === 0) return { ok: true };
    const scope = scopes[index ?? 0] as LimitScope;
    const reason = REASONS[code as 1 | 2 | 3];
    const retryAfterSeconds =
      reason === "budget" ? secondsToPeriodEnd(scope, nowMs) : secondsToNextMinute(nowMs);
    return { ok: false, reason, scope: scope.id, retryAfterSeconds };
  }

  async settle(scopes: readonly LimitScope[], settlement: Settlement, nowMs: number): Promise<void> {
    if (scopes.length === 0) return;
    const minute = minuteWindow(nowMs);
    const keys = scopes.flatMap((scope) => [
      this.key(`tpm:${scope.id}:${minute}`),
      this.key(`spent:${scope.id}:${scope.periodStartMs}`),
      this.key(`reserved:${scope.id}:${scope.periodStartMs}`),
    ]);
    const args = [
      settlement.actualTokens - settlement.reservedTokens,
      settlement.reservedNano,
      settlement.actualNano,
      WINDOW_TTL_SECONDS,
      ...scopes.map((scope) =>
        scope.periodMs === undefined ? -1 : Math.ceil(scope.periodMs / 1000) + 86_400,
      ),
    ];
    await this.call("gwSettle", keys, args);
  }

  async budgetState(scopeId: string, periodStartMs: number) {
    const [spent, reserved] = await this.redis.mget(
      this.key(`spent:${scopeId}:${periodStartMs}`),
      this.key(`reserved:${scopeId}:${periodStartMs}`),
    );
    return { spentNano: Number(spent ?? 0), reservedNano: Number(reserved ?? 0) };
  }

  async recordOutcome(
    deploymentId: string,
    ok: boolean,
    policy: BreakerPolicy,
    nowMs: number,
  ): Promise<BreakerChange | undefined> {
    const window = Math.floor(nowMs / FAILURE_WINDOW_MS);
    const keys = [
      this.key(`calls:${deploymentId}:${window}`),
      this.key(`fails:${deploymentId}:${window}`),
      this.key("breakers:open"),
    ];
    const args = [
      deploymentId,
      ok ? 1 : 0,
      Math.ceil(FAILURE_WINDOW_MS / 1000),
      policy.allowedFails,
      policy.allowedFailsRatio ?? -1,
      policy.cooldownMs,
      nowMs,
    ];
    const [code, until] = (await this.call("gwOutcome", keys, args)) as [number, number?];
    if (code === 0) return undefined;
    const change: BreakerChange = { deploymentId, openUntilMs: code === 1 ? Number(until) : undefined };
    this.applyBreakerMessage(JSON.stringify([deploymentId, change.openUntilMs ?? null]));
    await this.redis.publish(
      this.key("breakers"),
      JSON.stringify([deploymentId, change.openUntilMs ?? null]),
    );
    return change;
  }

  openBreakers(): ReadonlyMap<string, number> {
    return this.breakers;
  }

  async acquireProbe(deploymentId: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.set(this.key(`probe:${deploymentId}`), "1", "PX", ttlMs, "NX")) === "OK";
  }

  async countDeployment(deploymentId: string, tokens: number, nowMs: number): Promise<void> {
    const minute = minuteWindow(nowMs);
    const requests = this.key(`dep-rpm:${deploymentId}:${minute}`);
    const tokenKey = this.key(`dep-tpm:${deploymentId}:${minute}`);
    await this.redis
      .multi()
      .incr(requests)
      .expire(requests, WINDOW_TTL_SECONDS)
      .incrby(tokenKey, tokens)
      .expire(tokenKey, WINDOW_TTL_SECONDS)
      .exec();
  }

  async deploymentUsage(
    deploymentIds: readonly string[],
    nowMs: number,
  ): Promise<Map<string, DeploymentUsage>> {
    if (deploymentIds.length === 0) return new Map();
    const minute = minuteWindow(nowMs);
    const values = await this.redis.mget(
      deploymentIds.flatMap((id) => [
        this.key(`dep-rpm:${id}:${minute}`),
        this.key(`dep-tpm:${id}:${minute}`),
      ]),
    );
    return new Map(
      deploymentIds.map((id, index) => [
        id,
        { requests: Number(values[index * 2] ?? 0), tokens: Number(values[index * 2 + 1] ?? 0) },
      ]),
    );
  }

  async cacheGet(key: string): Promise<string | undefined> {
    return (await this.redis.get(this.key(`cache:${key}`))) ?? undefined;
  }

  async cacheSet(key: string, value: string, ttlSeconds: number): Promise<void> {
    await this.redis.set(this.key(`cache:${key}`), value, "EX", ttlSeconds);
  }

  async ping(): Promise<boolean> {
    try {
      return (await this.redis.ping()) === "PONG";
    } catch {
      return false;
    }
  }

  /** The connection the key store shares (it keeps its records under the same prefix). */
  client(): Redis {
    return this.redis;
  }

  prefixed(name: string): string {
    return this.key(name);
  }

  async close(): Promise<void> {
    this.subscriber.disconnect();
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
