import type * as kubernetes from "@pulumi/kubernetes";
import { secretCopy } from "../../components/baseline/secret-copy";
import { Keycloak } from "../../components/identity/keycloak";
import { httpsListenerName, type PublicService } from "../../components/ingress/hostnames";
import type { PlatformConfig } from "../config";
import type { DataArea } from "./data";
import type { IngressArea } from "./ingress";
import type { PlatformNamespaces } from "./namespaces";

/**
 * OIDC clients of the platform's own services, and the namespace each one's secret goes to. The agent
 * service calls MCP servers as its caller: it exchanges the caller's token (Keycloak standard token
 * exchange) for one whose audience is `mcp-server`, which its own tokens must offer for the exchange
 * to grant it; its client-credentials tokens (virtual-key callers) carry that audience too.
 */
const CLIENTS: readonly {
  clientId: string;
  service: PublicService;
  path: string;
  secretNamespace: string;
  standardTokenExchange?: boolean;
  audiences?: readonly string[];
}[] = [
  { clientId: "grafana", service: "grafana", path: "/login/generic_oauth", secretNamespace: "observability" },
  { clientId: "llm-gateway-admin", service: "llm", path: "/*", secretNamespace: "ai" },
  { clientId: "mcp-server", service: "mcp", path: "/*", secretNamespace: "ai" },
  {
    clientId: "agent-service",
    service: "agent",
    path: "/*",
    secretNamespace: "ai",
    standardTokenExchange: true,
    audiences: ["mcp-server"],
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
      clients: CLIENTS.map((client) => ({
        clientId: client.clientId,
        redirectUris: [`https://${ingress.hostnames[client.service]}${client.path}`],
        ...(client.standardTokenExchange ? { standardTokenExchange: true } : {}),
        ...(client.audiences ? { audiences: client.audiences } : {}),
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
