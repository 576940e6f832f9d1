import type * as kubernetes from "@pulumi/kubernetes";
import { AgentService } from "../../components/agent/agent-service";
import { httpsListenerName } from "../../components/ingress/hostnames";
import { mcpPodLabels } from "../../components/mcp/mcp-server";
import type { PlatformConfig } from "../config";
import type { DataArea } from "./data";
import type { GatewayArea } from "./gateway";
import type { IdentityArea } from "./identity";
import type { IngressArea } from "./ingress";
import { MCP_SERVER_NAME, type McpArea } from "./mcp";
import type { PlatformNamespaces } from "./namespaces";
import { redisServer, redisUrlSecret, type ServiceKeys } from "./service-credentials";

/** The service's name: its Service, its Keycloak client and its gateway key's alias. */
const AGENT_NAME = "agent-service";
const KEYCLOAK_POD_PORT = 8080;
const MCP_POD_PORT = 8080;

export interface AgentArea {
  readonly service?: AgentService;
}

/**
 * The agent service in `ai`: Keycloak tokens (audience `agent-service`) and gateway virtual keys in,
 * models only through the LLM gateway with its own key, tools from the platform's MCP server with a
 * token for the `mcp-server` audience, sessions in the platform's Redis.
 */
export function deployAgent(
  config: PlatformConfig,
  namespaces: PlatformNamespaces,
  ingress: IngressArea,
  identity: IdentityArea,
  data: DataArea,
  gateway: GatewayArea,
  mcp: McpArea,
  serviceKeys: ServiceKeys,
  provider: kubernetes.Provider,
): AgentArea {
  const settings = config.agent;
  if (!settings.enabled || !settings.image) return {};
  const key = serviceKeys.agent;
  if (!gateway.gateway || !gateway.server || !key || !settings.defaultModel)
    throw new Error(
      "internal: the config schema lets the agent service on only with the gateway and a model",
    );
  const keycloak = identity.keycloak;
  const clientSecretName = keycloak.clientSecretSecretNames[AGENT_NAME];
  if (!clientSecretName) throw new Error(`internal: the realm hands no client secret to ${AGENT_NAME}`);
  const realmUrl = `${keycloak.internalUrl}/realms/${keycloak.realm}/protocol/openid-connect`;
  const redis = redisUrlSecret(AGENT_NAME, namespaces, data);

  const service = new AgentService(
    AGENT_NAME,
    {
      namespace: namespaces.ai.name,
      image: settings.image,
      replicas: settings.replicas,
      highAvailability: config.environment === "prod",
      route: {
        hostname: ingress.hostnames.agent,
        gatewayName: ingress.gatewayName,
        gatewayNamespace: ingress.gatewayNamespace,
        listenerName: httpsListenerName("agent"),
      },
      keycloak: {
        issuerUrl: keycloak.issuerUrl,
        jwksUrl: `${realmUrl}/certs`,
        tokenUrl: `${realmUrl}/token`,
        clientId: AGENT_NAME,
        clientSecret: { name: clientSecretName, key: "client-secret" },
        server: { peer: { namespace: namespaces.identity.name }, port: KEYCLOAK_POD_PORT },
      },
      llmGateway: { baseUrl: gateway.gateway.internalUrl, apiKeySecret: key.secret, server: gateway.server },
      defaultModel: settings.defaultModel,
      ...(settings.routerModel ? { routerModel: settings.routerModel } : {}),
      mcpServers: mcp.server
        ? [
            {
              name: "platform",
              url: mcp.server.internalUrl,
              audience: MCP_SERVER_NAME,
              server: {
                peer: { namespace: namespaces.ai.name, podLabels: mcpPodLabels(MCP_SERVER_NAME) },
                port: MCP_POD_PORT,
              },
            },
          ]
        : [],
      redis: { urlSecret: redis.secret, server: redisServer(namespaces) },
      ...(settings.otlpEndpoint ? { otlpEndpoint: settings.otlpEndpoint } : {}),
    },
    {
      providers: [provider],
      dependsOn: [
        namespaces.ai,
        key.resource,
        redis.resource,
        keycloak,
        gateway.gateway,
        ...(mcp.server ? [mcp.server] : []),
      ],
    },
  );
  return { service };
}
