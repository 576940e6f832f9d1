import type { McpConfig } from "../config-schema";
import type { Metrics } from "../metrics";
import { MemoryRateLimiter, type RateLimiter } from "./rate-limit";
import { RedisRateLimiter } from "./redis-rate-limit";

export interface RateLimiterDependencies {
  /** The value of `rateLimit.redisUrlEnv`; none keeps the buckets in this replica's memory. */
  readonly redisUrl?: string;
  readonly metrics: Pick<Metrics, "rateLimitStoreErrors">;
  readonly log: (line: Record<string, unknown>) => void;
}

/** Redis when the config names one (one limit across the replicas), else this replica's memory. */
export async function createRateLimiter(
  config: McpConfig["rateLimit"],
  dependencies: RateLimiterDependencies,
): Promise<RateLimiter> {
  if (!dependencies.redisUrl) return new MemoryRateLimiter(config.requestsPerMinute, config.burst);
  return RedisRateLimiter.connect({
    url: dependencies.redisUrl,
    requestsPerMinute: config.requestsPerMinute,
    burst: config.burst,
    keyPrefix: config.redisKeyPrefix,
    timeoutMs: config.redisTimeoutMs,
    onError: config.onRedisError,
    storeErrors: dependencies.metrics.rateLimitStoreErrors,
    log: dependencies.log,
  });
}
