import type { IncomingMessage, ServerResponse } from "node:http";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import type { AuditSink } from "./audit";
import { type Authenticate, bearerChallenge } from "./auth/bearer-auth";
import { type Caller, hasScopes } from "./auth/caller";
import { protectedResourceMetadata, resourceMetadataUrl } from "./auth/resource-metadata";
import { HttpError, sendHttpError, sendJson } from "./http/http-error";
import { checkOriginAndHost, type OriginPolicy } from "./http/origin-guard";
import type { RateLimiter } from "./http/rate-limit";
import { readJsonBody } from "./http/read-body";
import { buildServer } from "./mcp/build-server";
import type { McpCatalog } from "./mcp/catalog";
import { observeToolCalls, record, toolCallsIn } from "./mcp/tool-call-observer";
import type { Metrics } from "./metrics";

export interface AppOptions {
  /** The URL of `/mcp` as clients reach it: the OAuth resource identifier. */
  readonly publicUrl: string;
  /** Issuer named in the protected-resource metadata; none in development mode. */
  readonly issuer?: string;
  readonly origins: OriginPolicy;
  readonly responseMode: "sse" | "json";
  readonly maxBodyBytes: number;
  readonly authenticate: Authenticate;
  readonly rateLimiter: RateLimiter;
  readonly audit: AuditSink;
  readonly metrics: Metrics;
  readonly catalog: McpCatalog;
  /** Extra routes (the federation admin API), tried before 404. */
  readonly routes?: readonly Route[];
  /** Scopes published in the resource metadata. */
  readonly scopes: readonly string[];
}

/** A route outside `/mcp`; returns false when the path is not its own. */
export type Route = (
  request: IncomingMessage,
  response: ServerResponse,
  caller: () => Promise<Caller>,
) => Promise<boolean>;

export type RequestHandler = (request: IncomingMessage, response: ServerResponse) => Promise<void>;

/** The whole HTTP app as a Node request handler; `server.ts` only listens with it. */
export function createApp(options: AppOptions): RequestHandler {
  const metadataUrl = resourceMetadataUrl(options.publicUrl);
  const mcpPath = new URL(options.publicUrl).pathname;
  const metadata = options.issuer
    ? protectedResourceMetadata(options.publicUrl, options.issuer, options.scopes)
    : undefined;

  return async (request, response) => {
    const path = new URL(request.url ?? "/", "http://localhost").pathname;
    response.once("finish", () =>
      options.metrics.httpRequests.inc({
        route: routeLabel(path, mcpPath),
        status: String(response.statusCode),
      }),
    );
    try {
      if (path === "/healthz") return sendJson(response, 200, { status: "ok" });
      if (path === "/metrics") {
        response.writeHead(200, { "content-type": options.metrics.registry.contentType });
        return void response.end(await options.metrics.registry.metrics());
      }
      if (path === new URL(metadataUrl).pathname || path === "/.well-known/oauth-protected-resource") {
        if (!metadata) throw new HttpError(404, "not_found", "authentication is off; no resource metadata");
        return sendJson(response, 200, metadata, { "cache-control": "max-age=300" });
      }
      if (path === mcpPath) return await handleMcp(request, response);
      const authenticated = async () => {
        checkOriginAndHost(request, options.origins);
        return options.authenticate(request);
      };
      for (const route of options.routes ?? []) if (await route(request, response, authenticated)) return;
      throw new HttpError(404, "not_found", `no route for ${path}`);
    } catch (error) {
      if (error instanceof HttpError) return sendHttpError(response, error);
      console.error(
        JSON.stringify({ type: "error", message: error instanceof Error ? error.message : String(error) }),
      );
      return sendHttpError(response, new HttpError(500, "internal_error", "internal error"));
    }
  };

  async function handleMcp(request: IncomingMessage, response: ServerResponse): Promise<void> {
    checkOriginAndHost(request, options.origins);
    if (request.method !== "POST") {
      // Stateless: no standalone SSE stream and no session to delete.
      throw new HttpError(
        405,
        "method_not_allowed",
        `${request.method} is not supported; POST JSON-RPC to this URL`,
        {
          allow: "POST",
        },
      );
    }
    const caller = await options.authenticate(request);
    const decision = await options.rateLimiter.take(caller.id);
    const body = await readJsonBody(request, options.maxBodyBytes);
    const calls = toolCallsIn(body);
    if (!decision.allowed) {
      const unavailable = decision.reason === "store_unavailable";
      const detail = unavailable ? "rate limit store unavailable" : undefined;
      for (const call of calls)
        record(options.audit, options.metrics, caller, call, "rate_limited", 0, detail);
      const headers = { "retry-after": String(decision.retryAfterSeconds) };
      throw unavailable
        ? new HttpError(
            503,
            "rate_limit_unavailable",
            "the rate limit store is unavailable; retry shortly",
            headers,
          )
        : new HttpError(429, "rate_limited", `rate limit reached for ${caller.id}`, headers);
    }
    for (const call of calls) {
      const required = options.catalog.scopesFor(call.tool);
      if (!hasScopes(caller, required)) {
        record(options.audit, options.metrics, caller, call, "denied", 0, `needs ${required.join(" ")}`);
        throw new HttpError(
          403,
          "insufficient_scope",
          `tool ${call.tool} needs scope ${required.join(" ")}`,
          {
            "www-authenticate": bearerChallenge(metadataUrl, "insufficient_scope", {
              scope: required.join(" "),
            }),
          },
        );
      }
    }
    const server = buildServer(options.catalog, caller);
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: options.responseMode === "json",
    });
    response.once("close", () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    observeToolCalls(transport, calls, caller, options.audit, options.metrics);
    await transport.handleRequest(request, response, body);
  }
}

function routeLabel(path: string, mcpPath: string): string {
  if (path === mcpPath) return "mcp";
  if (["/healthz", "/metrics"].includes(path)) return path.slice(1);
  if (path.startsWith("/.well-known/")) return "well-known";
  if (path.startsWith("/admin/")) return "admin";
  return "other";
}
