import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { CallToolResult, ToolAnnotations } from "@modelcontextprotocol/sdk/types.js";
import type { z } from "zod";
import type { ToolDefinition } from "../tools/tool";

/** A remote server's tool, exposed here as `server.tool` once its pinned definition is approved. */
export interface FederatedTool {
  readonly name: string;
  readonly title?: string;
  readonly description?: string;
  readonly inputSchema: z.ZodType;
  readonly annotations?: ToolAnnotations;
  call(args: Record<string, unknown>): Promise<CallToolResult>;
}

/** Everything a per-request server is built from; long-lived, shared by all requests. */
export interface McpCatalog {
  readonly tools: readonly ToolDefinition[];
  /** Scopes a tool (local or federated) needs. */
  scopesFor(toolName: string): readonly string[];
  federatedTools(): readonly FederatedTool[];
  registerPrompts(server: McpServer): void;
  registerResources(server: McpServer): void;
}
