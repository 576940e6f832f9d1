import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { ToolDefinition } from "../tools/tool";
import type { FederatedTool, McpCatalog } from "./catalog";

export interface CatalogParts {
  readonly tools: readonly ToolDefinition[];
  /** Config overrides of tools' scopes, by tool name. */
  readonly toolScopes?: Readonly<Record<string, readonly string[]>>;
  /** Scopes every federated tool needs unless overridden. Default `["mcp:federated"]`. */
  readonly federatedScopes?: readonly string[];
  readonly federatedTools?: () => readonly FederatedTool[];
  readonly registerPrompts?: (server: McpServer) => void;
  readonly registerResources?: (server: McpServer) => void;
}

/** A tool nobody registered: no scope needed to be told it does not exist. */
const UNKNOWN_TOOL_SCOPES: readonly string[] = [];

export function createCatalog(parts: CatalogParts): McpCatalog {
  const local = new Map(parts.tools.map((tool) => [tool.name, tool]));
  if (local.size !== parts.tools.length) throw new Error("two tools share a name");
  const federatedScopes = parts.federatedScopes ?? ["mcp:federated"];
  const federatedTools = parts.federatedTools ?? (() => []);
  return {
    tools: parts.tools,
    scopesFor(name) {
      const override = parts.toolScopes?.[name];
      if (override) return override;
      const tool = local.get(name);
      if (tool) return tool.scopes;
      return federatedTools().some((remote) => remote.name === name) ? federatedScopes : UNKNOWN_TOOL_SCOPES;
    },
    federatedTools,
    registerPrompts: parts.registerPrompts ?? (() => {}),
    registerResources: parts.registerResources ?? (() => {}),
  };
}
