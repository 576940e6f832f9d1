import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ConfigError, parseConfig, resolveSecrets, secretNames } from "../../../services/mcp/src/config";

const MINIMAL = {
  server: { publicUrl: "https://mcp.example.com/mcp" },
  auth: {
    mode: "oauth",
    issuer: "https://auth.example.com/realms/ai-platform",
    jwksUrl: "https://auth.example.com/certs",
  },
};

function problems(raw: unknown): readonly string[] {
  try {
    parseConfig(raw);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe("MCP server configuration", () => {
  it("accepts the example configuration of the README, which names every secret by variable", () => {
    const config = parseConfig(parse(readFileSync("services/mcp/config.example.yaml", "utf8")));
    expect(config.connectors.map((connector) => connector.name)).toEqual(["crm_get_customer"]);
    expect(config.rateLimit).toMatchObject({ redisUrlEnv: "REDIS_URL", onRedisError: "local" });
    expect(config.audit.kafka).toMatchObject({ topic: "mcp-audit", batchSize: 200, maxAttempts: 8 });
    expect(secretNames(config).sort()).toEqual([
      "CRM_API_TOKEN",
      "DINGTALK_OPS_SECRET",
      "DINGTALK_OPS_WEBHOOK",
      "HELPDESK_MCP_TOKEN",
      "LLM_GATEWAY_API_KEY",
      "MCP_STATE_DATABASE_URL",
      "MILVUS_TOKEN",
      "PROMPT_DATABASE_URL",
      "REDIS_URL",
      "SALES_DATABASE_URL",
      "TICKETS_API_KEY",
      "WECOM_SUPPORT_WEBHOOK",
    ]);
  });

  it("fills defaults written once in the schema", () => {
    const config = parseConfig(MINIMAL);
    expect(config.server).toMatchObject({ host: "0.0.0.0", port: 8080, responseMode: "sse" });
    expect(config.knowledge.store).toEqual({ kind: "pglite" });
    expect(config.rateLimit).toEqual({
      requestsPerMinute: 120,
      burst: 30,
      redisKeyPrefix: "mcp:ratelimit:",
      redisTimeoutMs: 250,
      onRedisError: "local",
    });
    expect(parseConfig({ ...MINIMAL, rateLimit: { burst: 5 } }).rateLimit).toMatchObject({
      requestsPerMinute: 120,
      burst: 5,
      onRedisError: "local",
    });
  });

  it("lists every bad key at once", () => {
    const found = problems({
      server: { publicUrl: "not a url", port: 70000 },
      auth: { mode: "oauth", issuer: "x" },
      knowledge: { chunkTokens: 64, overlapTokens: 64 },
      connectors: [{ name: "Bad Name", description: "d", url: "https://x" }],
      ssrf: { allowCidrs: ["10.0.0.0/8", "10.0.0.0/33", "intranet"] },
      rateLimit: { redisUrlEnv: "redis://redis:6379", onRedisError: "fail" },
    });
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^server\.publicUrl: /),
        expect.stringMatching(/^server\.port: /),
        expect.stringMatching(/^auth\.issuer: /),
        expect.stringMatching(/^auth\.jwksUrl: /),
        expect.stringMatching(/^connectors\.0\.name: /),
        "ssrf.allowCidrs.1: a CIDR range such as 10.20.0.0/16 or fd00:1::/64",
        "ssrf.allowCidrs.2: a CIDR range such as 10.20.0.0/16 or fd00:1::/64",
        "rateLimit.redisUrlEnv: an environment variable name",
        expect.stringMatching(/^rateLimit\.onRedisError: /),
      ]),
    );
  });

  it("allows running without auth only on a loopback address", () => {
    const dev = {
      server: { publicUrl: "http://127.0.0.1:8080/mcp", host: "127.0.0.1" },
      auth: { mode: "none" },
    };
    expect(problems(dev)).toEqual([]);
    expect(problems({ ...dev, server: { ...dev.server, host: "0.0.0.0" } })).toEqual([
      'auth.mode: "none" is only allowed when server.host is a loopback address, not 0.0.0.0',
    ]);
  });

  it("resolves secrets from the environment by name and names every missing one", () => {
    const config = parseConfig({
      ...MINIMAL,
      sql: { databases: { sales: { urlEnv: "SALES_DB_URL" } } },
      notifications: { dingtalk: { ops: { webhookEnv: "DINGTALK_URL", secretEnv: "DINGTALK_SECRET" } } },
    });
    expect(() => resolveSecrets(config, { SALES_DB_URL: "postgres://x" })).toThrow(
      /DINGTALK_URL is not set[\s\S]*DINGTALK_SECRET is not set/,
    );
    const secrets = resolveSecrets(config, {
      SALES_DB_URL: "postgres://x",
      DINGTALK_URL: "u",
      DINGTALK_SECRET: "s",
      OTHER: "o",
    });
    expect([...secrets.keys()].sort()).toEqual(["DINGTALK_SECRET", "DINGTALK_URL", "SALES_DB_URL"]);
  });
});
