/** The gateway's settings after parsing: what the rest of the code reads. Defaults live here, once. */

import type { VirtualKey } from "../auth/virtual-keys";
import type { ModelMode, RoutingStrategyName } from "./litellm-schema";

export interface Prices {
  readonly inputPerToken: number;
  readonly outputPerToken: number;
  readonly inputPerSecond: number;
  readonly inputPerCharacter: number;
}

export interface Deployment {
  /** Stable id: `model_info.id` or `<group>#<index>`. */
  readonly id: string;
  readonly group: string;
  readonly provider: string;
  readonly adapter: "openai" | "anthropic" | "chattts";
  readonly baseUrl: string;
  readonly upstreamModel: string;
  readonly apiKey?: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly mode: ModelMode;
  readonly weight: number;
  readonly rpm?: number;
  readonly tpm?: number;
  readonly timeoutMs: number;
  readonly streamFirstByteTimeoutMs: number;
  readonly streamIdleTimeoutMs: number;
  readonly maxInputTokens?: number;
  readonly defaultMaxTokens?: number;
  readonly prices: Prices;
  readonly requestDefaults: Readonly<Record<string, string | number | boolean>>;
}

export interface RouterSettings {
  readonly strategy: RoutingStrategyName;
  readonly numRetries: number;
  readonly retryBaseMs: number;
  readonly allowedFails: number;
  readonly allowedFailsRatio?: number;
  readonly cooldownMs: number;
  readonly latencyEwmaAlpha: number;
  readonly fallbacks: Readonly<Record<string, readonly string[]>>;
  readonly contextWindowFallbacks: Readonly<Record<string, readonly string[]>>;
  readonly contentPolicyFallbacks: Readonly<Record<string, readonly string[]>>;
}

export interface CacheSettings {
  readonly enabledByDefault: boolean;
  readonly ttlSeconds: number;
  readonly cacheToolStreams: boolean;
}

export interface AdminJwtSettings {
  readonly issuer: string;
  readonly audience: string;
  readonly jwksUrl: string;
  readonly role: string;
}

/** Where OpenTelemetry traces go (OTLP over HTTP) and how many are kept. */
export interface TracingSettings {
  /** Full OTLP/HTTP traces URL, e.g. `http://alloy.observability:4318/v1/traces`. */
  readonly endpoint: string;
  readonly serviceName: string;
  /** Share of new traces sampled, 0-1; a caller's sampled `traceparent` is always followed. */
  readonly sampleRatio: number;
}

export interface GatewayConfig {
  readonly deployments: readonly Deployment[];
  readonly router: RouterSettings;
  readonly cache: CacheSettings;
  readonly masterKey?: string;
  /** Keys of the platform's own services from config, by SHA-256 of the key. */
  readonly serviceKeys: ReadonlyMap<string, VirtualKey>;
  readonly databaseUrl?: string;
  readonly redisUrl?: string;
  readonly maxRequestBytes: number;
  readonly adminJwt?: AdminJwtSettings;
  readonly gracefulShutdownMs: number;
  /** OpenTelemetry traces; none unless `litellm_settings.callbacks` lists `otel`. */
  readonly tracing?: TracingSettings;
}

export const DEFAULTS = {
  strategy: "simple-shuffle",
  numRetries: 2,
  retryBaseSeconds: 0.25,
  timeoutSeconds: 600,
  streamTimeoutSeconds: 60,
  streamIdleTimeoutSeconds: 120,
  allowedFails: 3,
  cooldownSeconds: 30,
  latencyEwmaAlpha: 0.3,
  cacheTtlSeconds: 600,
  maxRequestSizeMb: 20,
  gracefulShutdownSeconds: 30,
  tracingServiceName: "llm-gateway",
  tracingSampleRatio: 1,
} as const;
