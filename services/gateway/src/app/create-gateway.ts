/**
 * Builds the gateway from a parsed config: stores (Redis/PostgreSQL when configured, memory
 * otherwise), router, routes. Tests call it without opening a port; `server.ts` only listens.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { Pool } from "pg";
import type { KeyStore } from "../auth/key-store";
import { MemoryKeyStore } from "../auth/key-store";
import { PostgresKeyStore } from "../auth/postgres-key-store";
import type { GatewayConfig } from "../config/gateway-config";
import { migrate } from "../db/migrations";
import { jsonLogger, type Logger } from "../observability/log";
import { GatewayMetrics } from "../observability/metrics";
import { createTracing } from "../observability/tracing";
import { ADMIN_ROUTES } from "../routes/admin";
import { AUDIO_ROUTES } from "../routes/audio";
import { HEALTH_ROUTES } from "../routes/health";
import { MODEL_ROUTES } from "../routes/model-routes";
import { MODELS_ROUTE } from "../routes/models";
import { Router } from "../routing/router";
import { PostgresSpendLog } from "../spend/postgres-spend-log";
import { MemorySpendLog, type SpendLog } from "../spend/spend-log";
import { MemoryState } from "../state/memory-state";
import { RedisState } from "../state/redis-state";
import type { SharedState } from "../state/shared-state";
import { UpstreamPools } from "../upstream/pools";
import { buildDispatcher } from "./dispatch";
import { GatewayContext, type Health } from "./gateway-context";

export interface GatewayOptions {
  readonly config: GatewayConfig;
  readonly logger?: Logger;
  /** Redis key namespace; tests give each gateway group its own. */
  readonly redisKeyPrefix?: string;
}

export interface Gateway {
  readonly context: GatewayContext;
  readonly handle: (request: IncomingMessage, response: ServerResponse) => void;
  /** Swaps in a new config; requests in flight finish on the old one. */
  reload(config: GatewayConfig): void;
  /** Requests being handled now. */
  inFlight(): number;
  /** Stops background work and closes stores (after the server stopped accepting). */
  close(): Promise<void>;
}

const dispatch = buildDispatcher([
  ...MODEL_ROUTES,
  MODELS_ROUTE,
  ...AUDIO_ROUTES,
  ...HEALTH_ROUTES,
  ...ADMIN_ROUTES,
]);

export async function createGateway(options: GatewayOptions): Promise<Gateway> {
  const { config } = options;
  const logger = options.logger ?? jsonLogger();
  const metrics = new GatewayMetrics();
  const prefix = options.redisKeyPrefix ?? "gw:";

  const state: SharedState = config.redisUrl
    ? await RedisState.connect({ url: config.redisUrl, keyPrefix: prefix })
    : new MemoryState();
  const pool = config.databaseUrl ? new Pool({ connectionString: config.databaseUrl, max: 10 }) : undefined;
  pool?.on("error", (error) => logger.log("warn", "postgres_error", { error: error.message }));
  if (pool) await migrate(pool);
  const keys: KeyStore = pool
    ? await PostgresKeyStore.open(pool, state instanceof RedisState ? state.client() : undefined, prefix)
    : new MemoryKeyStore();
  const spend: SpendLog = pool ? new PostgresSpendLog(pool, logger) : new MemorySpendLog();
  const health: Health = {
    redis: state instanceof RedisState ? () => state.ping() : undefined,
    postgres: pool ? async () => (await pool.query("SELECT 1")).rowCount === 1 : undefined,
  };

  const router = (next: GatewayConfig) => new Router(next.deployments, next.router, state, metrics);
  const context = new GatewayContext(
    { config, router: router(config) },
    state,
    keys,
    spend,
    metrics,
    logger,
    new UpstreamPools(),
    health,
    // Traces go where the first config says; changing the exporter takes a restart.
    createTracing(config.tracing),
  );
  logger.log("info", "gateway_started", {
    models: context.runtime.router.groupNames().length,
    state: state.kind,
    database: pool ? "postgres" : "memory",
    auth: config.masterKey ? "keys" : "open",
    tracing: config.tracing ? "otlp" : "off",
  });

  let active = 0;
  return {
    context,
    handle(request, response) {
      active++;
      response.once("close", () => active--);
      void dispatch(context, request, response);
    },
    reload(next) {
      context.runtime = { config: next, router: router(next) };
      logger.log("info", "config_reloaded", { models: context.runtime.router.groupNames().length });
    },
    inFlight: () => active,
    async close() {
      await context.drainBackground();
      await spend.close();
      await context.tracing.shutdown();
      await keys.close();
      await context.pools.close();
      await state.close();
      await pool?.end();
    },
  };
}
