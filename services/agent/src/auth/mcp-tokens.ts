/**
 * Tokens the service presents to MCP servers, one per audience. A JWT caller's identity travels by
 * RFC 8693 token exchange (Keycloak 26 standard token exchange: the caller's token is the subject,
 * the MCP server's audience is requested, the service authenticates as its client). Callers with a
 * virtual key have no token to exchange: the service's own client-credentials token is used. The
 * caller's token is never sent to an MCP server. Tokens are reused until shortly before they expire.
 */
import { createHash } from "node:crypto";
import type { Caller } from "./caller";

export interface OAuthClient {
  readonly tokenUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
}

const TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
const ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";
/** A token this close to expiry is not handed out any more. */
const EXPIRY_MARGIN_MS = 30_000;
const MAX_CACHED = 10_000;

export class TokenError extends Error {
  override name = "TokenError";
}

interface CachedToken {
  readonly token: string;
  readonly expiresAtMs: number;
}

export class McpTokens {
  private readonly cache = new Map<string, CachedToken>();
  private readonly pending = new Map<string, Promise<CachedToken>>();

  constructor(
    private readonly client: OAuthClient | undefined,
    private readonly fetchImpl: typeof fetch = fetch,
    private readonly now: () => number = Date.now,
  ) {}

  /** The bearer token for `audience` on behalf of `caller`; undefined without an OAuth client (development). */
  async tokenFor(caller: Caller, audience: string | undefined): Promise<string | undefined> {
    if (!this.client || !audience) return undefined;
    const exchange = caller.kind === "jwt" && caller.subjectToken !== undefined;
    const subject = exchange
      ? createHash("sha256")
          .update(caller.subjectToken as string)
          .digest("hex")
      : "service";
    const key = `${subject}|${audience}`;
    const cached = this.cache.get(key);
    if (cached && cached.expiresAtMs - EXPIRY_MARGIN_MS > this.now()) return cached.token;
    let request = this.pending.get(key);
    if (!request) {
      const form: Record<string, string> = exchange
        ? {
            grant_type: TOKEN_EXCHANGE,
            subject_token: caller.subjectToken as string,
            subject_token_type: ACCESS_TOKEN_TYPE,
            requested_token_type: ACCESS_TOKEN_TYPE,
            audience,
          }
        : { grant_type: "client_credentials", audience };
      request = this.request(this.client, form).finally(() => this.pending.delete(key));
      this.pending.set(key, request);
    }
    const fresh = await request;
    if (this.cache.size >= MAX_CACHED) this.dropExpired();
    this.cache.set(key, fresh);
    return fresh.token;
  }

  private async request(client: OAuthClient, form: Record<string, string>): Promise<CachedToken> {
    const basic = Buffer.from(
      `${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret)}`,
    ).toString("base64");
    let response: Response;
    try {
      response = await this.fetchImpl(client.tokenUrl, {
        method: "POST",
        headers: { authorization: `Basic ${basic}`, "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams(form).toString(),
        signal: AbortSignal.timeout(10_000),
      });
    } catch (error) {
      throw new TokenError(`token endpoint unreachable: ${(error as Error).message}`);
    }
    const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    if (response.status !== 200 || typeof body.access_token !== "string") {
      // Only the OAuth error code and description: never a token.
      const reason = [body.error, body.error_description]
        .filter((part) => typeof part === "string")
        .join(": ");
      throw new TokenError(`token endpoint answered ${response.status}${reason ? ` (${reason})` : ""}`);
    }
    const expiresIn = typeof body.expires_in === "number" ? body.expires_in : 60;
    return { token: body.access_token, expiresAtMs: this.now() + expiresIn * 1000 };
  }

  private dropExpired(): void {
    const now = this.now();
    for (const [key, entry] of this.cache) if (entry.expiresAtMs <= now) this.cache.delete(key);
    if (this.cache.size >= MAX_CACHED) this.cache.clear();
  }
}
