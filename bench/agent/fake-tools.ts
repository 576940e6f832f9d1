/** A zero-latency tool host in the benchmark's process: one echo tool, answered from memory, timed. */
import { agentToolFrom } from "../../services/agent/src/mcp/agent-tool";
import type { ToolHost } from "../../services/agent/src/mcp/tool-host";

export interface FakeTools extends ToolHost {
  readonly stats: { calls: number; ms: number };
}

export function fakeTools(): FakeTools {
  const stats = { calls: 0, ms: 0 };
  const echo = agentToolFrom("bench", {
    name: "echo",
    description: "Echoes its text",
    inputSchema: {
      type: "object",
      properties: { text: { type: "string", minLength: 1 } },
      required: ["text"],
      additionalProperties: false,
    },
  });
  return {
    stats,
    listTools: async () => ({ tools: [echo], unavailable: [] }),
    async callTool(_caller, _tool, args) {
      const started = performance.now();
      const text = JSON.stringify({ echoed: args.text, ok: true });
      stats.calls++;
      stats.ms += performance.now() - started;
      return { text, isError: false };
    },
    close: async () => {},
  };
}
