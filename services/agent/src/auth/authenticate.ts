/**
 * Authentication of API callers: Keycloak access tokens (JWTs for this service's audience) and LLM
 * gateway virtual keys, or nobody in the loopback-only development mode.
 */
import type { IncomingMessage } from "node:http";
import { createRemoteJWKSet, errors, jwtVerify } from "jose";
import type { AgentConfig, Secrets } from "../config/load-config";
import { unauthorized } from "../http/errors";
import { bearerToken, type Caller, looksLikeJwt } from "./caller";
import { keyHash, VirtualKeyCheck } from "./virtual-key-check";

export type Authenticate = (request: IncomingMessage) => Promise<Caller>;

/** The service's own gateway key; an open gateway (development) takes any. */
const serviceKey = (secrets: Secrets) => secrets.gatewayApiKey ?? "no-key";

export function createAuthenticator(
  config: AgentConfig,
  secrets: Secrets,
  fetchImpl: typeof fetch = fetch,
): Authenticate {
  const { auth } = config;
  if (auth.mode === "none") {
    return async () => ({ kind: "anonymous", user: "user:local", gatewayKey: serviceKey(secrets) });
  }
  const jwt = auth.jwt;
  const keys = jwt
    ? createRemoteJWKSet(new URL(jwt.jwksUrl ?? `${jwt.issuer}/protocol/openid-connect/certs`), {
        cooldownDuration: 30_000,
      })
    : undefined;
  const virtualKeys = auth.virtualKeys
    ? new VirtualKeyCheck({
        gatewayBaseUrl: config.gateway.baseUrl,
        cacheSeconds: config.gateway.keyCacheSeconds,
        fetch: fetchImpl,
      })
    : undefined;

  return async (request) => {
    const token = bearerToken(request.headers.authorization);
    if (!token)
      throw unauthorized("No credentials: send 'Authorization: Bearer <virtual key or access token>'.");
    if (jwt && keys && looksLikeJwt(token)) {
      try {
        const { payload } = await jwtVerify(token, keys, {
          issuer: jwt.issuer,
          audience: jwt.audience,
          requiredClaims: ["sub", "exp"],
        });
        const subject = payload.sub as string;
        return {
          kind: "jwt",
          user: `user:${subject}`,
          gatewayKey: serviceKey(secrets),
          endUser: subject,
          subjectToken: token,
        };
      } catch (error) {
        throw unauthorized(`Invalid access token: ${describeJoseError(error)}.`);
      }
    }
    if (!virtualKeys)
      throw unauthorized("Invalid access token: this service accepts only Keycloak access tokens.");
    await virtualKeys.check(token);
    return { kind: "virtual-key", user: `key:${keyHash(token).slice(0, 24)}`, gatewayKey: token };
  };
}

function describeJoseError(error: unknown): string {
  if (error instanceof errors.JWTExpired) return "it has expired";
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === "aud") return "it was not issued for this service (audience)";
    if (error.claim === "iss") return "it was issued by an untrusted issuer";
    return `its ${error.claim} claim is invalid`;
  }
  if (error instanceof errors.JWKSNoMatchingKey) return "it is signed by an unknown key";
  if (error instanceof errors.JOSEError) return "its signature or format is invalid";
  return "it could not be verified";
}
