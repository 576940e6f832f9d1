import { type AppOptions, createApp, type RequestHandler } from "../../../../services/mcp/src/app";
import type { AuditRecord } from "../../../../services/mcp/src/audit";
import { loopbackOnlyAuthenticator, oauthAuthenticator } from "../../../../services/mcp/src/auth/bearer-auth";
import { resourceMetadataUrl } from "../../../../services/mcp/src/auth/resource-metadata";
import { MemoryRateLimiter } from "../../../../services/mcp/src/http/rate-limit";
import type { McpCatalog } from "../../../../services/mcp/src/mcp/catalog";
import { createMetrics } from "../../../../services/mcp/src/metrics";
import type { FakeKeycloak } from "./fake-keycloak";
import { type Loopback, serveOnLoopback } from "./loopback";

export interface RunningApp extends Loopback {
  /** `<url>/mcp`, the resource identifier tokens must carry as audience. */
  readonly mcpUrl: string;
  readonly audit: AuditRecord[];
}

export interface StartOptions extends Partial<Omit<AppOptions, "catalog" | "authenticate">> {
  readonly catalog: McpCatalog;
  /** Tokens from this Keycloak; none = the loopback development mode. */
  readonly keycloak?: FakeKeycloak;
  readonly rateLimit?: { requestsPerMinute: number; burst: number };
  readonly allowedOrigins?: readonly string[];
}

/** The app as `server.ts` wires it, served on 127.0.0.1, its audit records collected. */
export async function startApp(options: StartOptions): Promise<RunningApp> {
  let handler: RequestHandler = async () => {};
  const server = await serveOnLoopback((request, response) => handler(request, response));
  const mcpUrl = `${server.url}/mcp`;
  const audit: AuditRecord[] = [];
  const rate = options.rateLimit ?? { requestsPerMinute: 6000, burst: 1000 };
  handler = createApp({
    publicUrl: mcpUrl,
    issuer: options.keycloak?.issuer,
    origins: {
      allowedOrigins: options.allowedOrigins ?? ["https://chat.example.com"],
      allowedHosts: [`127.0.0.1:${server.port}`],
    },
    responseMode: "sse",
    maxBodyBytes: 1_000_000,
    authenticate: options.keycloak
      ? oauthAuthenticator({
          issuer: options.keycloak.issuer,
          jwksUrl: options.keycloak.jwksUrl,
          audience: mcpUrl,
          resourceMetadataUrl: resourceMetadataUrl(mcpUrl),
          clientId: "mcp-server",
        })
      : loopbackOnlyAuthenticator(),
    rateLimiter: new MemoryRateLimiter(rate.requestsPerMinute, rate.burst),
    audit: (record) => audit.push(record),
    metrics: createMetrics(),
    scopes: ["mcp:knowledge.read"],
    ...options,
  });
  return { ...server, mcpUrl, audit };
}

/** A JSON-RPC POST to `/mcp` the way a client sends one, with optional extra headers. */
export function postRpc(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      ...headers,
    },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

export const INITIALIZE = {
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "raw", version: "1" } },
};

/** A response body as JSON, untyped (tests assert on its shape). */
export async function jsonOf(response: Response): Promise<any> {
  return response.json();
}
