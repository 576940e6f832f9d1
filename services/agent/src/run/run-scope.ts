/** What one run works with: the service's parts, the caller, the history it appends to, its state. */

import { randomUUID } from "node:crypto";
import type { RouteDecision } from "../agents/router";
import type { Caller } from "../auth/caller";
import type { Profile } from "../config/profile-schema";
import type { ToolHost } from "../mcp/tool-host";
import type { ChatMessage } from "../model/messages";
import type { ModelClient } from "../model/model-client";
import type { Logger } from "../observability/log";
import type { AgentMetrics } from "../observability/metrics";
import type { Tracing } from "../observability/tracing";
import type { Session } from "../sessions/session";
import type { Emit, RunLimits, ToolCallRecord } from "./run-types";

export interface RunDependencies {
  readonly profiles: ReadonlyMap<string, Profile>;
  readonly model: ModelClient;
  readonly tools: ToolHost;
  readonly limits: RunLimits;
  readonly metrics: AgentMetrics;
  readonly tracing: Tracing;
  readonly logger: Logger;
}

/** Counters that last across a confirmation pause (they are stored with the paused run). */
export interface RunState {
  readonly runId: string;
  agent: string;
  turns: number;
  toolCalls: number;
  handoffs: number;
  usage: { promptTokens: number; completionTokens: number };
  routing?: RouteDecision;
  /** Tool calls of this request (not of earlier requests of a paused run). */
  readonly records: ToolCallRecord[];
}

export interface RunScope {
  readonly deps: RunDependencies;
  readonly caller: Caller;
  readonly state: RunState;
  /** The session's history; the run appends to it in place. */
  readonly messages: ChatMessage[];
  readonly emit: Emit;
  /** Aborts on the run-time limit or when the client goes away. */
  readonly signal: AbortSignal;
}

/** A new run's state, or the stored state of the run the session has paused. */
export function runStateFor(session: Session): RunState {
  const paused = session.paused;
  if (paused)
    return {
      runId: paused.runId,
      agent: paused.agent,
      turns: paused.turns,
      toolCalls: paused.toolCalls,
      handoffs: paused.handoffs,
      usage: { ...paused.usage },
      routing: paused.routing,
      records: [],
    };
  return {
    runId: `run_${randomUUID().replaceAll("-", "")}`,
    agent: "",
    turns: 0,
    toolCalls: 0,
    handoffs: 0,
    usage: { promptTokens: 0, completionTokens: 0 },
    records: [],
  };
}
