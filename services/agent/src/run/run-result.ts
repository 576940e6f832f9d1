/** The result a run answers with (JSON body, or the data of `run.final`). */
import type { Session } from "../sessions/session";
import type { LoopEnd } from "./agent-loop";
import type { RunState } from "./run-scope";
import type { RunResult } from "./run-types";

export function runResult(state: RunState, session: Session, end: LoopEnd): RunResult {
  const head = { id: state.runId, object: "agent.run" as const };
  const tail = {
    agent: state.agent,
    session_id: session.id,
    ...(state.routing ? { routing: state.routing } : {}),
    tool_calls: state.records,
    usage: {
      prompt_tokens: state.usage.promptTokens,
      completion_tokens: state.usage.completionTokens,
      total_tokens: state.usage.promptTokens + state.usage.completionTokens,
      turns: state.turns,
      tool_calls: state.toolCalls,
    },
  };
  if (end.kind === "final")
    return {
      ...head,
      status: "completed",
      output: end.output,
      ...(end.outputJson !== undefined ? { output_json: end.outputJson } : {}),
      ...tail,
    };
  if (end.kind === "incomplete")
    return {
      ...head,
      status: "incomplete",
      output: end.output,
      incomplete_reason: end.reason,
      message: end.message,
      ...tail,
    };
  return {
    ...head,
    status: "awaiting_confirmation",
    output: "",
    confirmation: end.confirmation,
    message: `The run is paused: ${end.confirmation.tool} needs your approval. POST /v1/runs/${state.runId}/confirm with {"confirmation_id": "${end.confirmation.id}", "decision": "approve"} or "deny".`,
    ...tail,
  };
}

/**
 * Gives every tool call in the history a result. A run stopped mid-turn (time limit) leaves calls
 * unanswered, and chat-completion servers refuse a history with an unanswered call.
 */
export function closeOpenToolCalls(session: Session, note: string): void {
  const answered = new Set(
    session.messages.flatMap((message) => (message.role === "tool" ? [message.tool_call_id] : [])),
  );
  const last = session.messages.findLast((message) => message.role === "assistant");
  if (last?.role !== "assistant") return;
  for (const call of last.tool_calls ?? [])
    if (!answered.has(call.id)) session.messages.push({ role: "tool", tool_call_id: call.id, content: note });
}
