/**
 * The agent loop: call the model with the profile's tools, run the tool calls it makes, feed the
 * results back, until it answers without tool calls or the turn limit is reached (a clear
 * `incomplete` result, never silence). Whether tools run is decided by the presence of tool calls,
 * not by `finish_reason`, which open models often get wrong; text before tool calls is kept.
 */
import { randomUUID } from "node:crypto";
import type { Profile } from "../config/profile-schema";
import type { ModelTurn, ToolCall } from "../model/messages";
import { estimateTokens, fitHistory } from "../sessions/context-budget";
import type { PausedRun } from "../sessions/session";
import type { RunScope } from "./run-scope";
import type { IncompleteReason, RunResult } from "./run-types";
import { answerConfirmedCall, runToolCalls } from "./tool-turn";
import { buildToolset, type Toolset } from "./toolset";

/** What the loop ended with; the run service turns it into the response and the stored session. */
export type LoopEnd =
  | { readonly kind: "final"; readonly output: string; readonly outputJson?: unknown }
  | {
      readonly kind: "incomplete";
      readonly reason: IncompleteReason;
      readonly output: string;
      readonly message: string;
    }
  | {
      readonly kind: "paused";
      readonly paused: PausedRun;
      readonly confirmation: NonNullable<RunResult["confirmation"]>;
    };

const JSON_INSTRUCTION = "\n\nGive your final answer as one JSON object and nothing else.";

export class AgentLoop {
  private lastText = "";

  constructor(private readonly scope: RunScope) {}

  /** Continues a paused run: answers the call awaiting approval, then goes on as before. */
  async resume(paused: PausedRun, approved: boolean): Promise<LoopEnd> {
    const toolset = await buildToolset(this.scope, this.profile());
    const [first, ...rest] = paused.pendingCalls;
    if (first) await answerConfirmedCall(this.scope, toolset, first, approved, this.scope.state.turns);
    if (rest.length > 0) return this.pause(rest);
    return this.loop(toolset);
  }

  async run(): Promise<LoopEnd> {
    return this.loop(await buildToolset(this.scope, this.profile()));
  }

  private async loop(initial: Toolset): Promise<LoopEnd> {
    const { state, deps } = this.scope;
    let toolset = initial;
    for (;;) {
      const profile = toolset.profile;
      if (state.turns >= profile.maxTurns) {
        return {
          kind: "incomplete",
          reason: "max_turns",
          output: this.lastText,
          message: `The run reached the turn limit of the ${profile.name} agent (${profile.maxTurns} model calls) before a final answer.`,
        };
      }
      const step = ++state.turns;
      deps.metrics.turns.inc({ agent: profile.name });
      await this.scope.emit({ type: "step.started", step, agent: profile.name });
      const turn = await this.callModel(toolset, step);
      if (turn.content) this.lastText = turn.content;
      this.scope.messages.push({
        role: "assistant",
        content: turn.content || null,
        ...(turn.toolCalls.length > 0 ? { tool_calls: turn.toolCalls } : {}),
      });
      if (turn.toolCalls.length === 0) {
        if (profile.outputFormat !== "json") return { kind: "final", output: turn.content };
        const parsed = parseJsonAnswer(turn.content);
        if (parsed.ok) return { kind: "final", output: turn.content, outputJson: parsed.value };
        this.scope.messages.push({
          role: "user",
          content: `Your answer was not a single JSON object (${parsed.problem}). Answer again with only the JSON object.`,
        });
        continue;
      }
      const outcome = await runToolCalls(this.scope, toolset, turn.toolCalls, step);
      if (outcome.pending.length > 0) return this.pause(outcome.pending);
      if (outcome.handoff) {
        const from = profile.name;
        state.handoffs++;
        state.agent = outcome.handoff.agent;
        await this.scope.emit({
          type: "agent.handoff",
          step,
          from,
          to: state.agent,
          reason: outcome.handoff.reason,
        });
        toolset = await buildToolset(this.scope, this.profile());
      }
    }
  }

  private async callModel(toolset: Toolset, step: number): Promise<ModelTurn> {
    const { deps, state, caller } = this.scope;
    const profile = toolset.profile;
    const started = performance.now();
    const system = profile.instructions + (profile.outputFormat === "json" ? JSON_INSTRUCTION : "");
    // The answer's tokens come out of the same context window.
    const budget =
      profile.contextTokens - profile.maxOutputTokens - estimateTokens([{ role: "system", content: system }]);
    const history = fitHistory(this.scope.messages, Math.max(budget, 64));
    const toolsLeft = state.toolCalls < deps.limits.maxToolCallsPerRun;
    const attributes = {
      "gen_ai.operation.name": "chat",
      "gen_ai.request.model": profile.model,
      "gen_ai.agent.name": profile.name,
      "agent.step": step,
    };
    const turn = await deps.tracing.span(`chat ${profile.model}`, attributes, async (span) => {
      const answer = await deps.model.complete(caller.gatewayKey, {
        model: profile.model,
        messages: [{ role: "system", content: system }, ...history],
        // Once the tool budget is spent the model gets no tools, so it must answer.
        tools: toolsLeft ? toolset.functions : undefined,
        temperature: profile.temperature,
        maxTokens: profile.maxOutputTokens,
        user: caller.endUser,
        signal: this.scope.signal,
        onDelta: (content) => void this.scope.emit({ type: "model.delta", step, content }),
      });
      span.setAttributes({
        "gen_ai.usage.input_tokens": answer.usage?.promptTokens ?? 0,
        "gen_ai.usage.output_tokens": answer.usage?.completionTokens ?? 0,
        "gen_ai.response.finish_reasons": [answer.finishReason ?? ""],
        "agent.tool_calls": answer.toolCalls.length,
      });
      return answer;
    });
    deps.metrics.observeStep("model", profile.name, performance.now() - started);
    state.usage.promptTokens += turn.usage?.promptTokens ?? 0;
    state.usage.completionTokens += turn.usage?.completionTokens ?? 0;
    return turn;
  }

  private pause(pendingCalls: readonly ToolCall[]): LoopEnd {
    const { state } = this.scope;
    const first = pendingCalls[0] as ToolCall;
    const confirmationId = `conf_${randomUUID().replaceAll("-", "")}`;
    let args: unknown = first.function.arguments;
    try {
      args = JSON.parse(first.function.arguments || "{}");
    } catch {
      // Pending calls were validated; keep the raw text if a model sent something odd anyway.
    }
    return {
      kind: "paused",
      confirmation: { id: confirmationId, tool: first.function.name, arguments: args },
      paused: {
        runId: state.runId,
        confirmationId,
        agent: state.agent,
        pendingCalls,
        turns: state.turns,
        toolCalls: state.toolCalls,
        handoffs: state.handoffs,
        usage: { ...state.usage },
        routing: state.routing,
      },
    };
  }

  private profile(): Profile {
    return this.scope.deps.profiles.get(this.scope.state.agent) as Profile;
  }
}

function parseJsonAnswer(content: string): { ok: true; value: unknown } | { ok: false; problem: string } {
  try {
    const value = JSON.parse(content.trim().replace(/^```(?:json)?\s*|\s*```$/g, ""));
    if (typeof value === "object" && value !== null && !Array.isArray(value)) return { ok: true, value };
    return { ok: false, problem: "not an object" };
  } catch (error) {
    return { ok: false, problem: (error as Error).message };
  }
}
