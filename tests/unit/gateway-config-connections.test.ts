import { describe, expect, it } from "vitest";
import { postgresUrl, redisUrl } from "../../components/gateway/connection-urls";
import { inClusterEgress, inClusterTarget } from "../../components/gateway/gateway-network";

describe("gateway connection URLs", () => {
  it("builds a PostgreSQL URL that parses back to the same parts, special characters included", () => {
    const url = postgresUrl({
      user: "llm_gateway",
      password: "p@ss:w/rd?#%",
      host: "postgres-rw.data.svc.cluster.local",
      port: 5432,
      database: "llm_gateway",
      sslmode: "no-verify",
    });
    const parsed = new URL(url);
    expect(parsed.protocol).toBe("postgresql:");
    expect(decodeURIComponent(parsed.username)).toBe("llm_gateway");
    expect(decodeURIComponent(parsed.password)).toBe("p@ss:w/rd?#%");
    expect(parsed.hostname).toBe("postgres-rw.data.svc.cluster.local");
    expect(parsed.port).toBe("5432");
    expect(parsed.pathname).toBe("/llm_gateway");
    expect(parsed.searchParams.get("sslmode")).toBe("no-verify");
    expect(postgresUrl({ user: "u", password: "p", host: "h", port: 5432, database: "d" })).toBe(
      "postgresql://u:p@h:5432/d",
    );
  });

  it("builds a Redis URL with the default user unless one is named", () => {
    expect(redisUrl({ password: "a/b", host: "redis.data.svc.cluster.local", port: 6379 })).toBe(
      "redis://:a%2Fb@redis.data.svc.cluster.local:6379/0",
    );
    expect(redisUrl({ user: "gateway", password: "x", host: "redis-master", port: 6379, db: 2 })).toBe(
      "redis://gateway:x@redis-master:6379/2",
    );
  });

  it.each([
    [{ host: "redis:6379", port: 6379 }, "is not a host name"],
    [{ host: "redis", port: 0 }, "is not a TCP port"],
  ])("rejects %j", (override, message) => {
    expect(() => redisUrl({ password: "x", ...override })).toThrow(message);
  });
});

describe("model server egress", () => {
  it("reads the namespace and port of in-cluster Service URLs", () => {
    expect(inClusterTarget("http://qwen.ai.svc.cluster.local:8000/v1")).toEqual({
      namespace: "ai",
      port: 8000,
    });
    expect(inClusterTarget("http://chattts.speech.svc:9000")).toEqual({ namespace: "speech", port: 9000 });
    expect(inClusterTarget("http://whisper.ai.svc.cluster.local/v1")).toEqual({ namespace: "ai", port: 80 });
  });

  it.each([
    "http://10.0.0.5:8000/v1",
    "http://qwen:8000/v1",
    "https://api.openai.com/v1",
    "http://qwen.ai.svc.cluster.local.evil.com/v1",
  ])("refuses %s, which is not an in-cluster Service", (url) => {
    expect(() => inClusterTarget(url)).toThrow("is not an in-cluster Service URL");
  });

  it("opens one rule per namespace with each distinct port once", () => {
    expect(
      inClusterEgress([
        "http://a.ai.svc.cluster.local:8000/v1",
        "http://b.ai.svc.cluster.local:8080/v1",
        "http://c.ai.svc.cluster.local:8000/v1",
        "http://d.speech.svc.cluster.local:8000",
      ]),
    ).toEqual([
      {
        to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ai" } } }],
        ports: [
          { protocol: "TCP", port: 8000 },
          { protocol: "TCP", port: 8080 },
        ],
      },
      {
        to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "speech" } } }],
        ports: [{ protocol: "TCP", port: 8000 }],
      },
    ]);
  });
});
