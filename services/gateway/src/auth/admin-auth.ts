/**
 * The admin API accepts the master key, or a JWT (Keycloak) carrying the admin role, checked
 * against the issuer's JWKS: signature, issuer, audience and expiry.
 */
import type { IncomingHttpHeaders } from "node:http";
import { createRemoteJWKSet, type JWTPayload, jwtVerify } from "jose";
import type { AdminJwtSettings } from "../config/gateway-config";
import { forbidden, unauthorized } from "../http/errors";
import { isMasterKey, presentedSecret } from "../pipeline/caller";

const jwksCache = new Map<string, ReturnType<typeof createRemoteJWKSet>>();

function jwks(url: string) {
  let set = jwksCache.get(url);
  if (!set) {
    set = createRemoteJWKSet(new URL(url), { cooldownDuration: 30_000, cacheMaxAge: 600_000 });
    jwksCache.set(url, set);
  }
  return set;
}

/** Keycloak puts realm roles in `realm_access.roles` and client roles in `resource_access.<client>.roles`. */
export function rolesOf(payload: JWTPayload, audience: string): string[] {
  const realm = (payload.realm_access as { roles?: string[] } | undefined)?.roles ?? [];
  const client =
    (payload.resource_access as Record<string, { roles?: string[] }> | undefined)?.[audience]?.roles ?? [];
  return [...realm, ...client];
}

export interface AdminIdentity {
  readonly kind: "master" | "jwt";
  readonly subject?: string;
}

export async function authenticateAdmin(
  headers: IncomingHttpHeaders,
  masterKey: string | undefined,
  jwt: AdminJwtSettings | undefined,
): Promise<AdminIdentity> {
  const secret = presentedSecret(headers);
  if (!secret) throw unauthorized("The admin API needs the master key or an admin JWT as a bearer token.");
  if (isMasterKey(secret, masterKey)) return { kind: "master" };
  if (!jwt || secret.split(".").length !== 3) throw unauthorized("Invalid admin credentials.");
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(secret, jwks(jwt.jwksUrl), {
      issuer: jwt.issuer,
      audience: jwt.audience,
    }));
  } catch (error) {
    throw unauthorized(`Invalid admin token: ${(error as { code?: string }).code ?? "verification failed"}.`);
  }
  if (!rolesOf(payload, jwt.audience).includes(jwt.role))
    throw forbidden(`The token lacks the role '${jwt.role}'.`, "missing_role");
  return { kind: "jwt", subject: payload.sub };
}
