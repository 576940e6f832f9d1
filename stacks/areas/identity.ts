import type * as kubernetes from "@pulumi/kubernetes";
import { secretCopy } from "../../components/baseline/secret-copy";
import { Keycloak, type KeycloakClient, type RealmRole } from "../../components/identity/keycloak";
import { httpsListenerName, type PublicService } from "../../components/ingress/hostnames";
import type { PlatformConfig } from "../config";
import type { DataArea } from "./data";
import type { IngressArea } from "./ingress";
import type { PlatformNamespaces } from "./namespaces";

/**
 * The MCP server's tool scopes (services/mcp/src/tools) as client roles of `mcp-server`, and the realm
 * roles that carry them: app teams may search knowledge, process documents, query SQL read-only and
 * call connectors, robots and federated tools; writing to the knowledge base and the federation admin
 * API stay with platform admins.
 */
export const MCP_TOOL_ROLES: Readonly<Record<string, readonly RealmRole[]>> = {
  "mcp:knowledge.read": ["app-team", "platform-admin"],
  "mcp:documents": ["app-team", "platform-admin"],
  "mcp:sql.read": ["app-team", "platform-admin"],
  "mcp:connectors": ["app-team", "platform-admin"],
  "mcp:notify": ["app-team", "platform-admin"],
  "mcp:federated": ["app-team", "platform-admin"],
  "mcp:knowledge.write": ["platform-admin"],
  "mcp:admin": ["platform-admin"],
};

type PlatformClient = Omit<KeycloakClient, "redirectUris"> & {
  readonly service: PublicService;
  readonly path: string;
  readonly secretNamespace: string;
};

/**
 * OIDC clients of the platform's own services, and the namespace each one's secret goes to. The agent
 * service calls MCP servers as its caller: it exchanges the caller's token (Keycloak standard token
 * exchange) for one whose audience is `mcp-server`, which its own tokens must offer for the exchange
 * to grant it; its client-credentials tokens (virtual-key callers, who are app teams) carry that
 * audience and the app-team role too.
 */
const CLIENTS: readonly PlatformClient[] = [
  { clientId: "grafana", service: "grafana", path: "/login/generic_oauth", secretNamespace: "observability" },
  { clientId: "llm-gateway-admin", service: "llm", path: "/*", secretNamespace: "ai" },
  { clientId: "mcp-server", service: "mcp", path: "/*", secretNamespace: "ai", roles: MCP_TOOL_ROLES },
  {
    clientId: "agent-service",
    service: "agent",
    path: "/*",
    secretNamespace: "ai",
    standardTokenExchange: true,
    audiences: ["mcp-server"],
    serviceAccountRealmRoles: ["app-team"],
  },
];

export interface IdentityArea {
  readonly keycloak: Keycloak;
}

/** Keycloak on the platform PostgreSQL, its realm with the platform's OIDC clients, published on auth.<domain>. */
export function deployIdentity(
  config: PlatformConfig,
  namespaces: PlatformNamespaces,
  ingress: IngressArea,
  data: DataArea,
  provider: kubernetes.Provider,
): IdentityArea {
  const namespace = namespaces.identity.name;
  const opts = { providers: [provider], dependsOn: [namespaces.identity, data.postgres] };
  const database = data.postgres.databases.find((db) => db.name === "keycloak");
  const password = database && data.postgres.passwords[database.owner];
  if (!database || !password) throw new Error("the platform PostgreSQL has no keycloak database");

  // Pods mount Secrets of their own namespace only: copy the keycloak role's credentials over.
  const credentials = secretCopy(
    "keycloak-db",
    namespace,
    { username: database.owner, password },
    { parent: namespaces.identity },
  );
  const keycloak = new Keycloak(
    "keycloak",
    {
      namespace,
      replicas: config.platform.identity.keycloakReplicas,
      hostname: ingress.hostnames.auth,
      database: {
        host: data.postgres.host,
        port: data.postgres.port,
        database: database.name,
        credentialsSecretName: "keycloak-db",
        usernameKey: "username",
        passwordKey: "password",
      },
      clients: CLIENTS.map(({ service, path, secretNamespace: _namespace, ...client }) => ({
        ...client,
        redirectUris: [`https://${ingress.hostnames[service]}${path}`],
      })),
      clientSecretNamespaces: Object.fromEntries(
        CLIENTS.map((client) => [client.clientId, client.secretNamespace]),
      ),
      route: {
        hostname: ingress.hostnames.auth,
        gatewayName: ingress.gatewayName,
        gatewayNamespace: ingress.gatewayNamespace,
        listenerName: httpsListenerName("auth"),
      },
    },
    { ...opts, dependsOn: [...opts.dependsOn, credentials] },
  );
  return { keycloak };
}
