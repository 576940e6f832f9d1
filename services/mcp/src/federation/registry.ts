import type { Tool } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { canonicalJson } from "../audit";
import type { FederatedTool } from "../mcp/catalog";
import type { RemoteConnection } from "./remote-client";
import { toolDefinitionHash } from "./tool-pin";

export interface RemoteServerSpec {
  /** Namespace of its tools here: `name.tool`. */
  readonly name: string;
  readonly url: string;
  /** Only these remote tools are ever exposed. */
  readonly allowedTools: readonly string[];
  /** This server's credential for the remote, resolved from a secret. */
  readonly token?: string;
}

export type ToolStatus = "approved" | "changed" | "missing";

interface PinnedTool {
  readonly pinnedHash: string;
  /** The definition as approved, kept to show what changed. */
  readonly pinnedDefinition: Tool;
  currentHash?: string;
  definition?: Tool;
  status: ToolStatus;
}

interface RemoteServer {
  readonly spec: RemoteServerSpec;
  connection?: RemoteConnection;
  healthy: boolean;
  lastError?: string;
  lastCheckedAt?: string;
  readonly tools: Map<string, PinnedTool>;
}

export type Connect = (url: string, token?: string) => Promise<RemoteConnection>;

/**
 * Remote MCP servers and their pinned tools. A tool's definition is hashed when the server is
 * registered (or re-approved); a later definition with another hash is hidden and refused until an
 * admin approves it (rug-pull defence). Unhealthy servers' tools are hidden.
 */
export class FederationRegistry {
  private readonly servers = new Map<string, RemoteServer>();

  constructor(private readonly connect: Connect) {}

  /** Connects, lists the allowed tools and pins their definitions as they are now. */
  async register(spec: RemoteServerSpec): Promise<void> {
    if (this.servers.has(spec.name))
      throw new Error(`a remote server named ${spec.name} is already registered`);
    const connection = await this.connect(spec.url, spec.token);
    const listed = await connection.listTools().catch(async (error: Error) => {
      await connection.close();
      throw new Error(`cannot list tools of ${spec.url}: ${error.message}`);
    });
    const server: RemoteServer = {
      spec,
      connection,
      healthy: true,
      lastCheckedAt: new Date().toISOString(),
      tools: new Map(),
    };
    for (const tool of listed.filter((item) => spec.allowedTools.includes(item.name))) {
      const hash = toolDefinitionHash(tool);
      server.tools.set(tool.name, {
        pinnedHash: hash,
        pinnedDefinition: tool,
        currentHash: hash,
        definition: tool,
        status: "approved",
      });
    }
    this.servers.set(spec.name, server);
  }

  async remove(name: string): Promise<boolean> {
    const server = this.servers.get(name);
    if (!server) return false;
    this.servers.delete(name);
    await server.connection?.close().catch(() => {});
    return true;
  }

  /** Re-lists every server's tools: marks servers unhealthy when that fails, tools changed when their hash moved. */
  async checkHealth(): Promise<void> {
    await Promise.all([...this.servers.values()].map((server) => this.check(server)));
  }

  async checkServer(name: string): Promise<boolean> {
    const server = this.servers.get(name);
    if (!server) return false;
    await this.check(server);
    return true;
  }

  /** Pins the current definitions of a server's changed tools (after a human reviewed the diff). */
  approve(name: string, toolNames?: readonly string[]): string[] {
    const server = this.servers.get(name);
    if (!server) throw new Error(`no remote server named ${name}`);
    const approved: string[] = [];
    for (const [toolName, pinned] of server.tools) {
      if (pinned.status !== "changed" || !pinned.currentHash) continue;
      if (toolNames && !toolNames.includes(toolName)) continue;
      server.tools.set(toolName, {
        ...pinned,
        pinnedHash: pinned.currentHash,
        pinnedDefinition: pinned.definition ?? pinned.pinnedDefinition,
        status: "approved",
      });
      approved.push(toolName);
    }
    return approved;
  }

  list() {
    return [...this.servers.values()].map((server) => ({
      name: server.spec.name,
      url: server.spec.url,
      healthy: server.healthy,
      lastCheckedAt: server.lastCheckedAt,
      lastError: server.lastError,
      tools: [...server.tools].map(([name, pinned]) => ({
        name: `${server.spec.name}.${name}`,
        status: pinned.status,
        pinnedHash: pinned.pinnedHash,
        currentHash: pinned.currentHash,
        description: pinned.definition?.description,
        // What a reviewer compares before approving: the fields that differ, approved value and new value.
        ...(pinned.status === "changed" && pinned.definition
          ? { changes: definitionChanges(pinned.pinnedDefinition, pinned.definition) }
          : {}),
      })),
    }));
  }

  /** Tools a per-request server exposes: healthy servers, approved and unchanged definitions only. */
  tools(): FederatedTool[] {
    const exposed: FederatedTool[] = [];
    for (const server of this.servers.values()) {
      if (!server.healthy || !server.connection) continue;
      for (const [remoteName, pinned] of server.tools) {
        if (pinned.status !== "approved" || !pinned.definition) continue;
        exposed.push(this.expose(server, remoteName, pinned.definition));
      }
    }
    return exposed;
  }

  async close(): Promise<void> {
    await Promise.all([...this.servers.keys()].map((name) => this.remove(name)));
  }

  private expose(server: RemoteServer, remoteName: string, definition: Tool): FederatedTool {
    const connection = server.connection as RemoteConnection;
    return {
      name: `${server.spec.name}.${remoteName}`,
      title: definition.title,
      description: `[${server.spec.name}] ${definition.description ?? remoteName}`,
      inputSchema: zodFromJsonSchema(definition.inputSchema),
      annotations: { ...definition.annotations, openWorldHint: true },
      call: async (args) => {
        // The definition may have changed since the request started; refuse rather than call a tool nobody approved.
        if (server.tools.get(remoteName)?.status !== "approved") {
          return {
            content: [
              { type: "text", text: `${server.spec.name}.${remoteName} changed and awaits re-approval` },
            ],
            isError: true,
          };
        }
        return connection.callTool(remoteName, args);
      },
    };
  }

  private async check(server: RemoteServer): Promise<void> {
    server.lastCheckedAt = new Date().toISOString();
    try {
      server.connection ??= await this.connect(server.spec.url, server.spec.token);
      const listed = new Map((await server.connection.listTools()).map((tool) => [tool.name, tool]));
      server.healthy = true;
      server.lastError = undefined;
      for (const [name, pinned] of server.tools) {
        const tool = listed.get(name);
        if (!tool) {
          server.tools.set(name, {
            ...pinned,
            definition: undefined,
            currentHash: undefined,
            status: "missing",
          });
          continue;
        }
        const hash = toolDefinitionHash(tool);
        const status: ToolStatus = hash === pinned.pinnedHash ? "approved" : "changed";
        server.tools.set(name, { ...pinned, currentHash: hash, definition: tool, status });
      }
    } catch (error) {
      server.healthy = false;
      server.lastError = (error as Error).message;
      await server.connection?.close().catch(() => {});
      server.connection = undefined;
    }
  }
}

/** The top-level fields of a tool definition that differ, with the approved and the current value. */
function definitionChanges(
  approved: Tool,
  current: Tool,
): Record<string, { approved: unknown; current: unknown }> {
  const changes: Record<string, { approved: unknown; current: unknown }> = {};
  for (const field of ["title", "description", "inputSchema", "outputSchema", "annotations"] as const) {
    if (canonicalJson(approved[field]) !== canonicalJson(current[field]))
      changes[field] = { approved: approved[field], current: current[field] };
  }
  return changes;
}

/** The remote's JSON Schema as zod, so arguments are validated here before they leave; permissive if it cannot be converted. */
function zodFromJsonSchema(schema: Tool["inputSchema"]): z.ZodType {
  try {
    return z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]);
  } catch {
    return z.looseObject({});
  }
}
