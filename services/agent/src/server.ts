/**
 * Entry point: reads the config once (`AGENT_CONFIG_FILE`), builds the app and only listens.
 * SIGTERM stops accepting, lets runs in flight finish (up to the run-time limit), then exits.
 */
import { createServer } from "node:http";
import { createAgentApp } from "./app/create-agent-app";
import { ConfigError, loadConfig } from "./config/load-config";
import { jsonLogger } from "./observability/log";

async function main(): Promise<void> {
  const { config, secrets } = loadConfig();
  const logger = jsonLogger(config.telemetry.logLevel);
  const app = await createAgentApp(config, { secrets, logger });
  // Runs stream for minutes: no request timeout; keep-alive above common proxy idle timeouts.
  const server = createServer({ keepAliveTimeout: 65_000, requestTimeout: 0 }, app.handle);
  server.listen(config.server.port, config.server.host, () =>
    logger.log("info", "listening", { host: config.server.host, port: config.server.port }),
  );
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.log("info", "shutting_down", { signal, inFlight: app.inFlight() });
    server.close();
    server.closeIdleConnections();
    const deadline = Date.now() + config.limits.maxRunSeconds * 1000;
    while (app.inFlight() > 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 100));
    server.closeAllConnections();
    await app.close();
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

main().catch((error: Error) => {
  process.stderr.write(
    `${error instanceof ConfigError ? error.message : `startup failed: ${error.message}`}\n`,
  );
  process.exit(1);
});
