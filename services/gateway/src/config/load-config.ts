/** Reads the config file once at start (and on reload): YAML → env references → zod → GatewayConfig. */
import { readFile } from "node:fs/promises";
import { parse as parseYaml } from "yaml";
import { PROVIDER_PREFIXES, providerProfile } from "../providers/providers";
import { type MissingVariable, resolveEnvReferences } from "./env-references";
import { DEFAULTS, type Deployment, type GatewayConfig } from "./gateway-config";
import { type GatewayFile, gatewayFileSchema, type ModelEntry } from "./litellm-schema";
import { serviceKeysFrom } from "./service-keys";
import { tracingFrom } from "./tracing-settings";

export class GatewayConfigError extends Error {
  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super(
      `${source} is not a valid gateway config:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`,
    );
    this.name = "GatewayConfigError";
  }
}

const formatPath = (path: readonly PropertyKey[]) => path.map(String).join(".") || "(root)";

function toFallbackMap(list: Array<Record<string, string[]>> | undefined): Record<string, string[]> {
  return Object.assign({}, ...(list ?? []));
}

function deploymentFrom(
  entry: ModelEntry,
  index: number,
  file: GatewayFile,
  problems: string[],
): Deployment | undefined {
  const params = entry.litellm_params;
  const info = entry.model_info ?? {};
  const router = file.router_settings ?? {};
  const separator = params.model.indexOf("/");
  const prefix = params.model.slice(0, separator);
  const path = `model_list.${index}.litellm_params`;
  const profile = providerProfile(prefix);
  if (!profile) {
    problems.push(`${path}.model: unknown provider "${prefix}" (known: ${PROVIDER_PREFIXES.join(", ")})`);
    return undefined;
  }
  const baseUrl = params.api_base ?? profile.defaultBaseUrl;
  if (!baseUrl) problems.push(`${path}.api_base: required for provider "${prefix}" (a self-hosted server)`);
  if (profile.requiresApiKey && !params.api_key)
    problems.push(`${path}.api_key: required for provider "${prefix}"`);
  if (!baseUrl) return undefined;
  const seconds = (value: number | undefined, fallback: number) => Math.round((value ?? fallback) * 1000);
  const requestTimeout = file.litellm_settings?.request_timeout ?? router.timeout ?? DEFAULTS.timeoutSeconds;
  return {
    id: info.id ?? `${entry.model_name}#${index}`,
    group: entry.model_name,
    provider: profile.prefix,
    adapter: profile.adapter,
    baseUrl: baseUrl.replace(/\/+$/, ""),
    upstreamModel: params.model.slice(separator + 1),
    apiKey: params.api_key,
    headers: params.extra_headers ?? {},
    mode: info.mode ?? (profile.adapter === "chattts" ? "audio_speech" : "chat"),
    weight: params.weight ?? 1,
    rpm: params.rpm,
    tpm: params.tpm,
    timeoutMs: seconds(params.timeout, requestTimeout),
    streamFirstByteTimeoutMs: seconds(
      params.stream_timeout ?? router.stream_timeout,
      DEFAULTS.streamTimeoutSeconds,
    ),
    streamIdleTimeoutMs: seconds(
      params.stream_idle_timeout ?? router.stream_idle_timeout,
      DEFAULTS.streamIdleTimeoutSeconds,
    ),
    maxInputTokens: info.max_input_tokens,
    defaultMaxTokens: params.max_tokens ?? info.max_output_tokens,
    requestDefaults: params.request_defaults ?? {},
    prices: {
      inputPerToken: info.input_cost_per_token ?? 0,
      outputPerToken: info.output_cost_per_token ?? 0,
      inputPerSecond: info.input_cost_per_second ?? 0,
      inputPerCharacter: info.input_cost_per_character ?? 0,
    },
  };
}

function checkFallbacks(file: GatewayFile, groups: ReadonlySet<string>, problems: string[]): void {
  for (const key of ["fallbacks", "context_window_fallbacks", "content_policy_fallbacks"] as const) {
    for (const [index, mapping] of (file.router_settings?.[key] ?? []).entries()) {
      for (const [from, targets] of Object.entries(mapping)) {
        for (const name of [from, ...targets]) {
          if (!groups.has(name))
            problems.push(`router_settings.${key}.${index}: "${name}" is not a model_name in model_list`);
        }
      }
    }
  }
}

function redisUrlFrom(file: GatewayFile, env: NodeJS.ProcessEnv): string | undefined {
  const router = file.router_settings ?? {};
  if (router.redis_url) return router.redis_url;
  if (router.redis_host) {
    const auth = router.redis_password ? `:${encodeURIComponent(router.redis_password)}@` : "";
    return `redis://${auth}${router.redis_host}:${router.redis_port ?? 6379}`;
  }
  return env.REDIS_URL || undefined;
}

/** Validates an already-parsed document; every problem is reported, by path, in one error. */
export function parseGatewayConfig(
  document: unknown,
  env: NodeJS.ProcessEnv,
  source = "config",
): GatewayConfig {
  const missing: MissingVariable[] = [];
  const resolved = resolveEnvReferences(document, env, missing);
  const problems = missing.map(
    ({ path, variable }) => `${formatPath(path)}: environment variable ${variable} is not set`,
  );
  // An unset variable is reported once, not again as the empty value it resolved to.
  const unset = new Set(missing.map(({ path }) => formatPath(path)));
  const fail = (): never => {
    const kept = problems.filter(
      (problem, index) => index < missing.length || !unset.has(problem.slice(0, problem.indexOf(":"))),
    );
    throw new GatewayConfigError(source, kept);
  };
  const parsed = gatewayFileSchema.safeParse(resolved);
  if (!parsed.success) {
    problems.push(...parsed.error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`));
    return fail();
  }
  const file = parsed.data;
  const deployments = file.model_list
    .map((entry, index) => deploymentFrom(entry, index, file, problems))
    .filter((deployment): deployment is Deployment => deployment !== undefined);
  const ids = new Set<string>();
  for (const deployment of deployments) {
    if (ids.has(deployment.id)) problems.push(`model_list: model_info.id "${deployment.id}" is used twice`);
    ids.add(deployment.id);
  }
  const groups = new Set(file.model_list.map((entry) => entry.model_name));
  checkFallbacks(file, groups, problems);
  const serviceKeys = serviceKeysFrom(file, groups, problems);
  const tracing = tracingFrom(file, env, problems);
  if (problems.length > 0) return fail();

  const router = file.router_settings ?? {};
  const general = file.general_settings ?? {};
  const cacheParams = file.litellm_settings?.cache_params ?? {};
  return {
    deployments,
    router: {
      strategy: router.routing_strategy ?? DEFAULTS.strategy,
      numRetries: router.num_retries ?? file.litellm_settings?.num_retries ?? DEFAULTS.numRetries,
      retryBaseMs: (router.retry_after ?? DEFAULTS.retryBaseSeconds) * 1000,
      allowedFails: router.allowed_fails ?? DEFAULTS.allowedFails,
      allowedFailsRatio: router.allowed_fails_ratio,
      cooldownMs: (router.cooldown_time ?? DEFAULTS.cooldownSeconds) * 1000,
      latencyEwmaAlpha: router.latency_ewma_alpha ?? DEFAULTS.latencyEwmaAlpha,
      fallbacks: toFallbackMap(router.fallbacks),
      contextWindowFallbacks: toFallbackMap(router.context_window_fallbacks),
      contentPolicyFallbacks: toFallbackMap(router.content_policy_fallbacks),
    },
    cache: {
      enabledByDefault: file.litellm_settings?.cache ?? false,
      ttlSeconds: cacheParams.ttl ?? DEFAULTS.cacheTtlSeconds,
      cacheToolStreams: cacheParams.cache_tool_streams ?? false,
    },
    masterKey: general.master_key ?? (env.GATEWAY_MASTER_KEY || undefined),
    serviceKeys,
    databaseUrl: general.database_url ?? (env.DATABASE_URL || undefined),
    redisUrl: redisUrlFrom(file, env),
    maxRequestBytes: Math.round((general.max_request_size_mb ?? DEFAULTS.maxRequestSizeMb) * 1024 * 1024),
    adminJwt: general.admin_jwt
      ? {
          issuer: general.admin_jwt.issuer,
          audience: general.admin_jwt.audience,
          jwksUrl: general.admin_jwt.jwks_url,
          role: general.admin_jwt.role,
        }
      : undefined,
    gracefulShutdownMs: (general.graceful_shutdown_seconds ?? DEFAULTS.gracefulShutdownSeconds) * 1000,
    tracing,
  };
}

export async function loadGatewayConfig(
  path: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<GatewayConfig> {
  let document: unknown;
  try {
    document = parseYaml(await readFile(path, "utf8"));
  } catch (error) {
    throw new GatewayConfigError(path, [`cannot read YAML: ${(error as Error).message}`]);
  }
  return parseGatewayConfig(document, env, path);
}
