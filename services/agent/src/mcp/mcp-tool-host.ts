/**
 * Tools from MCP servers over Streamable HTTP with the SDK's `Client`. One client per server and
 * identity (a JWT user, or the service itself for virtual-key callers), so each carries its own
 * token; the token is fetched per HTTP request from McpTokens (cached there), never the caller's
 * own. Tool lists are reused for the server's `toolsCacheSeconds`; idle clients are closed.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { Caller } from "../auth/caller";
import type { McpTokens } from "../auth/mcp-tokens";
import type { Logger } from "../observability/log";
import { type AgentTool, agentToolFrom } from "./agent-tool";
import type { ToolHost, ToolListing, ToolOutput } from "./tool-host";
import { toolResultText } from "./tool-result-text";

export interface McpServerSettings {
  readonly name: string;
  readonly url: string;
  readonly audience?: string;
  readonly toolsCacheSeconds: number;
}

interface Connection {
  caller: Caller;
  client?: Promise<Client>;
  tools?: { readonly list: AgentTool[]; readonly expiresAtMs: number };
  lastUsedMs: number;
}

const IDLE_MS = 5 * 60_000;

export class McpToolHost implements ToolHost {
  private readonly connections = new Map<string, Connection>();
  private readonly servers: ReadonlyMap<string, McpServerSettings>;
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    servers: readonly McpServerSettings[],
    private readonly tokens: McpTokens,
    private readonly logger: Logger,
    private readonly callTimeoutMs: number,
  ) {
    this.servers = new Map(servers.map((server) => [server.name, server]));
    this.sweeper = setInterval(() => this.closeIdle(), 60_000);
    this.sweeper.unref();
  }

  async listTools(caller: Caller, servers: readonly string[]): Promise<ToolListing> {
    const listings = await Promise.all(
      servers.map(async (name) => {
        try {
          return { tools: await this.toolsOf(name, caller) };
        } catch (error) {
          const reason = (error as Error).message;
          this.logger.log("warn", "mcp_tools_unavailable", { server: name, reason });
          return { unavailable: { server: name, reason } };
        }
      }),
    );
    return {
      tools: listings.flatMap((listing) => listing.tools ?? []),
      unavailable: listings.flatMap((listing) => (listing.unavailable ? [listing.unavailable] : [])),
    };
  }

  async callTool(
    caller: Caller,
    tool: AgentTool,
    args: Record<string, unknown>,
    signal: AbortSignal,
  ): Promise<ToolOutput> {
    const client = await this.clientFor(tool.server, caller);
    const result = await client.callTool({ name: tool.tool, arguments: args }, undefined, {
      signal,
      timeout: this.callTimeoutMs,
    });
    // Servers on the 2024-10-07 protocol answer `toolResult` instead of content.
    const shaped = "toolResult" in result ? { structuredContent: result.toolResult } : result;
    return { text: toolResultText(shaped), isError: result.isError === true };
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    const all = [...this.connections.values()];
    this.connections.clear();
    await Promise.all(all.map((connection) => closeClient(connection)));
  }

  private async toolsOf(serverName: string, caller: Caller): Promise<AgentTool[]> {
    const connection = this.connection(serverName, caller);
    if (connection.tools && connection.tools.expiresAtMs > Date.now()) return connection.tools.list;
    const client = await this.clientFor(serverName, caller);
    const list: AgentTool[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.listTools(cursor ? { cursor } : undefined, { timeout: 10_000 });
      for (const tool of page.tools) list.push(agentToolFrom(serverName, tool));
      cursor = page.nextCursor;
    } while (cursor);
    const settings = this.servers.get(serverName) as McpServerSettings;
    connection.tools = { list, expiresAtMs: Date.now() + settings.toolsCacheSeconds * 1000 };
    return list;
  }

  private connection(serverName: string, caller: Caller): Connection {
    const identity = caller.kind === "jwt" ? caller.user : "service";
    const key = `${serverName}|${identity}`;
    let connection = this.connections.get(key);
    if (!connection) {
      connection = { caller, lastUsedMs: Date.now() };
      this.connections.set(key, connection);
    }
    // The newest token of this identity is the one to exchange.
    connection.caller = caller;
    connection.lastUsedMs = Date.now();
    return connection;
  }

  private clientFor(serverName: string, caller: Caller): Promise<Client> {
    const settings = this.servers.get(serverName);
    if (!settings) return Promise.reject(new Error(`no MCP server named ${serverName}`));
    const connection = this.connection(serverName, caller);
    if (!connection.client) {
      const authorizedFetch = async (url: string | URL, init?: RequestInit) => {
        const token = await this.tokens.tokenFor(connection.caller, settings.audience);
        const headers = new Headers(init?.headers);
        if (token) headers.set("authorization", `Bearer ${token}`);
        return fetch(url, { ...init, headers });
      };
      const client = new Client({ name: "agent-service", version: "0.1.0" });
      const transport = new StreamableHTTPClientTransport(new URL(settings.url), { fetch: authorizedFetch });
      connection.client = client.connect(transport, { timeout: 10_000 }).then(
        () => client,
        (error: Error) => {
          // Forget the failed client so the next call tries again.
          connection.client = undefined;
          throw error;
        },
      );
    }
    return connection.client;
  }

  private closeIdle(): void {
    const now = Date.now();
    for (const [key, connection] of this.connections) {
      if (now - connection.lastUsedMs < IDLE_MS) continue;
      this.connections.delete(key);
      void closeClient(connection);
    }
  }
}

async function closeClient(connection: Connection): Promise<void> {
  const client = await connection.client?.catch(() => undefined);
  await client?.close().catch(() => {});
}
