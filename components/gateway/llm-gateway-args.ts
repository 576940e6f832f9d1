import { unpinnedReason } from "../common/images";
import type { PublicRouteArgs, ScaledServiceArgs, ServerPeer } from "../common/service-args";
import { HTTP_LISTENER } from "../ingress/hostnames";
import type {
  AdminJwt,
  CloudModel,
  GatewayModelEndpoint,
  RoutingSettings,
  ServiceKey,
} from "./gateway-config";
import { gatewayConfigProblems } from "./gateway-config-checks";
import { type EgressAllow, inClusterTarget } from "./gateway-network";

/** A Secret in the gateway's namespace holding a connection URL, and the server it leads to. */
export interface ConnectionSecret extends ServerPeer {
  readonly secretName: string;
  /** Key of the URL in the Secret. Default `"url"`. */
  readonly key?: string;
}

export interface LlmGatewayArgs extends ScaledServiceArgs {
  /** Self-hosted endpoints (the inference area's); tag vLLM ones `engine: "vllm"`. Default `[]`. */
  readonly modelEndpoints?: readonly GatewayModelEndpoint[];
  /** Models of cloud providers, API keys from Secrets. Default `[]`. */
  readonly cloudModels?: readonly CloudModel[];
  /** Redis for limits, budgets, cooldowns and cache, shared by the replicas. No default. */
  readonly redis: ConnectionSecret;
  /** PostgreSQL (the `llm_gateway` database) for keys, teams and spend. No default. */
  readonly database: ConnectionSecret;
  /** Routing, retries and fallbacks. Default: see {@link RoutingSettings}. */
  readonly routing?: RoutingSettings;
  /** Admin API access with a Keycloak token. Default: master key only. */
  readonly adminJwt?: AdminJwt;
  /** HTTPRoute on the shared Gateway. No default. */
  readonly route: PublicRouteArgs;
  /** Namespaces whose pods call the gateway directly. Default `["ai"]`. */
  readonly clientNamespaces?: readonly string[];
  /** Namespace of the Prometheus that scrapes `/metrics`. Default `"observability"`. */
  readonly metricsNamespace?: string;
  /** More egress, e.g. to Keycloak for `adminJwt.jwksUrl`. Default `[]`. */
  readonly extraEgress?: readonly EgressAllow[];
  /** Container resources. Default: requests 250m CPU and 256Mi, limit 512Mi memory. */
  readonly resources?: { readonly cpu: string; readonly memory: string; readonly memoryLimit: string };
  /** Largest request body in MB (audio uploads). Default `25`. */
  readonly maxRequestSizeMb?: number;
  /** Exact-match response cache in Redis. Default `{ enabled: false, ttlSeconds: 600 }`. */
  readonly cache?: { readonly enabled: boolean; readonly ttlSeconds: number };
  /** Upper bound of one upstream call in seconds. Default `600`. */
  readonly requestTimeoutSeconds?: number;
  /** Keys of the platform's own services, accepted like virtual keys. Default `[]`. */
  readonly serviceKeys?: readonly ServiceKey[];
  /**
   * In-cluster OTLP/HTTP traces URL (e.g. `http://alloy.observability.svc.cluster.local:4318/v1/traces`);
   * the gateway then exports a span per call and per upstream attempt. Default: no traces.
   */
  readonly tracesEndpoint?: string;
}

export const GATEWAY_PORT = 4000;
export const CONFIG_PATH = "/etc/gateway/config.yaml";
/** The image's user (services/gateway/Dockerfile). */
export const GATEWAY_UID = 10001;
export const GATEWAY_DEFAULTS = {
  replicas: { min: 1, max: 3 },
  targetCpuUtilization: 70,
  clientNamespaces: ["ai"],
  metricsNamespace: "observability",
  resources: { cpu: "250m", memory: "256Mi", memoryLimit: "512Mi" },
  maxRequestSizeMb: 25,
  cache: { enabled: false, ttlSeconds: 600 },
  requestTimeoutSeconds: 600,
} as const;

/** Every problem with the arguments, one line each, before anything is declared. */
export function llmGatewayArgProblems(args: LlmGatewayArgs): string[] {
  const problems: string[] = [];
  const replicas = args.replicas ?? GATEWAY_DEFAULTS.replicas;
  const unpinned = unpinnedReason(args.image);
  if (unpinned) problems.push(`image: ${unpinned}; pin a release tag or a digest`);
  if (!Number.isInteger(replicas.min) || replicas.min < 1)
    problems.push("replicas.min must be a whole number of at least 1");
  if (!Number.isInteger(replicas.max)) problems.push("replicas.max must be a whole number");
  if (replicas.max < replicas.min) problems.push("replicas.max must not be below replicas.min");
  if (args.highAvailability && replicas.min < 2)
    problems.push("highAvailability needs replicas.min of 2 or more");
  const target = args.targetCpuUtilization ?? GATEWAY_DEFAULTS.targetCpuUtilization;
  if (!Number.isInteger(target) || target < 10 || target > 100)
    problems.push("targetCpuUtilization must be a whole percentage between 10 and 100");
  if (args.route.listenerName === HTTP_LISTENER)
    problems.push(`route.listenerName "${HTTP_LISTENER}" is the plain-HTTP listener; name the HTTPS one`);
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/.test(args.route.hostname))
    problems.push(`route.hostname "${args.route.hostname}" must be a bare DNS name`);
  if (args.tracesEndpoint !== undefined) {
    try {
      inClusterTarget(args.tracesEndpoint);
    } catch (error) {
      problems.push(`tracesEndpoint: ${(error as Error).message}`);
    }
  }
  for (const endpoint of args.modelEndpoints ?? []) {
    if (typeof endpoint.url !== "string") continue; // checked when it resolves
    try {
      inClusterTarget(endpoint.url);
    } catch (error) {
      problems.push(`modelEndpoints.${endpoint.name}.url: ${(error as Error).message}`);
    }
  }
  return [...problems, ...gatewayConfigProblems(configSettings(args))];
}

/** The config settings of the arguments, defaults filled in (all but the endpoints' URLs). */
export function configSettings(args: LlmGatewayArgs) {
  return {
    endpoints: args.modelEndpoints ?? [],
    cloudModels: args.cloudModels ?? [],
    routing: args.routing ?? {},
    adminJwt: args.adminJwt,
    maxRequestSizeMb: args.maxRequestSizeMb ?? GATEWAY_DEFAULTS.maxRequestSizeMb,
    cache: args.cache ?? GATEWAY_DEFAULTS.cache,
    requestTimeoutSeconds: args.requestTimeoutSeconds ?? GATEWAY_DEFAULTS.requestTimeoutSeconds,
    serviceKeys: args.serviceKeys ?? [],
    traces: args.tracesEndpoint !== undefined,
  };
}
