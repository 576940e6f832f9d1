/**
 * Builds the service from a parsed config: authentication, model client, MCP tool host, router,
 * session store (Redis when its URL is set, memory otherwise), tracing and metrics, then the routes.
 * Tests call it without opening a port; `server.ts` only listens.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { IntentRouter } from "../agents/router";
import { type Authenticate, createAuthenticator } from "../auth/authenticate";
import { McpTokens } from "../auth/mcp-tokens";
import type { AgentConfig, Secrets } from "../config/load-config";
import { McpToolHost } from "../mcp/mcp-tool-host";
import type { ToolHost } from "../mcp/tool-host";
import { ModelClient } from "../model/model-client";
import { jsonLogger, type Logger } from "../observability/log";
import { AgentMetrics } from "../observability/metrics";
import { createTracing } from "../observability/tracing";
import { INFO_ROUTES } from "../routes/info-routes";
import type { AppContext } from "../routes/route";
import { RUN_ROUTES } from "../routes/run-routes";
import { RunService } from "../run/run-service";
import { MemorySessionStore } from "../sessions/memory-store";
import { RedisSessionStore } from "../sessions/redis-store";
import type { SessionStore } from "../sessions/session";
import { buildDispatcher } from "./dispatch";

export interface AgentAppDependencies {
  readonly secrets?: Secrets;
  readonly logger?: Logger;
  /** Replaces the MCP servers (the benchmark's in-process tool). */
  readonly toolHost?: ToolHost;
  /** Replaces the fetch of model calls (the benchmark's in-process model). */
  readonly modelFetch?: typeof fetch;
  /** Replaces the fetch of key checks and token requests. */
  readonly fetch?: typeof fetch;
}

export interface AgentApp {
  readonly handle: (request: IncomingMessage, response: ServerResponse) => void;
  readonly context: AppContext;
  /** Requests being handled now. */
  inFlight(): number;
  /** Closes stores, MCP clients and the trace exporter (after the server stopped accepting). */
  close(): Promise<void>;
}

const dispatch = buildDispatcher([...RUN_ROUTES, ...INFO_ROUTES]);

export async function createAgentApp(
  config: AgentConfig,
  deps: AgentAppDependencies = {},
): Promise<AgentApp> {
  const secrets = deps.secrets ?? {};
  const logger = deps.logger ?? jsonLogger(config.telemetry.logLevel);
  const metrics = new AgentMetrics();
  const tracing = createTracing(config.telemetry);
  const sessions: SessionStore = secrets.redisUrl
    ? await RedisSessionStore.connect(secrets.redisUrl, config.sessions.keyPrefix, config.sessions.ttlSeconds)
    : new MemorySessionStore(config.sessions.ttlSeconds);
  const client = config.auth.client;
  const tokens = new McpTokens(
    client && secrets.clientSecret
      ? { tokenUrl: client.tokenUrl, clientId: client.clientId, clientSecret: secrets.clientSecret }
      : undefined,
    deps.fetch,
  );
  const tools =
    deps.toolHost ?? new McpToolHost(config.mcpServers, tokens, logger, config.limits.toolTimeoutMs + 1_000);
  const model = new ModelClient({
    baseUrl: config.gateway.baseUrl,
    streaming: config.gateway.streaming,
    timeoutMs: config.gateway.timeoutMs,
    fetch: deps.modelFetch,
  });
  const router = new IntentRouter(
    config.profiles,
    { ...config.router, model: config.routerModel },
    model,
    logger,
  );
  const authenticate: Authenticate = createAuthenticator(config, secrets, deps.fetch);
  const runs = new RunService({
    profiles: config.profiles,
    model,
    tools,
    limits: config.limits,
    metrics,
    tracing,
    logger,
    sessions,
    router,
    logContent: config.telemetry.logContent,
  });
  const context: AppContext = { config, authenticate, runs, sessions, metrics, logger };
  logger.log("info", "agent_service_started", {
    agents: [...config.profiles.keys()],
    mcpServers: config.mcpServers.map((server) => server.name),
    sessions: sessions.kind,
    auth:
      config.auth.mode === "none"
        ? "none"
        : [config.auth.virtualKeys ? "virtual-keys" : "", config.auth.jwt ? "jwt" : ""].filter(Boolean),
    tracing: config.telemetry.otlpEndpoint ? "otlp" : "off",
  });

  let active = 0;
  return {
    context,
    handle(request, response) {
      active++;
      response.once("close", () => active--);
      void dispatch(context, request, response);
    },
    inFlight: () => active,
    async close() {
      await tools.close();
      await sessions.close();
      await tracing.shutdown();
    },
  };
}
