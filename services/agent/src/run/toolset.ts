/** The tools a profile sees on this turn: its MCP servers' tools it is allowed, plus the hand-off tool. */
import { handoffTool } from "../agents/handoff";
import { type ToolMatcher, toolMatcher } from "../agents/tool-patterns";
import type { Profile } from "../config/profile-schema";
import { type AgentTool, toFunctionTool } from "../mcp/agent-tool";
import type { FunctionTool } from "../model/messages";
import type { RunScope } from "./run-scope";

export interface Toolset {
  readonly profile: Profile;
  readonly byName: ReadonlyMap<string, AgentTool>;
  readonly functions: readonly FunctionTool[];
  readonly needsConfirmation: ToolMatcher;
}

export async function buildToolset(scope: RunScope, profile: Profile): Promise<Toolset> {
  const listing =
    profile.mcpServers.length > 0
      ? await scope.deps.tools.listTools(scope.caller, profile.mcpServers)
      : { tools: [], unavailable: [] };
  if (listing.unavailable.length > 0)
    scope.deps.metrics.errors.inc({ kind: "tool_listing" }, listing.unavailable.length);
  const allowed = toolMatcher(profile.tools);
  const tools: AgentTool[] = listing.tools.filter(allowed);
  const handoff = handoffTool(profile, scope.deps.profiles);
  if (handoff) tools.push(handoff);
  return {
    profile,
    byName: new Map(tools.map((tool) => [tool.name, tool])),
    functions: tools.map(toFunctionTool),
    needsConfirmation: toolMatcher(profile.confirmTools),
  };
}
