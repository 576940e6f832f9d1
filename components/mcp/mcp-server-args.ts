import type * as pulumi from "@pulumi/pulumi";
import type { Peers } from "../baseline/network-policy";
import { unpinnedReason } from "../common/images";
import type { PublicRouteArgs, ScaledServiceArgs, SecretKeyRef, ServerPeer } from "../common/service-args";
import { HTTP_LISTENER } from "../ingress/hostnames";

/** A Secret External Secrets fills from Vault (through a ClusterSecretStore). */
export interface VaultSecret {
  /** Name of the Kubernetes Secret created in the namespace. */
  readonly secretName: string;
  /** Secret key → Vault KV path and property, e.g. `{ "api-key": { key: "ai/mcp", property: "gateway-api-key" } }`. */
  readonly data: Readonly<Record<string, { readonly key: string; readonly property: string }>>;
}

/** A further egress allow (a connector's API, a SQL database, a remote MCP server, the robots' webhooks). */
export interface McpEgressAllow {
  /** Suffix of the NetworkPolicy's name. */
  readonly name: string;
  readonly peers: Peers;
  readonly ports: readonly number[];
}

export interface McpServerArgs extends ScaledServiceArgs {
  /** HTTPRoute on the shared Gateway; the MCP endpoint is `https://<hostname>/mcp`. No default. */
  readonly route: PublicRouteArgs;
  /**
   * Keycloak: the realm's issuer and JWKS URLs, the server's client (tokens must carry
   * `https://<hostname>/mcp` or `clientId` as audience; the realm's audience mapper adds the client id;
   * the client's roles count as scopes) and where its pods are. No default.
   */
  readonly keycloak: {
    readonly issuerUrl: pulumi.Input<string>;
    readonly jwksUrl: pulumi.Input<string>;
    readonly clientId: string;
    readonly server: ServerPeer;
  };
  /** The LLM gateway (`/v1` base URL) for embeddings, rerank and summaries, with this server's own key. No default. */
  readonly llmGateway: {
    readonly baseUrl: pulumi.Input<string>;
    readonly apiKeySecret: SecretKeyRef;
    readonly server: ServerPeer;
    /** Default `"bge-m3"`, 1024 dimensions. */
    readonly embeddingModel?: string;
    readonly embeddingDimension?: number;
    /** Default: no reranking. */
    readonly rerankModel?: string;
    /** Default `"qwen2.5-7b-instruct"`. */
    readonly chatModel?: string;
  };
  /**
   * Milvus for the knowledge base (REST on its proxy port). Default: the embedded in-memory store,
   * which each pod holds alone, so it is only accepted with `replicas.max` of 1.
   */
  readonly milvus?: {
    readonly url: pulumi.Input<string>;
    readonly tokenSecret?: SecretKeyRef;
    readonly server: ServerPeer;
    /** Default `"mcp_knowledge"`. */
    readonly collection?: string;
  };
  /**
   * Size of the volume the embedded store (PGlite) keeps the knowledge base on when there is no
   * `milvus`. Default `{ sizeGi: 5 }` on the cluster's default storage class.
   */
  readonly knowledgeVolume?: {
    readonly sizeGi: number;
    readonly storageClassName?: string;
    /** Pulumi `protect` on the claim, so a rename or destroy cannot drop the knowledge base. Default `true`. */
    readonly protect?: boolean;
  };
  /**
   * Redis shared by the replicas, so each caller's rate limit holds across them
   * (`rateLimit.redisUrlEnv`). Default: each pod counts on its own.
   */
  readonly redis?: { readonly urlSecret: SecretKeyRef; readonly server: ServerPeer };
  /**
   * Audit records also to Kafka, through a Strimzi Kafka Bridge's HTTP API (`audit.kafka`).
   * Default: structured log lines on stdout only.
   */
  readonly auditKafka?: {
    /** E.g. `http://kafka-bridge-service.data.svc.cluster.local:8080`. */
    readonly bridgeUrl: string;
    readonly topic: string;
    readonly server: ServerPeer;
  };
  /**
   * Further keys of the server's configuration (services/mcp README): `connectors`, `openapi`, `sql`,
   * `notifications`, `prompts`, `federation`, `ssrf`, `rateLimit`, `auth.toolScopes`. Secrets appear in
   * it only as environment variable names, which `secretEnv` fills. Default `{}`.
   */
  readonly settings?: Readonly<Record<string, unknown>>;
  /** Environment variables from Secrets, by name (e.g. `SALES_DATABASE_URL`). Default `{}`. */
  readonly secretEnv?: Readonly<Record<string, SecretKeyRef>>;
  /** Secrets External Secrets creates from Vault before the pods start. Default `[]`. */
  readonly vaultSecrets?: readonly VaultSecret[];
  /** The ClusterSecretStore `vaultSecrets` read through. Default `"vault"`. */
  readonly secretStoreName?: string;
  /** Browser origins allowed to call `/mcp`. Default `[]` (non-browser clients only). */
  readonly allowedOrigins?: readonly string[];
  /** Namespaces whose pods call the server directly. Default `["ai"]`. */
  readonly clientNamespaces?: readonly string[];
  /** Namespace of the Prometheus that scrapes `/metrics`. Default `"observability"`. */
  readonly metricsNamespace?: string;
  readonly extraEgress?: readonly McpEgressAllow[];
  /** Container resources. Default: requests 200m CPU and 384Mi, limit 768Mi memory. */
  readonly resources?: { readonly cpu: string; readonly memory: string; readonly memoryLimit: string };
}

/** The labels of an McpServer's pods, for peers' NetworkPolicies. */
export const mcpPodLabels = (name: string) => ({
  "app.kubernetes.io/name": "mcp-server",
  "app.kubernetes.io/instance": name,
});
export const MCP_PORT = 8080;
export const MCP_CONFIG_PATH = "/etc/mcp/config.yaml";
/** Where the embedded store's volume is mounted; PGlite keeps its files in `knowledge/` below it. */
export const MCP_DATA_PATH = "/var/lib/mcp";
/** The image's user (services/mcp/Dockerfile). */
export const MCP_UID = 10001;
/** Keys of `settings` the component writes itself. */
const OWNED_SETTINGS = ["server", "gateway", "knowledge"];
export const MCP_DEFAULTS = {
  replicas: { min: 1, max: 3 },
  targetCpuUtilization: 70,
  clientNamespaces: ["ai"],
  metricsNamespace: "observability",
  secretStoreName: "vault",
  embeddingModel: "bge-m3",
  embeddingDimension: 1024,
  chatModel: "qwen2.5-7b-instruct",
  collection: "mcp_knowledge",
  resources: { cpu: "200m", memory: "384Mi", memoryLimit: "768Mi" },
  knowledgeVolume: { sizeGi: 5 },
} as const;
/** Environment variables the rendered config names for the component's own secrets. */
export const MCP_ENV = {
  gatewayKey: "LLM_GATEWAY_API_KEY",
  milvusToken: "MILVUS_TOKEN",
  redisUrl: "REDIS_URL",
} as const;

/** Every problem with the arguments, one line each, before anything is declared. */
export function mcpServerArgProblems(args: McpServerArgs): string[] {
  const problems: string[] = [];
  const replicas = args.replicas ?? MCP_DEFAULTS.replicas;
  const unpinned = unpinnedReason(args.image);
  if (unpinned) problems.push(`image: ${unpinned}; pin a release tag or a digest`);
  if (!Number.isInteger(replicas.min) || replicas.min < 1)
    problems.push("replicas.min must be a whole number of at least 1");
  if (!Number.isInteger(replicas.max) || replicas.max < replicas.min)
    problems.push("replicas.max must be a whole number not below replicas.min");
  if (args.highAvailability && replicas.min < 2)
    problems.push("highAvailability needs replicas.min of 2 or more");
  if (!args.milvus && replicas.max > 1) {
    problems.push(
      "milvus is required when replicas.max is above 1: the embedded store is private to each pod",
    );
  }
  if (args.route.listenerName === HTTP_LISTENER) {
    problems.push(`route.listenerName "${HTTP_LISTENER}" is the plain-HTTP listener; name the HTTPS one`);
  }
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/.test(args.route.hostname)) {
    problems.push(`route.hostname "${args.route.hostname}" must be a bare DNS name`);
  }
  for (const key of Object.keys(args.settings ?? {})) {
    if (OWNED_SETTINGS.includes(key))
      problems.push(`settings.${key} is set by the component; use its arguments`);
  }
  problems.push(...ownedNestedSettings(args.settings ?? {}));
  if (args.milvus && args.knowledgeVolume)
    problems.push("knowledgeVolume is for the embedded store; with milvus the pods keep no data");
  const volume = args.knowledgeVolume ?? MCP_DEFAULTS.knowledgeVolume;
  if (!Number.isInteger(volume.sizeGi) || volume.sizeGi < 1)
    problems.push("knowledgeVolume.sizeGi must be a whole number of at least 1");
  if (args.auditKafka && !/^[a-zA-Z0-9._-]{1,249}$/.test(args.auditKafka.topic))
    problems.push(`auditKafka.topic "${args.auditKafka.topic}" is not a Kafka topic name`);
  if (args.auditKafka && !/^https?:\/\/[^/\s]+$/.test(args.auditKafka.bridgeUrl))
    problems.push(
      `auditKafka.bridgeUrl "${args.auditKafka.bridgeUrl}" must be http(s)://host[:port], no path`,
    );
  const authMode = (args.settings?.auth as { mode?: string } | undefined)?.mode;
  if (authMode !== undefined && authMode !== "oauth")
    problems.push("settings.auth.mode must stay oauth in a cluster");
  for (const variable of Object.keys(args.secretEnv ?? {})) {
    if (!/^[A-Z_][A-Z0-9_]*$/.test(variable))
      problems.push(`secretEnv.${variable} is not an environment variable name`);
    if (Object.values(MCP_ENV).includes(variable as never))
      problems.push(`secretEnv.${variable} is set by the component`);
  }
  return problems;
}

/** Nested keys of `settings` the component writes from its own arguments. */
function ownedNestedSettings(settings: Readonly<Record<string, unknown>>): string[] {
  const section = (key: string) => (settings[key] ?? {}) as Record<string, unknown>;
  const problems: string[] = [];
  if (section("rateLimit").redisUrlEnv !== undefined)
    problems.push("settings.rateLimit.redisUrlEnv is set by the component; use the redis argument");
  const kafka = (section("audit").kafka ?? {}) as Record<string, unknown>;
  for (const key of ["bridgeUrl", "topic"]) {
    if (kafka[key] !== undefined)
      problems.push(`settings.audit.kafka.${key} is set by the component; use the auditKafka argument`);
  }
  return problems;
}
