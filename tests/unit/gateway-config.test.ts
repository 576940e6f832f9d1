import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { configChecksum } from "../../components/common/service-pod";
import { CLOUD_PROVIDERS } from "../../components/gateway/cloud-providers";
import {
  type CloudModel,
  endpointProvider,
  type GatewayConfigInput,
  providerKeyEnv,
  type ResolvedModelEndpoint,
  renderGatewayConfig,
} from "../../components/gateway/gateway-config";
import { gatewayConfigProblems } from "../../components/gateway/gateway-config-checks";

/** The endpoints the inference area declares for a stack with every kind of server. */
const ENDPOINTS: ResolvedModelEndpoint[] = [
  {
    name: "qwen2.5-7b-instruct",
    url: "http://qwen2-5-7b-instruct.ai.svc.cluster.local:8000/v1",
    kind: "chat",
    contextLength: 32768,
    api: "openai",
    engine: "vllm",
  },
  {
    name: "bge-m3",
    url: "http://bge-m3.ai.svc.cluster.local:8000/v1",
    kind: "embeddings",
    contextLength: 8192,
    api: "openai",
    engine: "vllm",
  },
  {
    name: "qwen2.5-1.5b-cpu",
    url: "http://qwen2-5-1-5b-cpu.ai.svc.cluster.local:8080/v1",
    kind: "chat",
    contextLength: 4096,
    api: "openai",
    engine: "llama.cpp",
  },
  {
    name: "whisper-large-v3",
    url: "http://whisper-large-v3.ai.svc.cluster.local:8000/v1",
    kind: "audio-transcription",
    api: "openai",
    upstreamModel: "Systran/faster-whisper-large-v3",
    requestDefaults: { language: "zh", prompt: "通义千问, Kubernetes" },
  },
  {
    name: "chattts",
    url: "http://chattts.ai.svc.cluster.local:8000",
    kind: "audio-speech",
    api: "chattts",
    requestDefaults: {},
  },
];
const OPENAI_KEY = { name: "llm-provider-keys", key: "openai" };
const CLOUD: CloudModel[] = [
  {
    name: "gpt-4.1-mini",
    provider: "openai",
    model: "gpt-4.1-mini",
    apiKeySecret: OPENAI_KEY,
    inputCostPerMillionTokens: 0.4,
    outputCostPerMillionTokens: 1.6,
    rpm: 500,
  },
  {
    name: "claude-sonnet",
    provider: "anthropic",
    model: "claude-sonnet-4-5",
    apiKeySecret: { name: "llm-provider-keys", key: "anthropic" },
    contextLength: 200000,
  },
  {
    name: "qwen-plus",
    provider: "dashscope",
    model: "qwen-plus",
    apiKeySecret: { name: "dashscope", key: "key" },
  },
];
const INPUT: GatewayConfigInput = {
  endpoints: ENDPOINTS,
  cloudModels: CLOUD,
  routing: { strategy: "least-busy", fallbacks: { "qwen2.5-7b-instruct": ["gpt-4.1-mini"] } },
  adminJwt: {
    issuer: "https://auth.ai.example.com/realms/ai-platform",
    audience: "llm-gateway-admin",
    jwksUrl:
      "http://keycloak-http.identity.svc.cluster.local/realms/ai-platform/protocol/openid-connect/certs",
    role: "platform-admin",
  },
  maxRequestSizeMb: 25,
  cache: { enabled: false, ttlSeconds: 600 },
  requestTimeoutSeconds: 600,
  serviceKeys: [],
  traces: false,
};

const parsed = (input: GatewayConfigInput = INPUT) => parse(renderGatewayConfig(input));
const entry = (config: any, name: string) => config.model_list.find((m: any) => m.model_name === name);

describe("gateway config generation", () => {
  it("parses back with one model_list entry per endpoint and cloud model, in order", () => {
    const config = parsed();
    expect(config.model_list.map((m: any) => m.model_name)).toEqual([
      ...ENDPOINTS.map((e) => e.name),
      ...CLOUD.map((c) => c.name),
    ]);
    expect(Object.keys(config).sort()).toEqual([
      "general_settings",
      "litellm_settings",
      "model_list",
      "router_settings",
    ]);
  });

  it("maps each endpoint to its provider prefix, upstream model, base URL and mode", () => {
    const config = parsed();
    expect(entry(config, "qwen2.5-7b-instruct")).toEqual({
      model_name: "qwen2.5-7b-instruct",
      litellm_params: {
        model: "hosted_vllm/qwen2.5-7b-instruct",
        api_base: "http://qwen2-5-7b-instruct.ai.svc.cluster.local:8000/v1",
      },
      model_info: { mode: "chat", max_input_tokens: 32768 },
    });
    expect(entry(config, "bge-m3").litellm_params.model).toBe("hosted_vllm/bge-m3");
    expect(entry(config, "bge-m3").model_info.mode).toBe("embedding");
    expect(entry(config, "qwen2.5-1.5b-cpu").litellm_params.model).toBe("openai_compatible/qwen2.5-1.5b-cpu");
    expect(entry(config, "whisper-large-v3")).toEqual({
      model_name: "whisper-large-v3",
      litellm_params: {
        model: "openai_compatible/Systran/faster-whisper-large-v3",
        api_base: "http://whisper-large-v3.ai.svc.cluster.local:8000/v1",
        request_defaults: { language: "zh", prompt: "通义千问, Kubernetes" },
      },
      model_info: { mode: "audio_transcription" },
    });
    expect(entry(config, "chattts").litellm_params.model).toBe("chattts/chattts");
    expect(entry(config, "chattts").model_info.mode).toBe("audio_speech");
    // Empty defaults are left out rather than written as {}.
    expect(entry(config, "chattts").litellm_params.request_defaults).toBeUndefined();
    // No self-hosted entry carries a key.
    for (const endpoint of ENDPOINTS)
      expect(entry(config, endpoint.name).litellm_params.api_key).toBeUndefined();
  });

  it.each([
    [{ api: "openai", kind: "rerank", engine: "vllm" }, "hosted_vllm"],
    [{ api: "openai", kind: "completion", engine: "vllm" }, "hosted_vllm"],
    [{ api: "openai", kind: "chat" }, "openai_compatible"],
    [{ api: "openai", kind: "rerank", engine: "llama.cpp" }, "openai_compatible"],
    [{ api: "openai", kind: "audio-transcription", engine: "vllm" }, "openai_compatible"],
    [{ api: "chattts", kind: "audio-speech", engine: "chattts" }, "chattts"],
  ] as const)("prefixes %j with %s", (endpoint, prefix) => {
    expect(endpointProvider(endpoint)).toBe(prefix);
  });

  it("gives cloud models their provider, public base, key by environment reference and per-token prices", () => {
    const config = parsed();
    expect(entry(config, "gpt-4.1-mini")).toEqual({
      model_name: "gpt-4.1-mini",
      litellm_params: {
        model: "openai/gpt-4.1-mini",
        api_base: "https://api.openai.com/v1",
        api_key: "os.environ/OPENAI_API_KEY",
        rpm: 500,
      },
      model_info: { mode: "chat", input_cost_per_token: 0.0000004, output_cost_per_token: 0.0000016 },
    });
    expect(entry(config, "claude-sonnet").litellm_params).toMatchObject({
      model: "anthropic/claude-sonnet-4-5",
      api_base: "https://api.anthropic.com/v1",
      api_key: "os.environ/ANTHROPIC_API_KEY",
    });
    expect(entry(config, "claude-sonnet").model_info).toEqual({ mode: "chat", max_input_tokens: 200000 });
    expect(entry(config, "qwen-plus").litellm_params.api_key).toBe("os.environ/DASHSCOPE_API_KEY");
    expect(providerKeyEnv(CLOUD)).toEqual({
      OPENAI_API_KEY: OPENAI_KEY,
      ANTHROPIC_API_KEY: { name: "llm-provider-keys", key: "anthropic" },
      DASHSCOPE_API_KEY: { name: "dashscope", key: "key" },
    });
    // Every provider has its own variable.
    const variables = Object.values(CLOUD_PROVIDERS).map((p) => p.apiKeyEnv);
    expect(new Set(variables).size).toBe(variables.length);
  });

  it("writes routing, general and cache settings, every secret as an os.environ reference", () => {
    const config = parsed();
    expect(config.router_settings).toEqual({
      routing_strategy: "least-busy",
      num_retries: 2,
      fallbacks: [{ "qwen2.5-7b-instruct": ["gpt-4.1-mini"] }],
      context_window_fallbacks: [],
      content_policy_fallbacks: [],
      allowed_fails: 3,
      cooldown_time: 30,
      redis_url: "os.environ/REDIS_URL",
    });
    expect(config.general_settings).toEqual({
      master_key: "os.environ/GATEWAY_MASTER_KEY",
      database_url: "os.environ/DATABASE_URL",
      max_request_size_mb: 25,
      admin_jwt: {
        issuer: "https://auth.ai.example.com/realms/ai-platform",
        audience: "llm-gateway-admin",
        jwks_url:
          "http://keycloak-http.identity.svc.cluster.local/realms/ai-platform/protocol/openid-connect/certs",
        role: "platform-admin",
      },
    });
    expect(config.litellm_settings).toEqual({
      cache: false,
      cache_params: { ttl: 600 },
      request_timeout: 600,
    });
    expect(parsed({ ...INPUT, adminJwt: undefined }).general_settings.admin_jwt).toBeUndefined();
  });

  it("changes the checksum when, and only when, the config changes", () => {
    const text = renderGatewayConfig(INPUT);
    expect(configChecksum(text)).toMatch(/^[a-f0-9]{64}$/);
    expect(configChecksum(renderGatewayConfig({ ...INPUT }))).toBe(configChecksum(text));
    const moved = ENDPOINTS.map((e, i) => (i === 0 ? { ...e, url: e.url.replace("8000", "8001") } : e));
    expect(configChecksum(renderGatewayConfig({ ...INPUT, endpoints: moved }))).not.toBe(
      configChecksum(text),
    );
  });
});

describe("gateway config checks", () => {
  it("finds nothing wrong with a sound config, including a group served by two deployments", () => {
    expect(gatewayConfigProblems(INPUT)).toEqual([]);
    const group: CloudModel = { ...(CLOUD[0] as CloudModel), name: "qwen2.5-7b-instruct" };
    expect(gatewayConfigProblems({ ...INPUT, cloudModels: [...CLOUD, group] })).toEqual([]);
  });

  it("lists every problem at once, each naming its field", () => {
    const problems = gatewayConfigProblems({
      ...INPUT,
      endpoints: [...ENDPOINTS, { ...(ENDPOINTS[1] as ResolvedModelEndpoint), name: "qwen2.5-7b-instruct" }],
      cloudModels: [
        ...CLOUD,
        { ...(CLOUD[0] as CloudModel), name: "gpt-4o", apiKeySecret: { name: "other", key: "openai" } },
        {
          name: "bad name",
          provider: "mistral" as "openai",
          model: "m",
          apiKeySecret: OPENAI_KEY,
        },
        {
          name: "grok",
          provider: "xai",
          model: "grok-4",
          apiKeySecret: { name: "xai", key: "key" },
          apiBase: "http://api.x.ai/v1",
          inputCostPerMillionTokens: -1,
          rpm: 1.5,
        },
      ],
      routing: {
        strategy: "round-robin" as "least-busy",
        numRetries: -1,
        cooldownSeconds: 0,
        fallbacks: { "gpt-4.1-mini": ["gpt-5", "gpt-4.1-mini"] },
      },
      maxRequestSizeMb: 0,
      serviceKeys: [
        { alias: "mcp-server", secret: OPENAI_KEY, models: ["gpt-5"] },
        { alias: "mcp-server", secret: OPENAI_KEY },
        { alias: "Agent_Service", secret: OPENAI_KEY },
      ],
    });
    expect(problems).toEqual([
      "cloudModels[3].apiKeySecret: openai already takes its key from llm-provider-keys/openai; one key per provider",
      'cloudModels[4].name: "bad name" is not a model name',
      'cloudModels[4].provider: "mistral" is not one of openai, anthropic, xai, zai, dashscope',
      "cloudModels[5].apiBase: must be an https URL (API keys travel with every request)",
      "cloudModels[5].inputCostPerMillionTokens: must be a number of USD at or above 0",
      "cloudModels[5].rpm: must be a positive whole number",
      'model "qwen2.5-7b-instruct" mixes modes (chat, embedding); one name serves one kind',
      'routing.strategy: "round-robin" is not one of simple-shuffle, least-busy, latency-based-routing, usage-based-routing',
      "routing.numRetries: must be a whole number from 0 to 10",
      "routing.cooldownSeconds: must be a positive whole number",
      'routing.fallbacks: "gpt-5" is not a model of this gateway',
      'routing.fallbacks: "gpt-4.1-mini" falls back to itself',
      "maxRequestSizeMb: must be above 0",
      'serviceKeys[0].models: "gpt-5" is not a model of this gateway',
      'serviceKeys[1].alias: "mcp-server" is used twice',
      `serviceKeys[2].alias: "Agent_Service" must be lowercase letters, digits and '-'`,
    ]);
  });

  it("refuses a gateway without models", () => {
    expect(gatewayConfigProblems({ ...INPUT, endpoints: [], cloudModels: [], routing: {} })).toEqual([
      "no models: give modelEndpoints or cloudModels",
    ]);
  });
});
