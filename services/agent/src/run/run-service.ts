/**
 * A run's life around the loop: the session is locked (one run per session at a time) and loaded,
 * the request routed when it names no agent, the loop run under the run-time limit, and the session
 * saved with its history and any paused run. A run that fails leaves the session as it was, so the
 * client can simply retry.
 */
import { randomUUID } from "node:crypto";
import type { IntentRouter } from "../agents/router";
import type { Caller } from "../auth/caller";
import { AgentError, conflict, notFound } from "../http/errors";
import type { ChatMessage } from "../model/messages";
import { modelCallError } from "../model/model-errors";
import { newSession, type Session, type SessionStore } from "../sessions/session";
import { AgentLoop, type LoopEnd } from "./agent-loop";
import { closeOpenToolCalls, runResult } from "./run-result";
import { type RunDependencies, type RunState, runStateFor } from "./run-scope";
import type { Emit, RunResult } from "./run-types";

export interface RunServiceDependencies extends RunDependencies {
  readonly sessions: SessionStore;
  readonly router: IntentRouter;
  /** Put inputs and outputs in the run log lines. */
  readonly logContent: boolean;
}

export interface StartRequest {
  readonly caller: Caller;
  /** Explicit profile; routed when absent. */
  readonly agent?: string;
  readonly input: string;
  readonly sessionId?: string;
}

/** A run that holds its session's lock, ready to execute. */
export interface PreparedRun {
  readonly caller: Caller;
  readonly session: Session;
  readonly release: () => Promise<void>;
  readonly start?: { readonly agent?: string; readonly input: string };
  readonly confirm?: { readonly approved: boolean };
}

/** Thrown when the client went away mid-run: nothing is left to answer. */
export class ClientGone extends Error {}

export class RunService {
  constructor(private readonly deps: RunServiceDependencies) {}

  async prepareStart(request: StartRequest): Promise<PreparedRun> {
    if (request.agent !== undefined && !this.deps.profiles.has(request.agent))
      throw notFound(
        `No agent named '${request.agent}'. Agents: ${[...this.deps.profiles.keys()].join(", ")}.`,
        "agent_not_found",
        "agent",
      );
    const sessionId = request.sessionId ?? `sess_${randomUUID().replaceAll("-", "")}`;
    const { session, release } = await this.lockSession(request.caller, sessionId);
    if (session.paused) {
      await release();
      throw conflict(
        `Session ${sessionId} has run ${session.paused.runId} awaiting confirmation; approve or deny it first.`,
        "run_awaiting_confirmation",
      );
    }
    return {
      caller: request.caller,
      session,
      release,
      start: { agent: request.agent, input: request.input },
    };
  }

  async prepareConfirm(
    caller: Caller,
    runId: string,
    confirmationId: string,
    approved: boolean,
  ): Promise<PreparedRun> {
    const owner = await this.deps.sessions.findRun(runId);
    // Another user's run is indistinguishable from a missing one.
    if (!owner || owner.user !== caller.user)
      throw notFound(`No run ${runId} awaiting confirmation.`, "run_not_found");
    const { session, release } = await this.lockSession(caller, owner.sessionId);
    const paused = session.paused;
    if (!paused || paused.runId !== runId) {
      await release();
      throw conflict(`Run ${runId} is not awaiting confirmation.`, "run_not_awaiting_confirmation");
    }
    if (paused.confirmationId !== confirmationId) {
      await release();
      throw conflict(
        `Run ${runId} awaits confirmation ${paused.confirmationId}, not ${confirmationId}.`,
        "confirmation_mismatch",
      );
    }
    return { caller, session, release, confirm: { approved } };
  }

  /** Runs a prepared run to its end; always releases the session. */
  async execute(prepared: PreparedRun, emit: Emit, clientSignal: AbortSignal): Promise<RunResult> {
    const started = performance.now();
    const { session, caller } = prepared;
    const state = runStateFor(session);
    const deadline = AbortSignal.timeout(this.deps.limits.maxRunSeconds * 1000);
    const signal = AbortSignal.any([deadline, clientSignal]);
    // Work on a copy: a failed run leaves the stored session untouched.
    const messages = [...session.messages];
    const loop = new AgentLoop({ deps: this.deps, caller, state, messages, emit, signal });
    try {
      const end = await this.deps.tracing
        .span(
          "invoke_agent",
          { "gen_ai.operation.name": "invoke_agent", "agent.run.id": state.runId },
          async (span) => {
            if (prepared.start) {
              state.agent =
                prepared.start.agent ?? (await this.route(caller, prepared.start.input, state, signal));
              messages.push({ role: "user", content: prepared.start.input });
            }
            span.setAttribute("gen_ai.agent.name", state.agent);
            await emit({
              type: "run.started",
              run_id: state.runId,
              agent: state.agent,
              session_id: session.id,
              ...(state.routing ? { routing: state.routing } : {}),
            });
            if (session.paused) return loop.resume(session.paused, prepared.confirm?.approved === true);
            return loop.run();
          },
        )
        .catch((error: unknown) => this.stopped(error, deadline, clientSignal, state));
      return await this.finish(prepared, state, messages, end, emit, started);
    } finally {
      await prepared.release();
    }
  }

  private async finish(
    prepared: PreparedRun,
    state: RunState,
    messages: ChatMessage[],
    end: LoopEnd,
    emit: Emit,
    startedMs: number,
  ): Promise<RunResult> {
    const { session } = prepared;
    session.messages = messages;
    session.agent = state.agent;
    session.updatedAt = new Date().toISOString();
    session.paused = end.kind === "paused" ? end.paused : undefined;
    if (end.kind !== "paused")
      closeOpenToolCalls(session, "[cancelled: the run stopped before this call finished]");
    await this.deps.sessions.save(session);
    if (end.kind === "paused") await this.deps.sessions.rememberRun(state.runId, session.user, session.id);
    const result = runResult(state, session, end);
    const durationMs = performance.now() - startedMs;
    this.deps.metrics.runs.inc({ agent: state.agent, status: result.status });
    this.deps.metrics.observeStep("run", state.agent, durationMs);
    this.deps.logger.log("info", "run_finished", {
      runId: state.runId,
      agent: state.agent,
      status: result.status,
      reason: result.incomplete_reason,
      routing: state.routing?.method,
      turns: state.turns,
      toolCalls: state.toolCalls,
      durationMs: Math.round(durationMs),
      ...(this.deps.logContent ? { input: prepared.start?.input, output: result.output } : {}),
    });
    await emit(
      result.status === "awaiting_confirmation"
        ? { type: "run.awaiting_confirmation", result }
        : { type: "run.final", result },
    );
    return result;
  }

  private async lockSession(
    caller: Caller,
    sessionId: string,
  ): Promise<{ session: Session; release: () => Promise<void> }> {
    const lockMs = this.deps.limits.maxRunSeconds * 1000 + 10_000;
    const release = await this.deps.sessions.lock(caller.user, sessionId, lockMs);
    if (!release) throw conflict(`Session ${sessionId} is busy with another run.`, "session_busy");
    try {
      const session =
        (await this.deps.sessions.get(caller.user, sessionId)) ?? newSession(caller.user, sessionId);
      return { session, release };
    } catch (error) {
      await release();
      throw new AgentError(
        503,
        "service_unavailable_error",
        `Sessions are unavailable: ${(error as Error).message}`,
        "sessions_unavailable",
      );
    }
  }

  private async route(caller: Caller, input: string, state: RunState, signal: AbortSignal): Promise<string> {
    const started = performance.now();
    const decision = await this.deps.tracing.span("route", { "gen_ai.operation.name": "route" }, () =>
      this.deps.router.route(caller, input, signal),
    );
    this.deps.metrics.observeStep("route", decision.agent, performance.now() - started);
    this.deps.metrics.routing.inc({ agent: decision.agent, method: decision.method });
    state.routing = decision;
    return decision.agent;
  }

  /** A loop that threw: the run-time limit is an `incomplete` result, anything else an error. */
  private stopped(
    error: unknown,
    deadline: AbortSignal,
    clientSignal: AbortSignal,
    state: RunState,
  ): LoopEnd {
    if (clientSignal.aborted) {
      this.deps.metrics.runs.inc({ agent: state.agent || "unrouted", status: "cancelled" });
      throw new ClientGone("the client closed the connection");
    }
    if (deadline.aborted) {
      return {
        kind: "incomplete",
        reason: "max_run_time",
        output: "",
        message: `The run reached the time limit of ${this.deps.limits.maxRunSeconds} s before a final answer.`,
      };
    }
    this.deps.metrics.runs.inc({ agent: state.agent || "unrouted", status: "failed" });
    const agentError = modelCallError(error);
    this.deps.metrics.errors.inc({ kind: agentError.code === "internal_error" ? "internal" : "model" });
    this.deps.logger.log("warn", "run_failed", {
      runId: state.runId,
      agent: state.agent,
      status: agentError.status,
      code: agentError.code,
    });
    throw agentError;
  }
}
