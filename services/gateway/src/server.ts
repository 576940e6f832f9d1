/**
 * Starts the gateway: `node dist/server.js --config config.yaml [--port 4000] [--host 0.0.0.0]`.
 * SIGHUP or a change to the config file reloads it; SIGTERM drains in-flight requests, then exits.
 */
import { watch } from "node:fs";
import { createServer } from "node:http";
import { parseArgs } from "node:util";
import { createGateway } from "./app/create-gateway";
import { GatewayConfigError, loadGatewayConfig } from "./config/load-config";
import { jsonLogger } from "./observability/log";

const logger = jsonLogger(
  (process.env.LOG_LEVEL as "debug" | "info" | "warn" | "error" | undefined) ?? "info",
);

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      config: { type: "string", default: process.env.GATEWAY_CONFIG ?? "config.yaml" },
      port: { type: "string", default: process.env.PORT ?? "4000" },
      host: { type: "string", default: process.env.HOST ?? "0.0.0.0" },
    },
  });
  const configPath = values.config as string;
  const gateway = await createGateway({ config: await loadGatewayConfig(configPath), logger });
  const server = createServer({ keepAliveTimeout: 65_000, requestTimeout: 0 }, gateway.handle);
  server.listen(Number(values.port), values.host, () =>
    logger.log("info", "listening", { host: values.host, port: Number(values.port) }),
  );

  let reloading: NodeJS.Timeout | undefined;
  const reload = () => {
    clearTimeout(reloading);
    // Editors write files in several steps; wait for the last one.
    reloading = setTimeout(async () => {
      try {
        gateway.reload(await loadGatewayConfig(configPath));
      } catch (error) {
        logger.log("error", "config_reload_rejected", {
          problems: error instanceof GatewayConfigError ? error.problems : [(error as Error).message],
        });
      }
    }, 200);
  };
  process.on("SIGHUP", reload);
  watch(configPath, reload).on("error", () => {});

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    const deadline = Date.now() + gateway.context.runtime.config.gracefulShutdownMs;
    logger.log("info", "shutting_down", { signal, inFlight: gateway.inFlight() });
    server.close();
    server.closeIdleConnections();
    while (gateway.inFlight() > 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 100));
    server.closeAllConnections();
    await gateway.close();
    logger.log("info", "stopped", { abandoned: gateway.inFlight() });
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

main().catch((error) => {
  if (error instanceof GatewayConfigError) process.stderr.write(`${error.message}\n`);
  else logger.log("error", "startup_failed", { error: (error as Error).message });
  process.exit(1);
});
