/** A run's events (streamed over SSE), its result, and the limits it obeys. */
import type { RouteDecision } from "../agents/router";
import type { ToolOutcome } from "../observability/metrics";

export interface RunLimits {
  readonly maxToolCallsPerRun: number;
  readonly maxRunSeconds: number;
  readonly toolTimeoutMs: number;
  readonly toolConcurrency: number;
  readonly maxToolResultChars: number;
  readonly maxHandoffs: number;
}

export interface ToolCallRecord {
  readonly step: number;
  readonly id: string;
  readonly name: string;
  readonly status: ToolOutcome;
  readonly duration_ms: number;
}

export type RunStatus = "completed" | "incomplete" | "awaiting_confirmation";
export type IncompleteReason = "max_turns" | "max_run_time";

export interface RunResult {
  readonly id: string;
  readonly object: "agent.run";
  readonly status: RunStatus;
  readonly agent: string;
  readonly session_id: string;
  /** The final answer (or the last text before the run stopped). */
  readonly output: string;
  /** The answer parsed, for profiles with `outputFormat: json`. */
  readonly output_json?: unknown;
  readonly incomplete_reason?: IncompleteReason;
  /** Why the run stopped early, for people. */
  readonly message?: string;
  readonly confirmation?: { readonly id: string; readonly tool: string; readonly arguments: unknown };
  readonly routing?: RouteDecision;
  /** Tool calls made while handling this request. */
  readonly tool_calls: readonly ToolCallRecord[];
  readonly usage: {
    readonly prompt_tokens: number;
    readonly completion_tokens: number;
    readonly total_tokens: number;
    readonly turns: number;
    readonly tool_calls: number;
  };
}

export type RunEvent =
  | { type: "run.started"; run_id: string; agent: string; session_id: string; routing?: RouteDecision }
  | { type: "step.started"; step: number; agent: string }
  | { type: "model.delta"; step: number; content: string }
  | { type: "tool.call"; step: number; id: string; name: string; arguments: unknown }
  | {
      type: "tool.result";
      step: number;
      id: string;
      name: string;
      status: ToolOutcome;
      content: string;
      duration_ms: number;
    }
  | { type: "agent.handoff"; step: number; from: string; to: string; reason?: string }
  | { type: "run.awaiting_confirmation"; result: RunResult }
  | { type: "run.final"; result: RunResult };

export type Emit = (event: RunEvent) => void | Promise<void>;
