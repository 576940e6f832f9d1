import type { IncomingMessage } from "node:http";
import { createRemoteJWKSet, errors, type JWTPayload, jwtVerify } from "jose";
import { HttpError } from "../http/http-error";
import { type Caller, LOCAL_DEVELOPER } from "./caller";

export type Authenticate = (request: IncomingMessage) => Promise<Caller>;

export interface OAuthSettings {
  readonly issuer: string;
  readonly jwksUrl: string;
  /** Audiences of which a token must carry at least one: this server's resource URL, its Keycloak client id. */
  readonly audience: string | readonly string[];
  /** Where clients find the protected-resource metadata (named in every 401). */
  readonly resourceMetadataUrl: string;
  /** Keycloak client whose client roles count as scopes (`resource_access.<clientId>.roles`). */
  readonly clientId?: string;
}

/** `WWW-Authenticate` value per RFC 6750 / RFC 9728; never echoes the token. */
export function bearerChallenge(
  resourceMetadataUrl: string,
  error?: string,
  extra: Record<string, string> = {},
) {
  const parts = [`resource_metadata="${resourceMetadataUrl}"`];
  if (error) parts.push(`error="${error}"`);
  for (const [key, value] of Object.entries(extra)) parts.push(`${key}="${value.replaceAll('"', "'")}"`);
  return `Bearer ${parts.join(", ")}`;
}

/** Scopes from `scope` plus Keycloak realm roles and the roles of this server's own client (no other client's). */
export function scopesOf(payload: JWTPayload, clientId?: string): Set<string> {
  const scopes = new Set(typeof payload.scope === "string" ? payload.scope.split(" ").filter(Boolean) : []);
  const realm = payload.realm_access as { roles?: unknown } | undefined;
  const clients = (payload.resource_access ?? {}) as Record<string, { roles?: unknown } | undefined>;
  // `roles`: the flat realm-role claim the platform realm's mapper writes.
  for (const roles of [payload.roles, realm?.roles, clientId ? clients[clientId]?.roles : undefined]) {
    if (Array.isArray(roles)) for (const role of roles) if (typeof role === "string") scopes.add(role);
  }
  return scopes;
}

/**
 * OAuth 2.1 resource server: a bearer JWT signed by a key in the issuer's JWKS, for this audience, not
 * expired. Failures are 401 with a challenge naming the resource metadata; the reason stays generic
 * in the header and never includes the token.
 */
export function oauthAuthenticator(settings: OAuthSettings): Authenticate {
  const keys = createRemoteJWKSet(new URL(settings.jwksUrl), { cooldownDuration: 30_000 });
  const unauthorized = (message: string, error?: string) =>
    new HttpError(401, error ?? "unauthorized", message, {
      "www-authenticate": bearerChallenge(
        settings.resourceMetadataUrl,
        error,
        error ? { error_description: message } : {},
      ),
    });
  return async (request) => {
    const header = request.headers.authorization;
    if (!header) throw unauthorized("a bearer token is required");
    const match = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/i.exec(header);
    if (!match?.[1]) throw unauthorized("the Authorization header is not a bearer token", "invalid_request");
    try {
      const { payload } = await jwtVerify(match[1], keys, {
        issuer: settings.issuer,
        audience: [...(typeof settings.audience === "string" ? [settings.audience] : settings.audience)],
        requiredClaims: ["sub", "exp"],
      });
      return { id: payload.sub as string, scopes: scopesOf(payload, settings.clientId), unrestricted: false };
    } catch (error) {
      throw unauthorized(describeJoseError(error), "invalid_token");
    }
  };
}

function describeJoseError(error: unknown): string {
  if (error instanceof errors.JWTExpired) return "the token has expired";
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === "aud") return "the token was not issued for this server (audience)";
    if (error.claim === "iss") return "the token was issued by an untrusted issuer";
    return `the token's ${error.claim} claim is invalid`;
  }
  if (error instanceof errors.JWKSNoMatchingKey) return "the token is signed by an unknown key";
  if (error instanceof errors.JOSEError) return "the token signature or format is invalid";
  return "the token could not be verified";
}

/** Development mode: no token, every scope, but only for connections from this machine. */
export function loopbackOnlyAuthenticator(): Authenticate {
  return async (request) => {
    const address = request.socket.remoteAddress ?? "";
    if (!["127.0.0.1", "::1", "::ffff:127.0.0.1"].includes(address)) {
      throw new HttpError(403, "loopback_only", "authentication is off, so only loopback clients are served");
    }
    return LOCAL_DEVELOPER;
  };
}
