/**
 * Per-caller token bucket: `burst` requests at once, refilled at `requestsPerMinute`. Counted per
 * replica; the HPA's replica count multiplies the effective limit (noted in the README).
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; updatedMs: number }>();

  constructor(
    private readonly requestsPerMinute: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes one token for `caller`; returns 0 when allowed, else the seconds until a token is back. */
  take(caller: string): number {
    const now = this.now();
    const perMs = this.requestsPerMinute / 60_000;
    const bucket = this.buckets.get(caller) ?? { tokens: this.burst, updatedMs: now };
    bucket.tokens = Math.min(this.burst, bucket.tokens + (now - bucket.updatedMs) * perMs);
    bucket.updatedMs = now;
    this.buckets.set(caller, bucket);
    if (this.buckets.size > 10_000) this.forgetFull(now, perMs);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.ceil((1 - bucket.tokens) / perMs / 1000);
  }

  /** Buckets that have refilled completely carry no state worth keeping. */
  private forgetFull(now: number, perMs: number): void {
    for (const [caller, bucket] of this.buckets) {
      if (bucket.tokens + (now - bucket.updatedMs) * perMs >= this.burst) this.buckets.delete(caller);
    }
  }
}
