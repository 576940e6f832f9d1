import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult, Tool } from "@modelcontextprotocol/sdk/types.js";
import { fetch as undiciFetch } from "undici";
import type { SsrfGuard } from "../connectors/ssrf-guard";
import { SERVER_INFO } from "../mcp/build-server";

/** What the registry needs from a remote MCP server. */
export interface RemoteConnection {
  listTools(): Promise<Tool[]>;
  callTool(name: string, args: Record<string, unknown>): Promise<CallToolResult>;
  close(): Promise<void>;
}

/**
 * Connects with the SDK client over Streamable HTTP, through the SSRF guard's dispatcher, with this
 * server's own credential for the remote (never the caller's token).
 */
export async function connectRemote(
  url: string,
  guard: SsrfGuard,
  token?: string,
): Promise<RemoteConnection> {
  await guard.checkUrl(url);
  const client = new Client({ name: `${SERVER_INFO.name}-federation`, version: SERVER_INFO.version });
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    requestInit: { headers: token ? { authorization: `Bearer ${token}` } : {} },
    fetch: ((input: string | URL, init?: RequestInit) =>
      undiciFetch(input, { ...(init as object), dispatcher: guard.dispatcher })) as unknown as typeof fetch,
  });
  await client.connect(transport);
  return {
    async listTools() {
      const tools: Tool[] = [];
      let cursor: string | undefined;
      do {
        const page = await client.listTools(cursor ? { cursor } : {});
        tools.push(...page.tools);
        cursor = page.nextCursor;
      } while (cursor);
      return tools;
    },
    async callTool(name, args) {
      return (await client.callTool({ name, arguments: args })) as CallToolResult;
    },
    close: () => client.close(),
  };
}
