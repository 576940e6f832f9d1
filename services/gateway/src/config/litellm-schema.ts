/**
 * The config file: LiteLLM's `config.yaml` shape (model_list, router_settings, litellm_settings,
 * general_settings), strict so that a key this gateway would silently ignore is an error instead.
 */
import { z } from "zod";

const positive = z.number().positive();
const nonNegativeInt = z.number().int().min(0);
const positiveInt = z.number().int().positive();
const price = z.number().min(0);

export const MODEL_MODES = [
  "chat",
  "completion",
  "embedding",
  "rerank",
  "audio_transcription",
  "audio_speech",
] as const;

const litellmParams = z.strictObject({
  /** `<provider>/<upstream model>`, e.g. `hosted_vllm/Qwen/Qwen2.5-7B-Instruct`. */
  model: z.string().regex(/^[a-z_-]+\/.+$/, "must be <provider>/<model>, e.g. openai/gpt-4o-mini"),
  api_base: z.url().optional(),
  api_key: z.string().min(1).optional(),
  rpm: z.number().int().positive().optional(),
  tpm: z.number().int().positive().optional(),
  weight: positive.optional(),
  /** Seconds for a whole non-streamed call. */
  timeout: positive.optional(),
  /** Seconds until a stream's first byte. */
  stream_timeout: positive.optional(),
  /** Seconds a stream may stay silent between chunks. */
  stream_idle_timeout: positive.optional(),
  extra_headers: z.record(z.string(), z.string()).optional(),
  max_tokens: z.number().int().positive().optional(),
  /** Fields filled in when the client leaves them out (Whisper language and hot words, ChatTTS voice). */
  request_defaults: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
});

const modelInfo = z.strictObject({
  id: z.string().min(1).optional(),
  mode: z.enum(MODEL_MODES).optional(),
  max_input_tokens: z.number().int().positive().optional(),
  max_output_tokens: z.number().int().positive().optional(),
  input_cost_per_token: price.optional(),
  output_cost_per_token: price.optional(),
  /** Speech: price per second of input audio (transcriptions) or per character (speech). */
  input_cost_per_second: price.optional(),
  input_cost_per_character: price.optional(),
});

const modelEntry = z.strictObject({
  model_name: z.string().min(1),
  litellm_params: litellmParams,
  model_info: modelInfo.optional(),
});

/** LiteLLM writes fallbacks as a list of one-key maps: `[{ "gpt-4o": ["claude"] }]`. */
const fallbackList = z.array(z.record(z.string(), z.array(z.string()).min(1)));

export const ROUTING_STRATEGIES = [
  "simple-shuffle",
  "least-busy",
  "latency-based-routing",
  "usage-based-routing",
  "usage-based-routing-v2",
] as const;

const routerSettings = z.strictObject({
  routing_strategy: z.enum(ROUTING_STRATEGIES).optional(),
  num_retries: nonNegativeInt.max(10).optional(),
  /** Seconds; the base of the exponential backoff between retries. */
  retry_after: z.number().min(0).optional(),
  timeout: positive.optional(),
  stream_timeout: positive.optional(),
  stream_idle_timeout: positive.optional(),
  allowed_fails: z.number().int().positive().optional(),
  /** Open the breaker when at least this share of calls in the window failed (with ≥ allowed_fails calls). */
  allowed_fails_ratio: z.number().gt(0).max(1).optional(),
  cooldown_time: positive.optional(),
  fallbacks: fallbackList.optional(),
  context_window_fallbacks: fallbackList.optional(),
  content_policy_fallbacks: fallbackList.optional(),
  redis_url: z.string().min(1).optional(),
  redis_host: z.string().min(1).optional(),
  redis_port: z.number().int().positive().optional(),
  redis_password: z.string().optional(),
  /** Weight of the newest sample in the latency EWMA. */
  latency_ewma_alpha: z.number().gt(0).max(1).optional(),
});

const litellmSettings = z.strictObject({
  /** LiteLLM's integrations; only OpenTelemetry traces (`otel`) are built in, exported per OTEL_* variables. */
  callbacks: z.array(z.enum(["otel"])).optional(),
  request_timeout: positive.optional(),
  num_retries: nonNegativeInt.max(10).optional(),
  drop_params: z.boolean().optional(),
  cache: z.boolean().optional(),
  cache_params: z
    .strictObject({
      type: z.enum(["redis", "local"]).optional(),
      ttl: z.number().int().positive().optional(),
      /** Cache streamed answers that carry tools too (off by default: tool runs are rarely repeatable). */
      cache_tool_streams: z.boolean().optional(),
    })
    .optional(),
});

const generalSettings = z.strictObject({
  master_key: z.string().min(8, "must be at least 8 characters").optional(),
  database_url: z.string().min(1).optional(),
  max_request_size_mb: positive.optional(),
  /** Admin API access with a Keycloak (or any OIDC) JWT carrying this realm/client role. */
  admin_jwt: z
    .strictObject({
      issuer: z.url(),
      audience: z.string().min(1),
      jwks_url: z.url(),
      role: z.string().min(1).default("gateway-admin"),
    })
    .optional(),
  /** Seconds SIGTERM waits for in-flight requests before closing them. */
  graceful_shutdown_seconds: positive.optional(),
  /**
   * Extension (LiteLLM has no such key): keys of the platform's own services, declared by the operator
   * (usually `os.environ/` references to Secrets) instead of created through the admin API, so a
   * deployment can hand a consumer its key without a call at deploy time. Rotated by config reload.
   */
  service_keys: z
    .array(
      z.strictObject({
        alias: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "lowercase letters, digits and '-'"),
        key: z.string().min(20, "must be at least 20 characters"),
        models: z.array(z.string().min(1)).optional(),
        rpm: positiveInt.optional(),
        tpm: positiveInt.optional(),
      }),
    )
    .optional(),
});

export const gatewayFileSchema = z.strictObject({
  model_list: z.array(modelEntry).min(1, "must declare at least one model"),
  router_settings: routerSettings.optional(),
  litellm_settings: litellmSettings.optional(),
  general_settings: generalSettings.optional(),
  environment_variables: z.record(z.string(), z.string()).optional(),
});

export type GatewayFile = z.infer<typeof gatewayFileSchema>;
export type ModelEntry = z.infer<typeof modelEntry>;
export type ModelMode = (typeof MODEL_MODES)[number];
export type RoutingStrategyName = (typeof ROUTING_STRATEGIES)[number];
