import { MCP_DATA_PATH, MCP_DEFAULTS, MCP_ENV, MCP_PORT, type McpServerArgs } from "./mcp-server-args";

/** Resolved URLs the config needs (Keycloak's and Milvus' may only be known at deploy time). */
export interface McpConfigUrls {
  readonly issuer: string;
  readonly jwks: string;
  readonly gateway: string;
  readonly milvus?: string;
}

type Section = Record<string, unknown>;
const section = (settings: Readonly<Section>, key: string) => (settings[key] ?? {}) as Section;

/** The knowledge store: Milvus when given, else PGlite on the pod's volume. */
function knowledgeStore(args: McpServerArgs, milvusUrl: string | undefined) {
  if (!milvusUrl) return { kind: "pglite", dataDir: `${MCP_DATA_PATH}/knowledge` };
  return {
    kind: "milvus",
    url: milvusUrl,
    collection: args.milvus?.collection ?? MCP_DEFAULTS.collection,
    ...(args.milvus?.tokenSecret ? { tokenEnv: MCP_ENV.milvusToken } : {}),
  };
}

/**
 * The server's config file (services/mcp `config-schema.ts`) as an object. `settings` passes through;
 * the component writes the keys its own arguments decide (server, auth, gateway, knowledge, the shared
 * rate-limit store and the Kafka audit sink). Secrets appear only as environment variable names.
 */
export function mcpConfig(name: string, args: McpServerArgs, urls: McpConfigUrls) {
  const gateway = args.llmGateway;
  const settings = args.settings ?? {};
  const audit = section(settings, "audit");
  return {
    ...settings,
    server: {
      host: "0.0.0.0",
      port: MCP_PORT,
      publicUrl: `https://${args.route.hostname}/mcp`,
      allowedOrigins: [...(args.allowedOrigins ?? [])],
      // The public name, and the Service's names for in-cluster clients.
      allowedHosts: [
        args.route.hostname,
        `${name}.${args.namespace}.svc.cluster.local:${MCP_PORT}`,
        `${name}.${args.namespace}.svc:${MCP_PORT}`,
        `${name}.${args.namespace}:${MCP_PORT}`,
      ],
    },
    auth: {
      ...section(settings, "auth"),
      mode: "oauth",
      issuer: urls.issuer,
      jwksUrl: urls.jwks,
      clientId: args.keycloak.clientId,
    },
    ...(args.redis
      ? { rateLimit: { ...section(settings, "rateLimit"), redisUrlEnv: MCP_ENV.redisUrl } }
      : {}),
    ...(args.auditKafka
      ? {
          audit: {
            ...audit,
            kafka: {
              ...section(audit, "kafka"),
              bridgeUrl: args.auditKafka.bridgeUrl,
              topic: args.auditKafka.topic,
            },
          },
        }
      : {}),
    gateway: {
      baseUrl: urls.gateway,
      chatModel: gateway.chatModel ?? MCP_DEFAULTS.chatModel,
      apiKeyEnv: MCP_ENV.gatewayKey,
    },
    knowledge: {
      store: knowledgeStore(args, urls.milvus),
      embeddings: {
        kind: "gateway",
        baseUrl: urls.gateway,
        model: gateway.embeddingModel ?? MCP_DEFAULTS.embeddingModel,
        dimension: gateway.embeddingDimension ?? MCP_DEFAULTS.embeddingDimension,
        apiKeyEnv: MCP_ENV.gatewayKey,
      },
      ...(gateway.rerankModel
        ? { rerank: { baseUrl: urls.gateway, model: gateway.rerankModel, apiKeyEnv: MCP_ENV.gatewayKey } }
        : {}),
    },
  };
}
