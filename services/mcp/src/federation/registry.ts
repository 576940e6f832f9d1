import type { Tool } from "@modelcontextprotocol/sdk/types.js";
import { canonicalJson } from "../audit";
import type { FederatedTool } from "../mcp/catalog";
import { type FederationStore, MemoryFederationStore, type StoredServer } from "./federation-store";
import type { RemoteConnection } from "./remote-client";
import { definitionChanges, toolDefinitionHash, zodFromJsonSchema } from "./tool-pin";

export interface RemoteServerSpec {
  /** Namespace of its tools here: `name.tool`. */
  readonly name: string;
  readonly url: string;
  /** Only these remote tools are ever exposed. */
  readonly allowedTools: readonly string[];
  /** Name of this server's credential for the remote (`federation.credentials`). */
  readonly credential?: string;
}

export type ToolStatus = "approved" | "changed" | "missing";

interface RemoteServer {
  stored: StoredServer;
  connection?: RemoteConnection;
  healthy: boolean;
  lastError?: string;
  lastCheckedAt?: string;
  /** What the remote lists now, by tool name (allowed tools only). */
  current: Map<string, Tool>;
}

/** Opens a connection with the credential's secret (resolved by the caller, never an end user's token). */
export type Connect = (url: string, credential?: string) => Promise<RemoteConnection>;

/**
 * Remote MCP servers and their pinned tools. A tool's definition is hashed when the server is
 * registered (or re-approved); a later definition with another hash is hidden and refused until an
 * admin approves it (rug-pull defence). Unhealthy servers' tools are hidden. Registrations and
 * approvals go through a `FederationStore`, so with PostgreSQL every replica converges on them.
 */
export class FederationRegistry {
  private readonly servers = new Map<string, RemoteServer>();

  constructor(
    private readonly connect: Connect,
    private readonly store: FederationStore = new MemoryFederationStore(),
  ) {}

  /**
   * Connects, lists the allowed tools and pins their definitions as they are now. A server the store
   * already holds (registered by another replica, or in an earlier run) keeps its pins: adopted, not re-pinned.
   */
  async register(spec: RemoteServerSpec, options: { adoptExisting?: boolean } = {}): Promise<void> {
    const existing = (await this.store.load()).find((server) => server.name === spec.name);
    if (existing && !options.adoptExisting)
      throw new Error(`a remote server named ${spec.name} is already registered`);
    if (existing && sameSpec(existing, spec)) return this.adopt(existing);
    // The operator changed a configured server (URL, allowed tools, credential): pin it afresh.
    if (existing) await this.store.remove(spec.name);
    const connection = await this.connect(spec.url, spec.credential);
    const listed = await connection.listTools().catch(async (error: Error) => {
      await connection.close();
      throw new Error(`cannot list tools of ${spec.url}: ${error.message}`);
    });
    const allowed = listed.filter((tool) => spec.allowedTools.includes(tool.name));
    const stored: StoredServer = {
      ...spec,
      pinned: Object.fromEntries(
        allowed.map((tool) => [tool.name, { hash: toolDefinitionHash(tool), definition: tool }]),
      ),
    };
    if (!(await this.store.add(stored))) {
      await connection.close();
      throw new Error(`a remote server named ${spec.name} is already registered`);
    }
    this.servers.set(spec.name, {
      stored,
      connection,
      healthy: true,
      lastCheckedAt: new Date().toISOString(),
      current: new Map(allowed.map((tool) => [tool.name, tool])),
    });
  }

  async remove(name: string): Promise<boolean> {
    const removed = await this.store.remove(name);
    return (await this.forget(name)) || removed;
  }

  /** Takes in what other replicas registered, approved or removed, then re-lists every server's tools. */
  async checkHealth(): Promise<void> {
    await this.sync();
    await Promise.all([...this.servers.values()].map((server) => this.check(server)));
  }

  async checkServer(name: string): Promise<boolean> {
    await this.sync();
    const server = this.servers.get(name);
    if (!server) return false;
    await this.check(server);
    return true;
  }

  /** Pins the current definitions of a server's changed tools (after a human reviewed the changes). */
  async approve(name: string, toolNames?: readonly string[]): Promise<string[]> {
    const server = this.servers.get(name);
    if (!server) throw new Error(`no remote server named ${name}`);
    const pinned = { ...server.stored.pinned };
    const approved: string[] = [];
    for (const [toolName, tool] of server.current) {
      if (this.statusOf(server, toolName) !== "changed" || (toolNames && !toolNames.includes(toolName)))
        continue;
      pinned[toolName] = { hash: toolDefinitionHash(tool), definition: tool };
      approved.push(toolName);
    }
    await this.store.pin(name, pinned);
    server.stored = { ...server.stored, pinned };
    return approved;
  }

  list() {
    return [...this.servers.values()].map((server) => ({
      name: server.stored.name,
      url: server.stored.url,
      healthy: server.healthy,
      lastCheckedAt: server.lastCheckedAt,
      lastError: server.lastError,
      tools: Object.entries(server.stored.pinned).map(([name, pin]) => {
        const current = server.current.get(name);
        const status = this.statusOf(server, name);
        return {
          name: `${server.stored.name}.${name}`,
          status,
          pinnedHash: pin.hash,
          currentHash: current ? toolDefinitionHash(current) : undefined,
          description: (current ?? pin.definition).description,
          // What a reviewer compares before approving: the fields that differ, approved value and new value.
          ...(status === "changed" && current ? { changes: definitionChanges(pin.definition, current) } : {}),
        };
      }),
    }));
  }

  /** Tools a per-request server exposes: healthy servers, approved and unchanged definitions only. */
  tools(): FederatedTool[] {
    const exposed: FederatedTool[] = [];
    for (const server of this.servers.values()) {
      if (!server.healthy || !server.connection) continue;
      for (const name of Object.keys(server.stored.pinned)) {
        if (this.statusOf(server, name) === "approved") exposed.push(this.expose(server, name));
      }
    }
    return exposed;
  }

  async close(): Promise<void> {
    await Promise.all([...this.servers.keys()].map((name) => this.forget(name)));
  }

  private statusOf(server: RemoteServer, toolName: string): ToolStatus {
    const current = server.current.get(toolName);
    if (!current) return "missing";
    return toolDefinitionHash(current) === server.stored.pinned[toolName]?.hash ? "approved" : "changed";
  }

  private expose(server: RemoteServer, remoteName: string): FederatedTool {
    const definition = server.current.get(remoteName) as Tool;
    return {
      name: `${server.stored.name}.${remoteName}`,
      title: definition.title,
      description: `[${server.stored.name}] ${definition.description ?? remoteName}`,
      inputSchema: zodFromJsonSchema(definition.inputSchema),
      annotations: { ...definition.annotations, openWorldHint: true },
      call: async (args) => {
        // The definition may have changed since the request started; refuse rather than call a tool nobody approved.
        if (this.statusOf(server, remoteName) !== "approved" || !server.connection) {
          return {
            content: [{ type: "text", text: `${server.stored.name}.${remoteName} is not available` }],
            isError: true,
          };
        }
        return server.connection.callTool(remoteName, args);
      },
    };
  }

  /** A server known to the store but not to this replica: its tools appear after its first check. */
  private adopt(stored: StoredServer): void {
    this.servers.set(stored.name, { stored, healthy: false, current: new Map() });
  }

  private async sync(): Promise<void> {
    const stored = new Map((await this.store.load()).map((server) => [server.name, server]));
    for (const [name, server] of stored) {
      const known = this.servers.get(name);
      if (!known) this.adopt(server);
      else known.stored = server;
    }
    for (const name of this.servers.keys()) if (!stored.has(name)) await this.forget(name);
  }

  private async forget(name: string): Promise<boolean> {
    const server = this.servers.get(name);
    if (!server) return false;
    this.servers.delete(name);
    await server.connection?.close().catch(() => {});
    return true;
  }

  private async check(server: RemoteServer): Promise<void> {
    server.lastCheckedAt = new Date().toISOString();
    try {
      server.connection ??= await this.connect(server.stored.url, server.stored.credential);
      const listed = await server.connection.listTools();
      server.current = new Map(
        listed
          .filter((tool) => server.stored.allowedTools.includes(tool.name))
          .map((tool) => [tool.name, tool]),
      );
      server.healthy = true;
      server.lastError = undefined;
    } catch (error) {
      server.healthy = false;
      server.lastError = (error as Error).message;
      await server.connection?.close().catch(() => {});
      server.connection = undefined;
    }
  }
}

function sameSpec(stored: StoredServer, spec: RemoteServerSpec): boolean {
  return (
    stored.url === spec.url &&
    stored.credential === spec.credential &&
    canonicalJson([...stored.allowedTools].sort()) === canonicalJson([...spec.allowedTools].sort())
  );
}
