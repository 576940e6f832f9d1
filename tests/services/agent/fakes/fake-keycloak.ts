/**
 * A Keycloak realm on loopback with keys generated here: its JWKS, and a token endpoint that does
 * what Keycloak 26's standard token exchange and client-credentials grants do — authenticates the
 * client with HTTP Basic, checks the subject token's signature, issuer and audience (it must name
 * the exchanging client), and issues a token for the requested audience with the subject's `sub`.
 */
import { exportJWK, generateKeyPair, type JWTPayload, jwtVerify, SignJWT } from "jose";
import { json, type Loopback, readBody, serveOnLoopback } from "../../mcp/support/loopback";

export interface TokenRequest {
  readonly grantType: string;
  readonly audience?: string;
  readonly subject?: string;
  readonly clientId?: string;
}

export interface FakeKeycloak extends Loopback {
  readonly issuer: string;
  readonly jwksUrl: string;
  readonly tokenUrl: string;
  readonly tokenRequests: TokenRequest[];
  /** A user's access token, signed by the realm (or by a stranger's key). */
  token(
    claims: JWTPayload & { scope?: string },
    options?: { expiresIn?: number; foreignKey?: boolean },
  ): Promise<string>;
}

const TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";

export async function startFakeKeycloak(client: {
  id: string;
  secret: string;
  scope: string;
}): Promise<FakeKeycloak> {
  const realmKey = await generateKeyPair("RS256");
  const strangerKey = await generateKeyPair("RS256");
  const publicJwk = { ...(await exportJWK(realmKey.publicKey)), kid: "realm-key", alg: "RS256", use: "sig" };
  const tokenRequests: TokenRequest[] = [];
  let issuer = "";

  const sign = (claims: JWTPayload, expiresIn: number, key = realmKey.privateKey) => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ iss: issuer, ...claims })
      .setProtectedHeader({ alg: "RS256", kid: "realm-key" })
      .setIssuedAt(now - 5)
      .setExpirationTime(now + expiresIn)
      .sign(key);
  };

  const server = await serveOnLoopback(async (request, response) => {
    const path = new URL(request.url ?? "/", "http://keycloak").pathname;
    if (path.endsWith("/protocol/openid-connect/certs")) return json(response, 200, { keys: [publicJwk] });
    if (!path.endsWith("/protocol/openid-connect/token")) return json(response, 404, { error: "not_found" });
    const form = new URLSearchParams(await readBody(request));
    const [id, secret] = Buffer.from((request.headers.authorization ?? "").replace(/^Basic /, ""), "base64")
      .toString("utf8")
      .split(":")
      .map(decodeURIComponent);
    const grantType = form.get("grant_type") ?? "";
    const audience = form.get("audience") ?? undefined;
    if (id !== client.id || secret !== client.secret) {
      tokenRequests.push({ grantType, audience, clientId: id });
      return json(response, 401, {
        error: "invalid_client",
        error_description: "Invalid client credentials",
      });
    }
    if (grantType === "client_credentials") {
      tokenRequests.push({ grantType, audience, clientId: id });
      const token = await sign(
        { sub: `service-account-${id}`, aud: audience, azp: id, scope: client.scope },
        300,
      );
      return json(response, 200, { access_token: token, token_type: "Bearer", expires_in: 300 });
    }
    if (grantType !== TOKEN_EXCHANGE) return json(response, 400, { error: "unsupported_grant_type" });
    try {
      const { payload } = await jwtVerify(form.get("subject_token") ?? "", realmKey.publicKey, {
        issuer,
        audience: id,
      });
      tokenRequests.push({ grantType, audience, subject: payload.sub, clientId: id });
      const token = await sign({ sub: payload.sub, aud: audience, azp: id, scope: client.scope }, 120);
      return json(response, 200, {
        access_token: token,
        issued_token_type: "urn:ietf:params:oauth:token-type:access_token",
        token_type: "Bearer",
        expires_in: 120,
      });
    } catch (error) {
      tokenRequests.push({ grantType, audience, clientId: id });
      return json(response, 400, {
        error: "invalid_request",
        error_description: `subject token: ${(error as Error).message}`,
      });
    }
  });
  issuer = `${server.url}/realms/platform`;
  return {
    ...server,
    issuer,
    jwksUrl: `${issuer}/protocol/openid-connect/certs`,
    tokenUrl: `${issuer}/protocol/openid-connect/token`,
    tokenRequests,
    token: (claims, options = {}) =>
      sign(
        { sub: "user-1", ...claims },
        options.expiresIn ?? 300,
        options.foreignKey ? strangerKey.privateKey : undefined,
      ),
  };
}
