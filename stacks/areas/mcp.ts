import type * as kubernetes from "@pulumi/kubernetes";
import { KafkaBridge } from "../../components/data/kafka-bridge";
import { httpsListenerName } from "../../components/ingress/hostnames";
import { McpServer, type McpServerArgs, mcpPodLabels } from "../../components/mcp/mcp-server";
import type { Milvus } from "../../components/vector/milvus";
import type { PlatformConfig } from "../config";
import { MCP_AUDIT_TOPIC } from "../mcp-config-schema";
import type { DataArea } from "./data";
import type { GatewayArea } from "./gateway";
import type { IdentityArea } from "./identity";
import type { IngressArea } from "./ingress";
import type { PlatformNamespaces } from "./namespaces";
import { redisServer, redisUrlSecret, type ServiceKeys } from "./service-credentials";

/** The server's name: its Service, its Keycloak client and its gateway key's alias. */
export const MCP_SERVER_NAME = "mcp-server";
const KEYCLOAK_POD_PORT = 8080;
const MILVUS_PROXY_PORT = 19530;

export interface McpArea {
  readonly server?: McpServer;
  /** The Kafka Bridge the audit records go through (`mcp.kafkaAudit`). */
  readonly auditBridge?: KafkaBridge;
}

/** Milvus' REST API with the root token (its Secret lives in `ai` beside the server), or nothing. */
function milvusStore(milvus: Milvus | undefined, namespaces: PlatformNamespaces): McpServerArgs["milvus"] {
  if (!milvus) return undefined;
  return {
    url: milvus.restUrl,
    tokenSecret: { name: milvus.credentialsSecretName, key: "token" },
    // The serving pods (standalone, or the proxies in cluster mode) carry the release's labels.
    server: {
      peer: {
        namespace: namespaces.ai.name,
        podLabels: { "app.kubernetes.io/name": "milvus", "app.kubernetes.io/instance": "milvus" },
      },
      port: MILVUS_PROXY_PORT,
    },
  };
}

/**
 * The MCP server in `ai`: OAuth on the realm's `mcp-server` client, embeddings, rerank and summaries
 * through the LLM gateway with its own key, the knowledge base in Milvus (else the embedded store on a
 * volume), rate limits shared through Redis, and audit records to Kafka through a Kafka Bridge when
 * `mcp.kafkaAudit` is on.
 */
export function deployMcp(
  config: PlatformConfig,
  namespaces: PlatformNamespaces,
  ingress: IngressArea,
  identity: IdentityArea,
  data: DataArea,
  milvus: Milvus | undefined,
  gateway: GatewayArea,
  serviceKeys: ServiceKeys,
  provider: kubernetes.Provider,
): McpArea {
  const settings = config.mcp;
  if (!settings.enabled || !settings.image) return {};
  const key = serviceKeys.mcp;
  if (!gateway.gateway || !gateway.server || !key || !settings.chatModel || !settings.embeddingModel)
    throw new Error(
      "internal: the config schema lets the MCP server on only with the gateway and its models",
    );
  const namespace = namespaces.ai.name;
  const keycloak = identity.keycloak;
  const realmUrl = `${keycloak.internalUrl}/realms/${keycloak.realm}/protocol/openid-connect`;
  const redis = redisUrlSecret(MCP_SERVER_NAME, namespaces, data);

  const auditBridge = settings.kafkaAudit
    ? new KafkaBridge(
        "kafka",
        {
          namespace: namespaces.data.name,
          kafka: data.kafka,
          clients: [{ namespace, podLabels: mcpPodLabels(MCP_SERVER_NAME) }],
          replicas: config.environment === "prod" ? 2 : 1,
        },
        { providers: [provider], dependsOn: [data.kafka] },
      )
    : undefined;
  const store = milvusStore(milvus, namespaces);

  const server = new McpServer(
    MCP_SERVER_NAME,
    {
      namespace,
      image: settings.image,
      replicas: settings.replicas,
      highAvailability: config.environment === "prod",
      route: {
        hostname: ingress.hostnames.mcp,
        gatewayName: ingress.gatewayName,
        gatewayNamespace: ingress.gatewayNamespace,
        listenerName: httpsListenerName("mcp"),
      },
      keycloak: {
        issuerUrl: keycloak.issuerUrl,
        jwksUrl: `${realmUrl}/certs`,
        clientId: MCP_SERVER_NAME,
        server: { peer: { namespace: namespaces.identity.name }, port: KEYCLOAK_POD_PORT },
      },
      llmGateway: {
        baseUrl: gateway.gateway.internalUrl,
        apiKeySecret: key.secret,
        server: gateway.server,
        chatModel: settings.chatModel,
        embeddingModel: settings.embeddingModel,
        ...(settings.embeddingDimension ? { embeddingDimension: settings.embeddingDimension } : {}),
        ...(settings.rerankModel ? { rerankModel: settings.rerankModel } : {}),
      },
      ...(store
        ? { milvus: store }
        : { knowledgeVolume: { sizeGi: settings.knowledgeVolumeGi, protect: config.protect } }),
      redis: { urlSecret: redis.secret, server: redisServer(namespaces) },
      ...(auditBridge
        ? {
            auditKafka: {
              bridgeUrl: auditBridge.url,
              topic: MCP_AUDIT_TOPIC.name,
              server: {
                peer: { namespace: namespaces.data.name, podLabels: auditBridge.podLabels },
                port: auditBridge.port,
              },
            },
          }
        : {}),
    },
    {
      providers: [provider],
      dependsOn: [
        namespaces.ai,
        key.resource,
        redis.resource,
        keycloak,
        gateway.gateway,
        ...(milvus ? [milvus] : []),
        ...(auditBridge ? [auditBridge] : []),
      ],
    },
  );
  return { server, auditBridge };
}
