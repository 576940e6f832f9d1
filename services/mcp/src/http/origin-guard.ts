import type { IncomingMessage } from "node:http";
import { HttpError } from "./http-error";

export interface OriginPolicy {
  /** Browser origins allowed, exactly as sent (`https://app.example.com`). */
  readonly allowedOrigins: readonly string[];
  /** Host header values allowed (`mcp.example.com`, `127.0.0.1:8080`). */
  readonly allowedHosts: readonly string[];
}

/**
 * DNS-rebinding defence the MCP spec asks for: a foreign `Origin` gets 403, and so does a Host header
 * that is not this server's. Requests without `Origin` come from non-browser clients and pass.
 */
export function checkOriginAndHost(request: IncomingMessage, policy: OriginPolicy): void {
  const host = request.headers.host;
  if (!host || !policy.allowedHosts.includes(host.toLowerCase())) {
    throw new HttpError(403, "host_not_allowed", `Host ${host ?? "(none)"} is not served here`);
  }
  const origin = request.headers.origin;
  if (origin !== undefined && !policy.allowedOrigins.includes(origin)) {
    throw new HttpError(403, "origin_not_allowed", `Origin ${origin} is not allowed`);
  }
}

/** The Host values a public URL is reached by: with its port, and without when it is the scheme's default. */
export function hostsOf(publicUrl: string): string[] {
  const url = new URL(publicUrl);
  return [url.host.toLowerCase()];
}
