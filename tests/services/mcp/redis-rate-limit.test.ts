import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { ConfigError, loadConfig } from "../../../services/mcp/src/config";
import {
  type RedisFailureBehaviour,
  RedisRateLimiter,
} from "../../../services/mcp/src/http/redis-rate-limit";
import { TOKEN_BUCKET_SHA1 } from "../../../services/mcp/src/http/token-bucket-script";
import { createMetrics } from "../../../services/mcp/src/metrics";
import { redisTestPrefix } from "../../harness/databases";
import { type FakeKeycloak, startFakeKeycloak } from "./support/fake-keycloak";
import { type PrivateRedis, startPrivateRedis } from "./support/private-redis";
import { INITIALIZE, jsonOf, postRpc } from "./support/start-app";
import { PUBLIC_MCP_URL, type Replica, startReplica } from "./support/start-replica";

const TOOL_CALL = {
  jsonrpc: "2.0",
  id: 7,
  method: "tools/call",
  params: { name: "knowledge_search", arguments: { query: "travel policy" } },
};

let keycloak: FakeKeycloak;
let shared: Redis;
let privateRedis: PrivateRedis;
const limiters: RedisRateLimiter[] = [];

beforeAll(async () => {
  [keycloak, privateRedis] = await Promise.all([startFakeKeycloak(), startPrivateRedis()]);
  shared = new Redis(inject("redisUrl"));
});
afterAll(async () => {
  await Promise.all(limiters.map((limiter) => limiter.close()));
  shared?.disconnect();
  await Promise.all([keycloak?.close(), privateRedis?.close()]);
});

/** A limiter straight on a Redis, its failures counted and logged where the test can read them. */
async function limiter(
  url: string,
  options: { burst: number; requestsPerMinute?: number; onError?: RedisFailureBehaviour; keyPrefix?: string },
) {
  const metrics = createMetrics();
  const logs: Record<string, unknown>[] = [];
  const created = await RedisRateLimiter.connect({
    url,
    requestsPerMinute: options.requestsPerMinute ?? 1,
    burst: options.burst,
    keyPrefix: options.keyPrefix ?? redisTestPrefix("mcp-limit"),
    timeoutMs: 100,
    onError: options.onError ?? "closed",
    storeErrors: metrics.rateLimitStoreErrors,
    log: (line) => logs.push(line),
  });
  limiters.push(created);
  const storeErrors = async () =>
    (await metrics.rateLimitStoreErrors.get()).values.reduce((sum, value) => sum + value.value, 0);
  return { limiter: created, logs, storeErrors };
}

async function takeMany(subject: { take(caller: string): unknown }, caller: string, times: number) {
  const decisions = [];
  for (let i = 0; i < times; i++) decisions.push(await subject.take(caller));
  return decisions.map((decision) => (decision as { allowed: boolean }).allowed);
}

describe("one rate limit across replicas (two runtimes, one Redis)", () => {
  let replicas: Replica[];
  let keyPrefix: string;

  beforeAll(async () => {
    keyPrefix = redisTestPrefix("mcp-replicas");
    const raw = {
      auth: { mode: "oauth", issuer: keycloak.issuer, jwksUrl: keycloak.jwksUrl },
      rateLimit: { requestsPerMinute: 1, burst: 4, redisUrlEnv: "REDIS_URL", redisKeyPrefix: keyPrefix },
    };
    const env = { REDIS_URL: inject("redisUrl") };
    replicas = await Promise.all([startReplica(raw, env), startReplica(raw, env)]);
  });
  afterAll(async () => {
    await Promise.all((replicas ?? []).map((replica) => replica.close()));
  });

  const bearer = async (sub: string) => ({
    authorization: `Bearer ${await keycloak.token({ aud: PUBLIC_MCP_URL, sub, scope: "mcp:knowledge.read" })}`,
  });

  it("spends one shared burst whichever replica answers, then 429 with Retry-After on both", async () => {
    const [a, b] = replicas as [Replica, Replica];
    const alice = await bearer("alice");
    const statuses = [];
    for (const replica of [a, b, a, b])
      statuses.push((await postRpc(replica.mcpUrl, INITIALIZE, alice)).status);
    expect(statuses).toEqual([200, 200, 200, 200]);

    for (const replica of [a, b]) {
      const limited = await postRpc(replica.mcpUrl, INITIALIZE, alice);
      expect(limited.status).toBe(429);
      // One request per minute: the next token is about 60 s away.
      const retryAfter = Number(limited.headers.get("retry-after"));
      expect(retryAfter).toBeGreaterThanOrEqual(55);
      expect(retryAfter).toBeLessThanOrEqual(60);
    }
    const call = await postRpc(b.mcpUrl, TOOL_CALL, alice);
    expect(call.status).toBe(429);
    expect(b.audit.at(-1)).toMatchObject({
      caller: "alice",
      tool: "knowledge_search",
      outcome: "rate_limited",
    });

    // Another caller has a bucket of its own.
    expect((await postRpc(a.mcpUrl, INITIALIZE, await bearer("bob"))).status).toBe(200);
  });

  it("keeps one key per caller that expires when its bucket would be full again", async () => {
    const keys = (await shared.keys(`${keyPrefix}*`)).sort();
    expect(keys).toEqual([`${keyPrefix}alice`, `${keyPrefix}bob`]);
    // burst 4 at 1 per minute: an empty bucket is full after 4 minutes (+ 1 s margin), bob's after 1.
    const alice = await shared.pttl(`${keyPrefix}alice`);
    const bob = await shared.pttl(`${keyPrefix}bob`);
    expect(alice).toBeGreaterThan(3 * 60_000);
    expect(alice).toBeLessThanOrEqual(4 * 60_000 + 1000);
    expect(bob).toBeGreaterThan(50_000);
    expect(bob).toBeLessThanOrEqual(61_000);
  });
});

describe("the token bucket script", () => {
  it("is called by EVALSHA and loaded again with EVAL when Redis has forgotten it (NOSCRIPT)", async () => {
    const { limiter: subject } = await limiter(privateRedis.url, { burst: 2 });
    privateRedis.cli("script", "flush");
    expect(privateRedis.cli("script", "exists", TOKEN_BUCKET_SHA1)).toBe("0");
    expect(await takeMany(subject, "carol", 3)).toEqual([true, true, false]);
    expect(privateRedis.cli("script", "exists", TOKEN_BUCKET_SHA1)).toBe("1");
  });

  it("refills by Redis' clock: a replica whose clock runs an hour ahead gains no tokens", async () => {
    const { limiter: subject } = await limiter(inject("redisUrl"), { burst: 1, requestsPerMinute: 1 });
    expect(await takeMany(subject, "dave", 2)).toEqual([true, false]);
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      vi.setSystemTime(Date.now() + 3_600_000);
      expect(await takeMany(subject, "dave", 1)).toEqual([false]);
    } finally {
      vi.useRealTimers();
    }
  });

  it("refills at the configured rate", async () => {
    const { limiter: subject } = await limiter(inject("redisUrl"), { burst: 1, requestsPerMinute: 600 });
    expect(await takeMany(subject, "erin", 2)).toEqual([true, false]);
    await new Promise((resolve) => setTimeout(resolve, 150)); // 600/min = one token per 100 ms
    expect(await takeMany(subject, "erin", 2)).toEqual([true, false]);
  });
});

describe("when Redis fails", () => {
  it("closed: answers 503 with Retry-After at once, logs the outage once, counts it, recovers", async () => {
    await privateRedis.start();
    const replica = await startReplica(
      {
        rateLimit: {
          requestsPerMinute: 60,
          burst: 100,
          redisUrlEnv: "REDIS_URL",
          redisKeyPrefix: redisTestPrefix("mcp-closed"),
          redisTimeoutMs: 100,
          onRedisError: "closed",
        },
      },
      { REDIS_URL: privateRedis.url },
    );
    try {
      expect((await postRpc(replica.mcpUrl, INITIALIZE)).status).toBe(200);
      await privateRedis.stop();
      const started = performance.now();
      const refused = [await postRpc(replica.mcpUrl, INITIALIZE), await postRpc(replica.mcpUrl, TOOL_CALL)];
      expect(performance.now() - started).toBeLessThan(1000);
      expect(refused.map((response) => response.status)).toEqual([503, 503]);
      expect(refused[0]?.headers.get("retry-after")).toBe("1");
      const body = await jsonOf(refused[0] as Response);
      expect(body.error.message).toBe("the rate limit store is unavailable; retry shortly");
      expect(replica.audit.at(-1)).toMatchObject({
        outcome: "rate_limited",
        detail: "rate limit store unavailable",
      });
      expect(replica.logs.filter((line) => line.event === "redis_unavailable")).toEqual([
        expect.objectContaining({ type: "rate_limit", behaviour: "closed" }),
      ]);
      expect(await replica.metric('mcp_rate_limit_store_errors_total{behaviour="closed"}')).toBe(2);

      await privateRedis.start();
      await expect
        .poll(async () => (await postRpc(replica.mcpUrl, INITIALIZE)).status, {
          timeout: 5000,
          interval: 100,
        })
        .toBe(200);
      expect(replica.logs.map((line) => line.event)).toContain("redis_recovered");
    } finally {
      await replica.close();
    }
  });

  it("local: falls back to this replica's own bucket", async () => {
    await privateRedis.start();
    const { limiter: subject, storeErrors } = await limiter(privateRedis.url, { burst: 2, onError: "local" });
    expect(await takeMany(subject, "frank", 1)).toEqual([true]);
    await privateRedis.stop();
    // The local bucket starts full: the limit holds per replica while Redis is away.
    expect(await takeMany(subject, "frank", 3)).toEqual([true, true, false]);
    expect(await storeErrors()).toBe(3);
  });

  it("open: lets every request through", async () => {
    await privateRedis.start();
    const { limiter: subject, logs } = await limiter(privateRedis.url, { burst: 1, onError: "open" });
    await privateRedis.stop();
    expect(await takeMany(subject, "grace", 4)).toEqual([true, true, true, true]);
    expect(logs).toEqual([expect.objectContaining({ event: "redis_unavailable", behaviour: "open" })]);
  });

  it("a Redis that hangs costs a request the timeout, not more", async () => {
    await privateRedis.start();
    const { limiter: subject, storeErrors } = await limiter(privateRedis.url, { burst: 1, onError: "open" });
    expect(await takeMany(subject, "heidi", 2)).toEqual([true, false]);
    privateRedis.pause(2000);
    const started = performance.now();
    expect(await takeMany(subject, "heidi", 1)).toEqual([true]);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(await storeErrors()).toBe(1);
  });

  it("an unreachable Redis at start degrades the limiter instead of stopping the server", async () => {
    await privateRedis.stop();
    const { limiter: subject, logs } = await limiter(privateRedis.url, { burst: 1, onError: "closed" });
    expect(logs).toEqual([
      expect.objectContaining({ event: "redis_unavailable", error: "not reachable at start" }),
    ]);
    expect(await subject.take("ivan")).toEqual({
      allowed: false,
      retryAfterSeconds: 1,
      reason: "store_unavailable",
    });
    await privateRedis.start();
  });
});

describe("configuration", () => {
  it("refuses to start when the variable named by rateLimit.redisUrlEnv is not set", () => {
    const file = join(mkdtempSync(join(tmpdir(), "mcp-config-")), "mcp.yaml");
    writeFileSync(
      file,
      [
        "server: { host: 127.0.0.1, publicUrl: 'http://127.0.0.1:8080/mcp' }",
        "auth: { mode: none }",
        "rateLimit: { redisUrlEnv: REDIS_URL }",
      ].join("\n"),
    );
    expect(() => loadConfig({ MCP_CONFIG_FILE: file })).toThrow(ConfigError);
    expect(() => loadConfig({ MCP_CONFIG_FILE: file })).toThrow("environment variable REDIS_URL is not set");
    expect(loadConfig({ MCP_CONFIG_FILE: file, REDIS_URL: "redis://redis:6379" }).config.rateLimit).toEqual({
      requestsPerMinute: 120,
      burst: 30,
      redisUrlEnv: "REDIS_URL",
      redisKeyPrefix: "mcp:ratelimit:",
      redisTimeoutMs: 250,
      onRedisError: "local",
    });
  });
});
