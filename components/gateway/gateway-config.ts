import { stringify } from "yaml";
import type { ModelEndpoint, ModelEndpointKind } from "../inference/model-endpoints";
import { CLOUD_PROVIDERS, type CloudProvider } from "./cloud-providers";

/**
 * The gateway's config file (LiteLLM's `config.yaml` shape) generated from the platform's model
 * endpoints and cloud models. Pure: no Pulumi, so it is tested on its own. Secrets appear only as
 * `os.environ/VAR` references; the Deployment fills those variables from Secrets.
 */

/** Environment variables the config refers to, besides one API key per cloud provider. */
export const GATEWAY_ENV = {
  redisUrl: "REDIS_URL",
  databaseUrl: "DATABASE_URL",
  masterKey: "GATEWAY_MASTER_KEY",
} as const;

/** The standard OpenTelemetry variable the gateway reads the traces URL from (not via the config). */
export const TRACES_ENDPOINT_ENV = "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT";

/** The serving engine behind an endpoint; only vLLM gets LiteLLM's `hosted_vllm` provider. */
export type ServingEngine = "vllm" | "llama.cpp" | "speaches" | "chattts";

/** A model endpoint as the gateway takes it: the inference area's, optionally naming its engine. */
export type GatewayModelEndpoint = ModelEndpoint & { readonly engine?: ServingEngine };

/** An endpoint whose URL is known (Pulumi Outputs resolved). */
export type ResolvedModelEndpoint = Omit<GatewayModelEndpoint, "url"> & { readonly url: string };

/** A model served by a cloud provider, its key in a Secret of the gateway's namespace. */
export interface CloudModel {
  /** The model name clients send; may repeat a self-hosted name to join its group. No default. */
  readonly name: string;
  readonly provider: CloudProvider;
  /** The provider's model id, e.g. `"gpt-4.1-mini"`, `"claude-sonnet-4-5"`, `"qwen-plus"`, `"glm-4.6"`. No default. */
  readonly model: string;
  /** Secret (in the gateway's namespace) and key holding the provider's API key. No default. */
  readonly apiKeySecret: { readonly name: string; readonly key: string };
  /** API base, https only. Default: the provider's public endpoint (see cloud-providers.ts). */
  readonly apiBase?: string;
  /** USD per million prompt tokens, for spend. Default: not priced (the gateway's own defaults apply). */
  readonly inputCostPerMillionTokens?: number;
  /** USD per million completion tokens. Default: not priced. */
  readonly outputCostPerMillionTokens?: number;
  /** Requests per minute this deployment may take. Default: unlimited. */
  readonly rpm?: number;
  /** Tokens per minute this deployment may take. Default: unlimited. */
  readonly tpm?: number;
  /** Context window in tokens, for context-window fallbacks. Default: unknown. */
  readonly contextLength?: number;
  /** What it serves. Default `"chat"`. */
  readonly kind?: "chat" | "embeddings";
}

export type RoutingStrategy =
  | "simple-shuffle"
  | "least-busy"
  | "latency-based-routing"
  | "usage-based-routing";

/** How requests spread over a group's deployments, retry and fall back (LiteLLM's `router_settings`). */
export interface RoutingSettings {
  /** Default `"simple-shuffle"` (weighted random). */
  readonly strategy?: RoutingStrategy;
  /** Retries of a failed call on another deployment, 0 to 10. Default `2`. */
  readonly numRetries?: number;
  /** Model → models to try when all of its deployments fail. Default `{}`. */
  readonly fallbacks?: Readonly<Record<string, readonly string[]>>;
  /** Model → models with a larger context, tried when the prompt does not fit. Default `{}`. */
  readonly contextWindowFallbacks?: Readonly<Record<string, readonly string[]>>;
  /** Model → models tried when the provider refuses on content policy. Default `{}`. */
  readonly contentPolicyFallbacks?: Readonly<Record<string, readonly string[]>>;
  /** Failures within a minute before a deployment cools down. Default `3`. */
  readonly allowedFails?: number;
  /** Seconds a failing deployment is skipped. Default `30`. */
  readonly cooldownSeconds?: number;
}

/** Admin API access with a Keycloak token: issuer, audience and role checked, keys from the JWKS URL. */
export interface AdminJwt {
  readonly issuer: string;
  readonly audience: string;
  /** Where the gateway fetches the signing keys, e.g. Keycloak's in-cluster `/protocol/openid-connect/certs`. */
  readonly jwksUrl: string;
  /** Realm role that grants admin access, e.g. `"platform-admin"`. */
  readonly role: string;
}

/** A key the gateway accepts for one of the platform's own services (MCP server, agent service). */
export interface ServiceKey {
  /** Names the service in limits and spend, e.g. `"mcp-server"`: lowercase letters, digits, `-`. No default. */
  readonly alias: string;
  /** Secret (in the gateway's namespace) and key holding the key, at least 20 characters. No default. */
  readonly secret: { readonly name: string; readonly key: string };
  /** Model groups it may use. Default: every model. */
  readonly models?: readonly string[];
}

/** The variable carrying a service key into the gateway's pod, e.g. `GATEWAY_SERVICE_KEY_MCP_SERVER`. */
export const serviceKeyEnv = (alias: string) =>
  `GATEWAY_SERVICE_KEY_${alias.toUpperCase().replace(/-/g, "_")}`;

export interface GatewayConfigInput {
  readonly endpoints: readonly ResolvedModelEndpoint[];
  readonly cloudModels: readonly CloudModel[];
  readonly routing: RoutingSettings;
  readonly adminJwt?: AdminJwt;
  /** Largest request body accepted (audio uploads included). */
  readonly maxRequestSizeMb: number;
  /** Exact-match response cache in Redis, off unless enabled; TTL in seconds. */
  readonly cache: { readonly enabled: boolean; readonly ttlSeconds: number };
  /** Upper bound of one upstream call, seconds. */
  readonly requestTimeoutSeconds: number;
  readonly serviceKeys: readonly ServiceKey[];
  /** Export traces (to the endpoint the pod's environment names). */
  readonly traces: boolean;
}

export const ROUTING_DEFAULTS = {
  strategy: "simple-shuffle",
  numRetries: 2,
  allowedFails: 3,
  cooldownSeconds: 30,
} as const satisfies RoutingSettings;

export type GatewayMode =
  | "chat"
  | "completion"
  | "embedding"
  | "rerank"
  | "audio_transcription"
  | "audio_speech";
export const MODES: Record<ModelEndpointKind, GatewayMode> = {
  chat: "chat",
  completion: "completion",
  embeddings: "embedding",
  rerank: "rerank",
  "audio-transcription": "audio_transcription",
  "audio-speech": "audio_speech",
};
const VLLM_KINDS: readonly ModelEndpointKind[] = ["chat", "completion", "embeddings", "rerank"];
export const STRATEGIES: readonly RoutingStrategy[] = [
  "simple-shuffle",
  "least-busy",
  "latency-based-routing",
  "usage-based-routing",
];

/** LiteLLM's provider prefix for a self-hosted endpoint. */
export function endpointProvider(endpoint: Pick<GatewayModelEndpoint, "api" | "kind" | "engine">): string {
  if (endpoint.api === "chattts") return "chattts";
  return endpoint.engine === "vllm" && VLLM_KINDS.includes(endpoint.kind)
    ? "hosted_vllm"
    : "openai_compatible";
}

/** Prices are given per million tokens; the config wants them per token (rounded off float noise). */
const perToken = (perMillion: number) => Number((perMillion / 1_000_000).toPrecision(12));

const environ = (variable: string) => `os.environ/${variable}`;
const defined = <T extends object>(value: T) =>
  Object.fromEntries(Object.entries(value).filter(([, inner]) => inner !== undefined));

function endpointEntry(endpoint: ResolvedModelEndpoint) {
  return {
    model_name: endpoint.name,
    litellm_params: {
      model: `${endpointProvider(endpoint)}/${endpoint.upstreamModel ?? endpoint.name}`,
      api_base: endpoint.url,
      // Fields the gateway fills in when a client leaves them out (Whisper's language, ChatTTS's voice).
      ...(endpoint.requestDefaults && Object.keys(endpoint.requestDefaults).length > 0
        ? { request_defaults: { ...endpoint.requestDefaults } }
        : {}),
    },
    model_info: defined({ mode: MODES[endpoint.kind], max_input_tokens: endpoint.contextLength }),
  };
}

function cloudEntry(model: CloudModel) {
  const provider = CLOUD_PROVIDERS[model.provider];
  return {
    model_name: model.name,
    litellm_params: defined({
      model: `${model.provider}/${model.model}`,
      api_base: model.apiBase ?? provider.apiBase,
      api_key: environ(provider.apiKeyEnv),
      rpm: model.rpm,
      tpm: model.tpm,
    }),
    model_info: defined({
      mode: MODES[model.kind ?? "chat"],
      max_input_tokens: model.contextLength,
      input_cost_per_token:
        model.inputCostPerMillionTokens === undefined ? undefined : perToken(model.inputCostPerMillionTokens),
      output_cost_per_token:
        model.outputCostPerMillionTokens === undefined
          ? undefined
          : perToken(model.outputCostPerMillionTokens),
    }),
  };
}

/** LiteLLM writes fallbacks as a list of one-key maps. */
const fallbackList = (fallbacks: Readonly<Record<string, readonly string[]>> = {}) =>
  Object.entries(fallbacks).map(([model, targets]) => ({ [model]: [...targets] }));

/** The config as an object; call `gatewayConfigProblems` (gateway-config-checks.ts) first. */
export function gatewayConfig(input: GatewayConfigInput) {
  const routing = { ...ROUTING_DEFAULTS, ...input.routing };
  return {
    model_list: [...input.endpoints.map(endpointEntry), ...input.cloudModels.map(cloudEntry)],
    router_settings: {
      routing_strategy: routing.strategy,
      num_retries: routing.numRetries,
      fallbacks: fallbackList(routing.fallbacks),
      context_window_fallbacks: fallbackList(routing.contextWindowFallbacks),
      content_policy_fallbacks: fallbackList(routing.contentPolicyFallbacks),
      allowed_fails: routing.allowedFails,
      cooldown_time: routing.cooldownSeconds,
      redis_url: environ(GATEWAY_ENV.redisUrl),
    },
    general_settings: {
      master_key: environ(GATEWAY_ENV.masterKey),
      database_url: environ(GATEWAY_ENV.databaseUrl),
      max_request_size_mb: input.maxRequestSizeMb,
      ...(input.serviceKeys.length > 0
        ? {
            service_keys: input.serviceKeys.map((serviceKey) => ({
              alias: serviceKey.alias,
              key: environ(serviceKeyEnv(serviceKey.alias)),
              ...(serviceKey.models ? { models: [...serviceKey.models] } : {}),
            })),
          }
        : {}),
      ...(input.adminJwt
        ? {
            admin_jwt: {
              issuer: input.adminJwt.issuer,
              audience: input.adminJwt.audience,
              jwks_url: input.adminJwt.jwksUrl,
              role: input.adminJwt.role,
            },
          }
        : {}),
    },
    litellm_settings: {
      cache: input.cache.enabled,
      cache_params: { ttl: input.cache.ttlSeconds },
      request_timeout: input.requestTimeoutSeconds,
      ...(input.traces ? { callbacks: ["otel"] } : {}),
    },
  };
}

/** The config file's text, as the ConfigMap carries it. */
export function renderGatewayConfig(input: GatewayConfigInput): string {
  return stringify(gatewayConfig(input), { lineWidth: 0 });
}

/** Environment variable → API key Secret, one per cloud provider the models use. */
export function providerKeyEnv(models: readonly CloudModel[]): Record<string, CloudModel["apiKeySecret"]> {
  return Object.fromEntries(
    models.map((model) => [CLOUD_PROVIDERS[model.provider].apiKeyEnv, model.apiKeySecret]),
  );
}
