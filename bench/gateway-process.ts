/**
 * Bench child: this gateway from a config file, as `services/gateway/src/server.ts` runs it (same
 * server options), but on 127.0.0.1 and a free port that it reports to the parent.
 * Usage: gateway-process.ts --config <file> (env: REDIS_URL, GATEWAY_MASTER_KEY as the server reads them).
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { parseArgs } from "node:util";
import { createGateway } from "../services/gateway/src/app/create-gateway";
import { loadGatewayConfig } from "../services/gateway/src/config/load-config";
import { jsonLogger } from "../services/gateway/src/observability/log";
import { answerHeapRequests, reportReady } from "./child-ready";

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { config: { type: "string" } } });
  if (!values.config) throw new Error("--config <file> is required");
  // Warnings and errors only, to stderr: the parent shows them if the gateway fails to start.
  const logger = jsonLogger("warn", (line) => process.stderr.write(line));
  const gateway = await createGateway({ config: await loadGatewayConfig(values.config), logger });
  const server = createServer({ keepAliveTimeout: 65_000, requestTimeout: 0 }, gateway.handle);
  answerHeapRequests();
  server.listen(0, "127.0.0.1", () => {
    reportReady(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  });
  process.once("SIGTERM", () => {
    server.closeAllConnections();
    server.close(() => void gateway.close().finally(() => process.exit(0)));
  });
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
});
