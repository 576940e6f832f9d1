/** The agent service as it runs in production (HTTP API, loop, sessions, metrics, JSON logs), with the in-process model and tool. */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type AgentApp, createAgentApp } from "../../services/agent/src/app/create-agent-app";
import { parseConfig } from "../../services/agent/src/config/load-config";
import { jsonLogger } from "../../services/agent/src/observability/log";
import type { FakeModel } from "./fake-model";
import type { FakeTools } from "./fake-tools";

export const BENCH_INSTRUCTIONS = "You look things up with the echo tool, then summarise.";

export interface AgentUnderTest {
  readonly url: string;
  readonly app: AgentApp;
  close(): Promise<void>;
}

export async function startAgentUnderTest(
  model: FakeModel,
  tools: FakeTools,
  streaming: boolean,
): Promise<AgentUnderTest> {
  const config = parseConfig({
    server: { host: "127.0.0.1" },
    auth: { mode: "none" },
    gateway: { baseUrl: "http://model.invalid/v1", streaming },
    defaultModel: "bench-model",
    // The tool host below stands in for this server.
    mcpServers: [{ name: "bench", url: "http://mcp.invalid/mcp" }],
    agents: {
      bench: {
        description: "Benchmark agent",
        instructions: BENCH_INSTRUCTIONS,
        tools: ["echo"],
        handoff: false,
        maxTurns: 20,
      },
    },
  });
  // Log lines are built and serialised as in production, then dropped instead of written to a terminal.
  const app = await createAgentApp(config, {
    toolHost: tools,
    modelFetch: model.fetch,
    logger: jsonLogger("info", () => {}),
  });
  const server: Server = createServer({ keepAliveTimeout: 65_000 }, app.handle);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    app,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await app.close();
    },
  };
}
