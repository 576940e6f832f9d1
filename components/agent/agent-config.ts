import { AGENT_DEFAULTS, AGENT_ENV, AGENT_PORT, type AgentServiceArgs } from "./agent-service-args";

/** URLs that may only be known at deploy time (Outputs of Keycloak, the gateway, the MCP server). */
export interface AgentConfigUrls {
  readonly issuer: string;
  readonly jwks: string;
  readonly token: string;
  readonly gateway: string;
  /** One per `mcpServers` entry, in order. */
  readonly mcpServers: readonly string[];
}

type Section = Record<string, unknown>;
const section = (settings: Readonly<Section>, key: string) => (settings[key] ?? {}) as Section;

/**
 * The service's config file as the agent config contract fixes it (server, auth, gateway, defaultModel,
 * router, mcpServers, sessions, telemetry, agents); `settings` adds the service's other keys. Secrets
 * appear only as the names of the environment variables the pod gets from Secrets.
 */
export function agentConfig(args: AgentServiceArgs, urls: AgentConfigUrls) {
  const settings = args.settings ?? {};
  const telemetry = section(settings, "telemetry");
  return {
    ...settings,
    server: { host: "0.0.0.0", port: AGENT_PORT, publicUrl: `https://${args.route.hostname}` },
    auth: {
      virtualKeys: args.virtualKeys ?? AGENT_DEFAULTS.virtualKeys,
      jwt: { issuer: urls.issuer, audience: args.keycloak.clientId, jwksUrl: urls.jwks },
      client: {
        tokenUrl: urls.token,
        clientId: args.keycloak.clientId,
        clientSecretEnv: AGENT_ENV.clientSecret,
      },
    },
    gateway: { baseUrl: urls.gateway, apiKeyEnv: AGENT_ENV.gatewayKey },
    defaultModel: args.defaultModel,
    router: { ...section(settings, "router"), model: args.routerModel ?? args.defaultModel },
    mcpServers: (args.mcpServers ?? []).map((server, index) => ({
      name: server.name,
      url: urls.mcpServers[index],
      audience: server.audience,
    })),
    sessions: {
      ...section(settings, "sessions"),
      // Without a redis argument the pod has no REDIS_URL, and sessions stay in memory.
      redisUrlEnv: AGENT_ENV.redisUrl,
      ttlSeconds: args.sessionTtlSeconds ?? AGENT_DEFAULTS.sessionTtlSeconds,
    },
    ...(args.otlpEndpoint || Object.keys(telemetry).length > 0
      ? { telemetry: { ...telemetry, ...(args.otlpEndpoint ? { otlpEndpoint: args.otlpEndpoint } : {}) } }
      : {}),
    agents: section(settings, "agents"),
  };
}
