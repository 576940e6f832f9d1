import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from "jose";
import { json, type Loopback, serveOnLoopback } from "./loopback";

/** A Keycloak stand-in: a realm issuer URL and its JWKS on loopback, with keys generated here. */
export interface FakeKeycloak extends Loopback {
  readonly issuer: string;
  readonly jwksUrl: string;
  /** A signed RS256 access token; `expiresIn` in seconds (negative = already expired). */
  token(
    claims: JWTPayload & { scope?: string },
    options?: { expiresIn?: number; foreignKey?: boolean },
  ): Promise<string>;
}

export async function startFakeKeycloak(): Promise<FakeKeycloak> {
  const realmKey = await generateKeyPair("RS256");
  const strangerKey = await generateKeyPair("RS256");
  const publicJwk = { ...(await exportJWK(realmKey.publicKey)), kid: "realm-key", alg: "RS256", use: "sig" };
  const server = await serveOnLoopback((request, response) => {
    if (request.url === "/realms/ai-platform/protocol/openid-connect/certs")
      return json(response, 200, { keys: [publicJwk] });
    json(response, 404, { error: "not found" });
  });
  const issuer = `${server.url}/realms/ai-platform`;
  return {
    ...server,
    issuer,
    jwksUrl: `${issuer}/protocol/openid-connect/certs`,
    async token(claims, options = {}) {
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({ iss: issuer, sub: "user-1", ...claims })
        .setProtectedHeader({ alg: "RS256", kid: "realm-key" })
        .setIssuedAt(now - 60)
        .setExpirationTime(now + (options.expiresIn ?? 300))
        .sign(options.foreignKey ? strangerKey.privateKey : realmKey.privateKey);
    },
  };
}
