/** What a limiter answers for one request of one caller. */
export type RateDecision =
  | { readonly allowed: true }
  | {
      readonly allowed: false;
      readonly retryAfterSeconds: number;
      /** `limit`: the caller spent its bucket; `store_unavailable`: the shared store failed and the limiter fails closed. */
      readonly reason: "limit" | "store_unavailable";
    };

/** Per-caller token bucket: `burst` requests at once, refilled at `requestsPerMinute`. */
export interface RateLimiter {
  take(caller: string): RateDecision | Promise<RateDecision>;
  close?(): Promise<void>;
}

export const ALLOWED: RateDecision = { allowed: true };

/** Seconds a client should wait for `waitMs`, at least 1 (a `Retry-After` of 0 invites a hot loop). */
export function retryAfterSeconds(waitMs: number): number {
  return Math.max(1, Math.ceil(waitMs / 1000));
}

/**
 * The token bucket in this replica's memory: the default, and the fallback of the Redis limiter. Counted
 * per replica, so the autoscaler's replica count multiplies the effective limit.
 */
export class MemoryRateLimiter implements RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; updatedMs: number }>();

  constructor(
    private readonly requestsPerMinute: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {}

  take(caller: string): RateDecision {
    const now = this.now();
    const perMs = this.requestsPerMinute / 60_000;
    const bucket = this.buckets.get(caller) ?? { tokens: this.burst, updatedMs: now };
    bucket.tokens = Math.min(this.burst, bucket.tokens + Math.max(0, now - bucket.updatedMs) * perMs);
    bucket.updatedMs = now;
    this.buckets.set(caller, bucket);
    if (this.buckets.size > 10_000) this.forgetFull(now, perMs);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return ALLOWED;
    }
    return {
      allowed: false,
      retryAfterSeconds: retryAfterSeconds((1 - bucket.tokens) / perMs),
      reason: "limit",
    };
  }

  /** Buckets that have refilled completely carry no state worth keeping. */
  private forgetFull(now: number, perMs: number): void {
    for (const [caller, bucket] of this.buckets) {
      if (bucket.tokens + (now - bucket.updatedMs) * perMs >= this.burst) this.buckets.delete(caller);
    }
  }
}
