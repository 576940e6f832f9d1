/**
 * A tool call as open models emit it, checked before anything runs: arguments that are empty, not
 * JSON, JSON-in-a-string, or not what the tool's schema asks for; names of tools that do not exist.
 * Each problem becomes a message the model reads on its next turn and can fix.
 */

import { HANDOFF_TOOL } from "../agents/handoff";
import type { AgentTool } from "../mcp/agent-tool";
import type { ToolCall } from "../model/messages";
import type { ToolOutcome } from "../observability/metrics";

export type PreparedCall =
  | {
      readonly kind: "run";
      readonly call: ToolCall;
      readonly tool: AgentTool;
      readonly args: Record<string, unknown>;
    }
  | { readonly kind: "handoff"; readonly call: ToolCall; readonly agent: string; readonly reason?: string }
  | {
      readonly kind: "reject";
      readonly call: ToolCall;
      readonly outcome: ToolOutcome;
      readonly message: string;
      readonly args: unknown;
    };

export function prepareCall(call: ToolCall, tools: ReadonlyMap<string, AgentTool>): PreparedCall {
  const name = call.function.name;
  const tool = tools.get(name);
  const parsed = parseArguments(call.function.arguments);
  if (!tool) {
    const available = [...tools.keys()].join(", ") || "none";
    return {
      kind: "reject",
      call,
      outcome: "unknown_tool",
      args: parsed.ok ? parsed.value : call.function.arguments,
      message: `Error: there is no tool named "${name}". Available tools: ${available}.`,
    };
  }
  if (!parsed.ok) {
    return {
      kind: "reject",
      call,
      outcome: "invalid_arguments",
      args: call.function.arguments,
      message:
        `Error: the arguments of ${name} are not a JSON object (${parsed.problem}). ` +
        `Call ${name} again with a JSON object matching its parameters: ${JSON.stringify(tool.parameters)}`,
    };
  }
  const problem = tool.validate(parsed.value);
  if (problem) {
    return {
      kind: "reject",
      call,
      outcome: "invalid_arguments",
      args: parsed.value,
      message:
        `Error: invalid arguments for ${name}: ${problem}. ` +
        `Call ${name} again with arguments matching its parameters: ${JSON.stringify(tool.parameters)}`,
    };
  }
  if (name === HANDOFF_TOOL) {
    const { agent, reason } = parsed.value as { agent: string; reason?: string };
    return { kind: "handoff", call, agent, reason };
  }
  return { kind: "run", call, tool, args: parsed.value };
}

type Parsed = { ok: true; value: Record<string, unknown> } | { ok: false; problem: string };

/** `""` means no arguments (models send it for tools without parameters); the schema decides if that is enough. */
export function parseArguments(raw: string): Parsed {
  if (raw.trim() === "") return { ok: true, value: {} };
  let value: unknown;
  try {
    value = JSON.parse(raw);
    // Some models encode the object twice: "{\"query\": \"x\"}".
    if (typeof value === "string" && value.trim().startsWith("{")) value = JSON.parse(value);
  } catch (error) {
    return { ok: false, problem: `invalid JSON: ${(error as Error).message}` };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value))
    return {
      ok: false,
      problem: `got ${value === null ? "null" : Array.isArray(value) ? "an array" : typeof value}`,
    };
  return { ok: true, value: value as Record<string, unknown> };
}
