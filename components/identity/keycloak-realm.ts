import type * as pulumi from "@pulumi/pulumi";

/** An OIDC client of the realm. Confidential unless `publicClient`; confidential ones get a generated secret. */
export interface KeycloakClient {
  /** Lower-case DNS label, e.g. `"grafana"`; also names the client's Secret. */
  readonly clientId: string;
  /** Allowed redirect URIs; none means no browser login (standard flow off). */
  readonly redirectUris: readonly string[];
  /** Browser or CLI client without a secret (PKCE S256 required). Default `false`. */
  readonly publicClient?: boolean;
  /**
   * Keycloak 26.2+ standard token exchange (RFC 8693): the client may exchange a token issued to it for
   * one for another client of the realm, e.g. a service calling a downstream service as its caller.
   * Confidential clients only. Default `false`.
   */
  readonly standardTokenExchange?: boolean;
  /**
   * Further clients of the realm this client's access tokens also name as audience. Token exchange
   * only grants an `audience` that is available to the requesting client this way. Default `[]`.
   */
  readonly audiences?: readonly string[];
  /**
   * Roles of this client (e.g. the MCP server's tool scopes), each with the realm roles that include it,
   * so people and service accounts get them through their realm role. Default `{}`.
   */
  readonly roles?: Readonly<Record<string, readonly RealmRole[]>>;
  /** Realm roles of the client's service account (its client-credentials tokens). Default `[]`. */
  readonly serviceAccountRealmRoles?: readonly RealmRole[];
}

export const REALM_ROLES = ["platform-admin", "app-team"] as const;
export type RealmRole = (typeof REALM_ROLES)[number];
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

const mapper = (name: string, protocolMapper: string, config: Record<string, string>) => ({
  name,
  protocol: "openid-connect",
  protocolMapper,
  consentRequired: false,
  config,
});

/** A realm role as a composite of the client roles granted to it (Keycloak puts them in `resource_access`). */
function realmRole(role: RealmRole, clients: readonly KeycloakClient[]) {
  const granted = clients
    .map(
      (client) =>
        [
          client.clientId,
          Object.keys(client.roles ?? {}).filter((name) => client.roles?.[name]?.includes(role)),
        ] as const,
    )
    .filter(([, names]) => names.length > 0);
  if (granted.length === 0) return { name: role };
  return { name: role, composite: true, composites: { client: Object.fromEntries(granted) } };
}

/**
 * The realm import: both realm roles (composites of the client roles granted to them), every client
 * with two mappers, realm roles as a flat `roles` claim and the client's own id as audience, plus one
 * audience mapper per entry of its `audiences`; client roles; service accounts with realm roles.
 * `secrets` holds confidential clients' secrets (Outputs).
 */
export function realmRepresentation(
  realm: string,
  clients: readonly KeycloakClient[],
  secrets: Readonly<Record<string, pulumi.Input<string>>>,
) {
  return {
    realm,
    enabled: true,
    sslRequired: "external",
    registrationAllowed: false,
    bruteForceProtected: true,
    roles: {
      realm: REALM_ROLES.map((role) => realmRole(role, clients)),
      client: Object.fromEntries(
        clients
          .filter((client) => Object.keys(client.roles ?? {}).length > 0)
          .map((client) => [client.clientId, Object.keys(client.roles ?? {}).map((name) => ({ name }))]),
      ),
    },
    users: clients
      .filter((client) => (client.serviceAccountRealmRoles ?? []).length > 0)
      .map((client) => ({
        username: `service-account-${client.clientId}`,
        enabled: true,
        serviceAccountClientId: client.clientId,
        realmRoles: [...(client.serviceAccountRealmRoles ?? [])],
      })),
    clients: clients.map((client) => ({
      clientId: client.clientId,
      name: client.clientId,
      enabled: true,
      protocol: "openid-connect",
      publicClient: client.publicClient ?? false,
      ...(client.publicClient
        ? {}
        : { clientAuthenticatorType: "client-secret", secret: secrets[client.clientId] }),
      serviceAccountsEnabled: !client.publicClient,
      standardFlowEnabled: client.redirectUris.length > 0,
      implicitFlowEnabled: false,
      directAccessGrantsEnabled: false,
      redirectUris: [...client.redirectUris],
      webOrigins: ["+"],
      attributes: {
        "post.logout.redirect.uris": "+",
        ...(client.publicClient ? { "pkce.code.challenge.method": "S256" } : {}),
        ...(client.standardTokenExchange ? { "standard.token.exchange.enabled": "true" } : {}),
      },
      protocolMappers: [
        mapper("realm-roles", "oidc-usermodel-realm-role-mapper", {
          "claim.name": "roles",
          "jsonType.label": "String",
          multivalued: "true",
          "id.token.claim": "true",
          "access.token.claim": "true",
          "userinfo.token.claim": "true",
          "introspection.token.claim": "true",
        }),
        audienceMapper("audience", client.clientId),
        ...(client.audiences ?? []).map((audience) => audienceMapper(`audience-${audience}`, audience)),
      ],
    })),
  };
}

/** Adds `clientId` to the `aud` of access tokens (and introspection), not ID tokens. */
const audienceMapper = (name: string, clientId: string) =>
  mapper(name, "oidc-audience-mapper", {
    "included.client.audience": clientId,
    "id.token.claim": "false",
    "access.token.claim": "true",
    "introspection.token.claim": "true",
  });

/** What is wrong with the realm's clients, one line each. */
export function realmClientProblems(clients: readonly KeycloakClient[]): string[] {
  const problems: string[] = [];
  const ids = clients.map((client) => client.clientId);
  for (const id of ids) if (!DNS_LABEL.test(id)) problems.push(`clientId "${id}" is not a DNS label`);
  if (new Set(ids).size !== ids.length) problems.push("clients lists a clientId twice");
  for (const client of clients) {
    if (client.standardTokenExchange && client.publicClient)
      problems.push(`client "${client.clientId}": token exchange needs a confidential client`);
    if (client.serviceAccountRealmRoles?.length && client.publicClient)
      problems.push(`client "${client.clientId}": a public client has no service account to give roles`);
    for (const [name, grantedTo] of Object.entries(client.roles ?? {})) {
      if (!name.trim()) problems.push(`client "${client.clientId}": a role name is empty`);
      for (const role of grantedTo)
        if (!REALM_ROLES.includes(role))
          problems.push(
            `client "${client.clientId}": role "${name}" is granted to unknown realm role "${role}"`,
          );
    }
    for (const role of client.serviceAccountRealmRoles ?? [])
      if (!REALM_ROLES.includes(role))
        problems.push(`client "${client.clientId}": service account realm role "${role}" is unknown`);
    for (const audience of client.audiences ?? []) {
      if (!ids.includes(audience) || audience === client.clientId)
        problems.push(
          `client "${client.clientId}": audience "${audience}" is not another client of the realm`,
        );
    }
  }
  return problems;
}
