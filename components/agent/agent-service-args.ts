import type * as pulumi from "@pulumi/pulumi";
import { unpinnedReason } from "../common/images";
import type { PublicRouteArgs, ScaledServiceArgs, SecretKeyRef, ServerPeer } from "../common/service-args";
import { HTTP_LISTENER } from "../ingress/hostnames";

/** An MCP server whose tools the agents may use. */
export interface AgentMcpServer {
  /** Name in the config and the tool prefix (`<name>__<tool>`): lower-case letters, digits, `_`, `-`. */
  readonly name: string;
  /** Its Streamable HTTP endpoint, e.g. `http://mcp-server.ai.svc.cluster.local:8080/mcp`. */
  readonly url: pulumi.Input<string>;
  /** Audience of the token the service obtains for it (the server's Keycloak client id). */
  readonly audience: string;
  readonly server: ServerPeer;
}

export interface AgentServiceArgs extends ScaledServiceArgs {
  /** HTTPRoute on the shared Gateway; the API is `https://<hostname>/v1/…`. No default. */
  readonly route: PublicRouteArgs;
  /**
   * Keycloak: callers' access tokens are checked against the realm (issuer, JWKS, audience `clientId`);
   * the service's own confidential client obtains MCP tokens at `tokenUrl` (token exchange for JWT
   * callers, client credentials for virtual-key callers). No default.
   */
  readonly keycloak: {
    readonly issuerUrl: pulumi.Input<string>;
    readonly jwksUrl: pulumi.Input<string>;
    readonly tokenUrl: pulumi.Input<string>;
    readonly clientId: string;
    readonly clientSecret: SecretKeyRef;
    readonly server: ServerPeer;
  };
  /** The LLM gateway's `/v1` base URL and the service's own key (a Secret). No default. */
  readonly llmGateway: {
    readonly baseUrl: pulumi.Input<string>;
    readonly apiKeySecret: SecretKeyRef;
    readonly server: ServerPeer;
  };
  /** Gateway model group for profiles that name none. No default. */
  readonly defaultModel: string;
  /** Small model classifying requests that name no agent. Default: `defaultModel`. */
  readonly routerModel?: string;
  /** MCP servers for tools. Default `[]` (agents answer without tools). */
  readonly mcpServers?: readonly AgentMcpServer[];
  /**
   * Redis for sessions, shared by the replicas and kept across restarts. Default: each pod keeps
   * sessions in memory, so it is only accepted with `replicas.max` of 1.
   */
  readonly redis?: { readonly urlSecret: SecretKeyRef; readonly server: ServerPeer };
  /** How long an idle session is kept, in seconds. Default `86400`. */
  readonly sessionTtlSeconds?: number;
  /** OTLP/HTTP traces endpoint (`…/v1/traces`). Default: no traces. */
  readonly otlpEndpoint?: string;
  /** Accept LLM-gateway virtual keys besides Keycloak tokens. Default `true`. */
  readonly virtualKeys?: boolean;
  /**
   * Further keys of the service's config (services/agent README), e.g. `limits`, `agents` (profile
   * overrides), `router.timeoutMs`, `telemetry.logLevel`. Default `{}`.
   */
  readonly settings?: Readonly<Record<string, unknown>>;
  /** Namespaces whose pods call the service directly (besides through the Gateway). Default `[]`. */
  readonly clientNamespaces?: readonly string[];
  /** Namespace of the Prometheus that scrapes `/metrics`. Default `"observability"`. */
  readonly metricsNamespace?: string;
  /** Container resources. Default: requests 200m CPU and 256Mi, limit 512Mi memory. */
  readonly resources?: { readonly cpu: string; readonly memory: string; readonly memoryLimit: string };
}

/** The labels of an AgentService's pods, for peers' NetworkPolicies. */
export const agentPodLabels = (name: string) => ({
  "app.kubernetes.io/name": "agent-service",
  "app.kubernetes.io/instance": name,
});
export const AGENT_PORT = 8080;
export const AGENT_CONFIG_PATH = "/etc/agent/config.yaml";
/** The image's user (services/agent/Dockerfile, like the gateway's and the MCP server's). */
export const AGENT_UID = 10001;
export const AGENT_DEFAULTS = {
  replicas: { min: 1, max: 3 },
  targetCpuUtilization: 70,
  sessionTtlSeconds: 86_400,
  virtualKeys: true,
  clientNamespaces: [] as readonly string[],
  metricsNamespace: "observability",
  resources: { cpu: "200m", memory: "256Mi", memoryLimit: "512Mi" },
} as const;
/** Environment variables the pod gets (services/agent config contract). */
export const AGENT_ENV = {
  configFile: "AGENT_CONFIG_FILE",
  clientSecret: "AGENT_CLIENT_SECRET",
  gatewayKey: "LLM_GATEWAY_API_KEY",
  redisUrl: "REDIS_URL",
} as const;

/** Top-level config keys the component writes from its arguments, and nested ones (`section.key`). */
const OWNED_SETTINGS = ["server", "auth", "gateway", "defaultModel", "mcpServers"];
const OWNED_NESTED = {
  router: ["model"],
  sessions: ["redisUrlEnv", "ttlSeconds"],
  telemetry: ["otlpEndpoint"],
};
const NAME = /^[a-z][a-z0-9_-]{0,40}$/;
const DNS_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/;

/** Every problem with the arguments, one line each, before anything is declared. */
export function agentServiceArgProblems(args: AgentServiceArgs): string[] {
  const problems: string[] = [];
  const replicas = args.replicas ?? AGENT_DEFAULTS.replicas;
  const unpinned = unpinnedReason(args.image);
  if (unpinned) problems.push(`image: ${unpinned}; pin a release tag or a digest`);
  if (!Number.isInteger(replicas.min) || replicas.min < 1)
    problems.push("replicas.min must be a whole number of at least 1");
  if (!Number.isInteger(replicas.max) || replicas.max < replicas.min)
    problems.push("replicas.max must be a whole number not below replicas.min");
  if (args.highAvailability && replicas.min < 2)
    problems.push("highAvailability needs replicas.min of 2 or more");
  if (!args.redis && replicas.max > 1)
    problems.push(
      "redis is required when replicas.max is above 1: sessions in memory are private to each pod",
    );
  const target = args.targetCpuUtilization ?? AGENT_DEFAULTS.targetCpuUtilization;
  if (!Number.isInteger(target) || target < 10 || target > 100)
    problems.push("targetCpuUtilization must be a whole percentage between 10 and 100");
  const ttl = args.sessionTtlSeconds ?? AGENT_DEFAULTS.sessionTtlSeconds;
  if (!Number.isInteger(ttl) || ttl < 1)
    problems.push("sessionTtlSeconds must be a whole number of at least 1");
  if (args.route.listenerName === HTTP_LISTENER)
    problems.push(`route.listenerName "${HTTP_LISTENER}" is the plain-HTTP listener; name the HTTPS one`);
  if (!DNS_NAME.test(args.route.hostname))
    problems.push(`route.hostname "${args.route.hostname}" must be a bare DNS name`);
  if (args.defaultModel.trim() === "") problems.push("defaultModel must name a gateway model group");
  if (args.routerModel !== undefined && args.routerModel.trim() === "")
    problems.push("routerModel must name a gateway model group (or be left out)");
  if (args.otlpEndpoint !== undefined && !/^https?:\/\/[^\s/]+(\/\S*)?$/.test(args.otlpEndpoint))
    problems.push(`otlpEndpoint "${args.otlpEndpoint}" must be an http(s) URL`);
  problems.push(...mcpServerProblems(args.mcpServers ?? []), ...ownedSettingProblems(args.settings ?? {}));
  return problems;
}

function mcpServerProblems(servers: readonly AgentMcpServer[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const server of servers) {
    // `__` separates server and tool in the function names the model sees.
    if (!NAME.test(server.name) || server.name.includes("__"))
      problems.push(`mcpServers.${server.name}: name must be lower-case letters, digits, _ and - (no "__")`);
    if (seen.has(server.name)) problems.push(`mcpServers.${server.name}: listed twice`);
    seen.add(server.name);
    if (server.audience.trim() === "")
      problems.push(`mcpServers.${server.name}.audience must name the server's Keycloak client`);
  }
  return problems;
}

function ownedSettingProblems(settings: Readonly<Record<string, unknown>>): string[] {
  const problems = Object.keys(settings)
    .filter((key) => OWNED_SETTINGS.includes(key))
    .map((key) => `settings.${key} is set by the component; use its arguments`);
  for (const [section, keys] of Object.entries(OWNED_NESTED)) {
    const value = (settings[section] ?? {}) as Record<string, unknown>;
    for (const key of keys)
      if (value[key] !== undefined)
        problems.push(`settings.${section}.${key} is set by the component; use its arguments`);
  }
  return problems;
}
