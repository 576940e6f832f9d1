/** Who is calling, as the rest of the service needs it. */
export interface Caller {
  readonly kind: "virtual-key" | "jwt" | "anonymous";
  /** Stable id sessions are keyed by: `user:<sub>` or `key:<hash of the key>`. */
  readonly user: string;
  /** Key of the model calls through the gateway: the caller's own virtual key, or the service's. */
  readonly gatewayKey: string;
  /** OpenAI `user` on model calls (the JWT subject), so the gateway's spend names the person. */
  readonly endUser?: string;
  /** The caller's access token; only ever the subject of a token exchange, never forwarded. */
  readonly subjectToken?: string;
}

/** The bearer token of `Authorization`, if any. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  return match?.[1];
}

/** A compact JWS (three base64url parts, a JSON header naming `alg`), as opposed to an opaque key. */
export function looksLikeJwt(token: string): boolean {
  const parts = token.split(".");
  if (parts.length !== 3 || parts.some((part) => !/^[A-Za-z0-9_-]+$/.test(part))) return false;
  try {
    const header = JSON.parse(Buffer.from(parts[0] as string, "base64url").toString("utf8"));
    return typeof header === "object" && header !== null && typeof header.alg === "string";
  } catch {
    return false;
  }
}
