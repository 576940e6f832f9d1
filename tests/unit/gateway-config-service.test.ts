import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { CLOUD_PROVIDERS } from "../../components/gateway/cloud-providers";
import {
  GATEWAY_ENV,
  type GatewayConfigInput,
  renderGatewayConfig,
  serviceKeyEnv,
  TRACES_ENDPOINT_ENV,
} from "../../components/gateway/gateway-config";
import { GatewayConfigError, parseGatewayConfig } from "../../services/gateway/src/config/load-config";

/** Every endpoint kind and every cloud provider, as a platform stack with everything enabled would have. */
const INPUT: GatewayConfigInput = {
  endpoints: [
    {
      name: "qwen2.5-7b-instruct",
      url: "http://qwen2-5-7b-instruct.ai.svc.cluster.local:8000/v1",
      kind: "chat",
      api: "openai",
      engine: "vllm",
      contextLength: 32768,
    },
    {
      name: "bge-m3",
      url: "http://bge-m3.ai.svc.cluster.local:8000/v1",
      kind: "embeddings",
      api: "openai",
      engine: "vllm",
    },
    {
      name: "bge-reranker",
      url: "http://bge-reranker.ai.svc.cluster.local:8080/v1",
      kind: "rerank",
      api: "openai",
    },
    {
      name: "qwen-base",
      url: "http://qwen-base.ai.svc.cluster.local:8000/v1",
      kind: "completion",
      api: "openai",
    },
    {
      name: "whisper-large-v3",
      url: "http://whisper-large-v3.ai.svc.cluster.local:8000/v1",
      kind: "audio-transcription",
      api: "openai",
      upstreamModel: "Systran/faster-whisper-large-v3",
      requestDefaults: { language: "zh" },
    },
    {
      name: "chattts",
      url: "http://chattts.ai.svc.cluster.local:8000",
      kind: "audio-speech",
      api: "chattts",
      requestDefaults: { temperature: 0.3, spk_seed: 2222 },
    },
  ],
  cloudModels: Object.keys(CLOUD_PROVIDERS).map((provider) => ({
    name: `${provider}-model`,
    provider: provider as keyof typeof CLOUD_PROVIDERS,
    model: "some-model",
    apiKeySecret: { name: "llm-provider-keys", key: provider },
    inputCostPerMillionTokens: 3,
    outputCostPerMillionTokens: 15,
    rpm: 100,
  })),
  routing: {
    strategy: "latency-based-routing",
    fallbacks: { "qwen2.5-7b-instruct": ["openai-model"] },
    contextWindowFallbacks: { "qwen2.5-7b-instruct": ["anthropic-model"] },
  },
  adminJwt: {
    issuer: "https://auth.ai.example.com/realms/ai-platform",
    audience: "llm-gateway-admin",
    jwksUrl:
      "http://keycloak-http.identity.svc.cluster.local/realms/ai-platform/protocol/openid-connect/certs",
    role: "platform-admin",
  },
  maxRequestSizeMb: 25,
  cache: { enabled: true, ttlSeconds: 300 },
  requestTimeoutSeconds: 600,
  serviceKeys: [
    { alias: "mcp-server", secret: { name: "mcp-server-gateway-key", key: "key" }, models: ["bge-m3"] },
    { alias: "agent-service", secret: { name: "agent-service-gateway-key", key: "key" } },
  ],
  traces: true,
};

/** What the Deployment's Secrets put in the environment. */
const ENV: NodeJS.ProcessEnv = {
  [GATEWAY_ENV.redisUrl]: "redis://:secret@redis.data.svc.cluster.local:6379/0",
  [GATEWAY_ENV.databaseUrl]:
    "postgresql://llm_gateway:secret@postgres-rw.data.svc.cluster.local:5432/llm_gateway",
  [GATEWAY_ENV.masterKey]: "sk-0123456789abcdef",
  [serviceKeyEnv("mcp-server")]: "sk-mcp-server-0123456789abcdef",
  [serviceKeyEnv("agent-service")]: "sk-agent-service-0123456789abcdef",
  [TRACES_ENDPOINT_ENV]: "http://alloy.observability.svc.cluster.local:4318/v1/traces",
  ...Object.fromEntries(Object.values(CLOUD_PROVIDERS).map((p) => [p.apiKeyEnv, `key-of-${p.apiKeyEnv}`])),
};

describe("the generated config, read by the gateway service's own loader", () => {
  it("is accepted, one deployment per entry, with the providers, modes, keys and settings intended", () => {
    const config = parseGatewayConfig(parse(renderGatewayConfig(INPUT)), ENV, "generated");
    const byGroup = Object.fromEntries(config.deployments.map((d) => [d.group, d]));
    expect(config.deployments).toHaveLength(INPUT.endpoints.length + INPUT.cloudModels.length);
    expect(byGroup["qwen2.5-7b-instruct"]).toMatchObject({
      provider: "hosted_vllm",
      mode: "chat",
      maxInputTokens: 32768,
    });
    expect(byGroup["bge-reranker"]).toMatchObject({ provider: "openai_compatible", mode: "rerank" });
    expect(byGroup["whisper-large-v3"]).toMatchObject({
      upstreamModel: "Systran/faster-whisper-large-v3",
      mode: "audio_transcription",
      requestDefaults: { language: "zh" },
    });
    expect(byGroup.chattts).toMatchObject({ adapter: "chattts", mode: "audio_speech" });
    for (const [provider, { apiKeyEnv, apiBase }] of Object.entries(CLOUD_PROVIDERS))
      expect(byGroup[`${provider}-model`], provider).toMatchObject({
        provider,
        baseUrl: apiBase,
        apiKey: `key-of-${apiKeyEnv}`,
        rpm: 100,
        prices: { inputPerToken: 0.000003, outputPerToken: 0.000015 },
      });
    expect(config.redisUrl).toBe(ENV.REDIS_URL);
    expect(config.databaseUrl).toBe(ENV.DATABASE_URL);
    expect(config.masterKey).toBe(ENV.GATEWAY_MASTER_KEY);
    expect(config.router).toMatchObject({
      strategy: "latency-based-routing",
      fallbacks: { "qwen2.5-7b-instruct": ["openai-model"] },
      contextWindowFallbacks: { "qwen2.5-7b-instruct": ["anthropic-model"] },
    });
    expect(config.adminJwt).toMatchObject({ audience: "llm-gateway-admin", role: "platform-admin" });
    expect(config.maxRequestBytes).toBe(25 * 1024 * 1024);
    expect(config.cache).toMatchObject({ enabledByDefault: true, ttlSeconds: 300 });
    expect([...config.serviceKeys.values()]).toMatchObject([
      { id: "svc_mcp-server", alias: "mcp-server", models: ["bge-m3"] },
      { id: "svc_agent-service", alias: "agent-service" },
    ]);
    expect(config.tracing).toMatchObject({ endpoint: ENV[TRACES_ENDPOINT_ENV] });
  });

  it("fails naming each variable the Deployment must set, when they are missing", () => {
    const error = (() => {
      try {
        parseGatewayConfig(parse(renderGatewayConfig(INPUT)), {}, "generated");
      } catch (caught) {
        return caught;
      }
    })() as GatewayConfigError;
    expect(error).toBeInstanceOf(GatewayConfigError);
    const variables = [
      ...Object.values(GATEWAY_ENV),
      ...Object.values(CLOUD_PROVIDERS).map((p) => p.apiKeyEnv),
      serviceKeyEnv("mcp-server"),
    ];
    for (const variable of variables)
      expect(
        error.problems.some((problem) => problem.includes(variable)),
        variable,
      ).toBe(true);
  });
});
