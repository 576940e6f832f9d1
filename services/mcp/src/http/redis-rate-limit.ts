import { Redis } from "ioredis";
import type { Counter } from "prom-client";
import {
  ALLOWED,
  MemoryRateLimiter,
  type RateDecision,
  type RateLimiter,
  retryAfterSeconds,
} from "./rate-limit";
import { TOKEN_BUCKET_LUA, TOKEN_BUCKET_SHA1 } from "./token-bucket-script";

/**
 * What a request meets while Redis does not answer: `local` falls back to this replica's own bucket (limits
 * stay, multiplied by the replica count, and the server stays up), `open` lets every request through,
 * `closed` refuses every request with 503.
 */
export type RedisFailureBehaviour = "local" | "open" | "closed";

export interface RedisRateLimiterOptions {
  /** A `redis://` or `rediss://` URL; it may carry a password, so it is never logged. */
  readonly url: string;
  readonly requestsPerMinute: number;
  readonly burst: number;
  /** Prefix of the per-caller keys, so several servers (or tests) can share one Redis. */
  readonly keyPrefix: string;
  /** Longest wait for Redis per request before `onError` applies. */
  readonly timeoutMs: number;
  readonly onError: RedisFailureBehaviour;
  /** Counts requests decided without Redis, by behaviour. */
  readonly storeErrors: Counter<"behaviour">;
  readonly log: (line: Record<string, unknown>) => void;
}

/** The per-caller token bucket in Redis, shared by every replica: N replicas enforce one limit. */
export class RedisRateLimiter implements RateLimiter {
  private readonly redis: Redis;
  private readonly fallback: MemoryRateLimiter;
  private failing = false;

  private constructor(private readonly options: RedisRateLimiterOptions) {
    this.redis = new Redis(options.url, {
      // Fail at once while disconnected instead of queueing: a request must never wait on a dead Redis.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: options.timeoutMs,
      connectTimeout: Math.max(1000, options.timeoutMs),
      retryStrategy: (attempt) => Math.min(attempt * 100, 2000),
    });
    // Connection errors surface as failed takes (logged on the transition, counted in the metric);
    // an unhandled `error` event would crash the process.
    this.redis.on("error", () => {});
    this.fallback = new MemoryRateLimiter(options.requestsPerMinute, options.burst);
  }

  /** Connects, waiting at most `connectTimeout` for Redis: an unreachable Redis degrades, never stops, the server. */
  static async connect(options: RedisRateLimiterOptions): Promise<RedisRateLimiter> {
    const limiter = new RedisRateLimiter(options);
    const ready = await limiter.waitUntilReady(Math.max(1000, options.timeoutMs));
    if (!ready) limiter.markFailing(new Error("not reachable at start"));
    return limiter;
  }

  async take(caller: string): Promise<RateDecision> {
    let reply: [number, number];
    try {
      reply = await this.runScript(`${this.options.keyPrefix}${caller}`);
    } catch (error) {
      this.markFailing(error);
      return this.withoutRedis(caller);
    }
    if (this.failing) {
      this.failing = false;
      this.options.log({ type: "rate_limit", event: "redis_recovered" });
    }
    const [allowed, waitMs] = reply;
    return allowed === 1
      ? ALLOWED
      : { allowed: false, retryAfterSeconds: retryAfterSeconds(waitMs), reason: "limit" };
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  /** EVALSHA first (the script body is sent once per Redis, not per request); EVAL loads it on NOSCRIPT. */
  private async runScript(key: string): Promise<[number, number]> {
    const args = [1, key, this.options.burst, this.options.requestsPerMinute] as const;
    try {
      return (await this.redis.evalsha(TOKEN_BUCKET_SHA1, ...args)) as [number, number];
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith("NOSCRIPT")) throw error;
      return (await this.redis.eval(TOKEN_BUCKET_LUA, ...args)) as [number, number];
    }
  }

  private withoutRedis(caller: string): RateDecision | Promise<RateDecision> {
    this.options.storeErrors.inc({ behaviour: this.options.onError });
    switch (this.options.onError) {
      case "open":
        return ALLOWED;
      case "closed":
        return { allowed: false, retryAfterSeconds: 1, reason: "store_unavailable" };
      case "local":
        return this.fallback.take(caller);
    }
  }

  /** Logs once per outage, not once per request; the metric counts every request. */
  private markFailing(error: unknown): void {
    if (this.failing) return;
    this.failing = true;
    this.options.log({
      type: "rate_limit",
      event: "redis_unavailable",
      behaviour: this.options.onError,
      error: error instanceof Error ? error.message : String(error),
    });
  }

  private waitUntilReady(timeoutMs: number): Promise<boolean> {
    if (this.redis.status === "ready") return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (ready: boolean) => {
        clearTimeout(timer);
        this.redis.off("ready", onReady);
        resolve(ready);
      };
      const onReady = () => done(true);
      const timer = setTimeout(() => done(false), timeoutMs);
      this.redis.on("ready", onReady);
    });
  }
}
