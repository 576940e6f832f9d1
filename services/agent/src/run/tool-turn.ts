/**
 * One turn's tool calls: checked, then run in parallel (at most `toolConcurrency` at once, each
 * cancelled after `toolTimeoutMs`), their results appended to the history in the order the model
 * asked. Calls of tools on the profile's confirmation list are not run: they are returned as pending
 * and the run pauses. Results are cut to `maxToolResultChars` with a marker.
 */
import type { ToolCall } from "../model/messages";
import type { ToolOutcome } from "../observability/metrics";
import { truncateWithMarker } from "../sessions/context-budget";
import { mapWithConcurrency } from "./concurrency";
import { type PreparedCall, prepareCall } from "./prepare-call";
import type { RunScope } from "./run-scope";
import type { Toolset } from "./toolset";

export interface ToolTurnOutcome {
  /** Calls waiting for the client's approval, in the model's order. */
  readonly pending: readonly ToolCall[];
  readonly handoff?: { readonly agent: string; readonly reason?: string };
}

interface Answer {
  readonly outcome: ToolOutcome;
  readonly content: string;
  readonly durationMs: number;
}

export async function runToolCalls(
  scope: RunScope,
  toolset: Toolset,
  calls: readonly ToolCall[],
  step: number,
): Promise<ToolTurnOutcome> {
  const prepared = calls.map((call) => prepareCall(call, toolset.byName));
  for (const item of prepared)
    await scope.emit({
      type: "tool.call",
      step,
      id: item.call.id,
      name: item.call.function.name,
      arguments:
        item.kind === "run" ? item.args : item.kind === "handoff" ? { agent: item.agent } : item.args,
    });

  const pending: ToolCall[] = [];
  let handoff: ToolTurnOutcome["handoff"];
  const answers = await mapWithConcurrency(prepared, scope.deps.limits.toolConcurrency, async (item) => {
    if (item.kind === "reject") return { outcome: item.outcome, content: item.message, durationMs: 0 };
    if (item.kind === "handoff") {
      const refusal = handoffRefusal(scope, toolset, item.agent, handoff !== undefined);
      if (refusal) return { outcome: "error" as const, content: refusal, durationMs: 0 };
      handoff = { agent: item.agent, reason: item.reason };
      return { outcome: "ok" as const, content: `Handed off to the ${item.agent} agent.`, durationMs: 0 };
    }
    if (toolset.needsConfirmation(item.tool)) {
      pending.push(item.call);
      return undefined;
    }
    return executeCall(scope, toolset, item, step);
  });

  for (const [index, answer] of answers.entries()) {
    if (!answer) continue;
    await recordAnswer(scope, toolset, prepared[index] as PreparedCall, answer, step);
  }
  // Keep the model's order among the pending calls (workers may have pushed them out of order).
  const order = new Map(calls.map((call, index) => [call.id, index]));
  pending.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
  return { pending, handoff };
}

/** Runs a call the client approved (or answers a denied one); the result joins the history. */
export async function answerConfirmedCall(
  scope: RunScope,
  toolset: Toolset,
  call: ToolCall,
  approved: boolean,
  step: number,
): Promise<void> {
  const item = prepareCall(call, toolset.byName);
  let answer: Answer;
  if (!approved)
    answer = {
      outcome: "denied",
      content: `The user denied this call of ${call.function.name}; do not retry it. Continue without it.`,
      durationMs: 0,
    };
  else if (item.kind !== "run")
    answer = {
      outcome: "error",
      content: `Error: ${call.function.name} is no longer available to this agent.`,
      durationMs: 0,
    };
  else answer = await executeCall(scope, toolset, item, step);
  await recordAnswer(scope, toolset, item, answer, step);
}

async function executeCall(
  scope: RunScope,
  toolset: Toolset,
  item: Extract<PreparedCall, { kind: "run" }>,
  step: number,
): Promise<Answer> {
  const { limits } = scope.deps;
  if (scope.state.toolCalls >= limits.maxToolCallsPerRun)
    return {
      outcome: "limit",
      content: `Error: the limit of ${limits.maxToolCallsPerRun} tool calls per run is reached; answer with the information you have.`,
      durationMs: 0,
    };
  scope.state.toolCalls++;
  const started = performance.now();
  const timeout = AbortSignal.timeout(limits.toolTimeoutMs);
  const attributes = {
    "gen_ai.operation.name": "execute_tool",
    "gen_ai.tool.name": item.tool.tool,
    "gen_ai.tool.call.id": item.call.id,
    "gen_ai.agent.name": toolset.profile.name,
    "mcp.server": item.tool.server,
    "agent.step": step,
  };
  return scope.deps.tracing.span(`execute_tool ${item.tool.tool}`, attributes, async (span) => {
    try {
      const output = await scope.deps.tools.callTool(
        scope.caller,
        item.tool,
        item.args,
        AbortSignal.any([scope.signal, timeout]),
      );
      span.setAttribute("agent.tool.outcome", output.isError ? "error" : "ok");
      const content = output.isError ? `The tool reported an error: ${output.text}` : output.text;
      return { outcome: output.isError ? "error" : "ok", content, durationMs: performance.now() - started };
    } catch (error) {
      if (scope.signal.aborted) throw error;
      const timedOut = timeout.aborted;
      span.setAttribute("agent.tool.outcome", timedOut ? "timeout" : "error");
      const content = timedOut
        ? `Error: ${item.tool.tool} did not answer within ${limits.toolTimeoutMs} ms and was cancelled. Answer without it, or try once more with a simpler request.`
        : `Error: calling ${item.tool.tool} failed: ${(error as Error).message}`;
      return { outcome: timedOut ? "timeout" : "error", content, durationMs: performance.now() - started };
    }
  });
}

async function recordAnswer(
  scope: RunScope,
  toolset: Toolset,
  item: PreparedCall,
  answer: Answer,
  step: number,
): Promise<void> {
  const { deps, state } = scope;
  const name = item.call.function.name;
  const content = truncateWithMarker(answer.content, deps.limits.maxToolResultChars);
  scope.messages.push({ role: "tool", tool_call_id: item.call.id, content });
  const server = item.kind === "run" ? item.tool.server : "";
  const tool = item.kind === "run" ? item.tool.tool : item.kind === "handoff" ? name : "(unknown)";
  deps.metrics.toolCalls.inc({ agent: toolset.profile.name, server, tool, outcome: answer.outcome });
  if (item.kind === "run") deps.metrics.observeStep("tool", toolset.profile.name, answer.durationMs);
  const durationMs = Math.round(answer.durationMs * 100) / 100;
  state.records.push({ step, id: item.call.id, name, status: answer.outcome, duration_ms: durationMs });
  await scope.emit({
    type: "tool.result",
    step,
    id: item.call.id,
    name,
    status: answer.outcome,
    content,
    duration_ms: durationMs,
  });
}

function handoffRefusal(
  scope: RunScope,
  toolset: Toolset,
  agent: string,
  already: boolean,
): string | undefined {
  if (already) return "Error: this turn already handed off; one hand-off per turn.";
  if (agent === toolset.profile.name) return `Error: you are already the ${agent} agent.`;
  if (scope.state.handoffs >= scope.deps.limits.maxHandoffs)
    return `Error: the limit of ${scope.deps.limits.maxHandoffs} hand-offs per run is reached; answer yourself.`;
  return undefined;
}
