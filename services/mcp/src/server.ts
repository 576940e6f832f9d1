/** Entry point: reads the config once, builds the runtime and only listens. */
import { createServer } from "node:http";
import { loadConfig } from "./config";
import { createRuntime } from "./runtime";

async function main(): Promise<void> {
  const { config, secrets } = loadConfig();
  const runtime = await createRuntime(config, secrets);
  const server = createServer((request, response) => void runtime.handler(request, response));
  server.listen(config.server.port, config.server.host, () => {
    console.error(
      JSON.stringify({
        type: "started",
        host: config.server.host,
        port: config.server.port,
        tools: runtime.tools.length,
      }),
    );
  });
  const stop = () => {
    server.close(() => void runtime.close().finally(() => process.exit(0)));
    setTimeout(() => process.exit(0), 10_000).unref();
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
