/** Which tools a profile may use and which need confirmation: globs over `<tool>` and `<server>__<tool>`. */
import type { AgentTool } from "../mcp/agent-tool";

export type ToolMatcher = (tool: AgentTool) => boolean;

export function toolMatcher(patterns: readonly string[]): ToolMatcher {
  const expressions = patterns.map(
    (pattern) => new RegExp(`^${pattern.split("*").map(escapeRegExp).join(".*")}$`),
  );
  return (tool) => expressions.some((expression) => expression.test(tool.tool) || expression.test(tool.name));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\]/g, "\\$&");
}
