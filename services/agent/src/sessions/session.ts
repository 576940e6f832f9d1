/** A conversation: keyed by user and session id, its history, and a run waiting for confirmation. */
import type { RouteDecision } from "../agents/router";
import type { ChatMessage, ToolCall } from "../model/messages";

/** A run paused on a tool that needs the client's approval; everything needed to continue it. */
export interface PausedRun {
  readonly runId: string;
  readonly confirmationId: string;
  readonly agent: string;
  /** Tool calls of the last assistant message still without a result, the first one awaiting approval. */
  readonly pendingCalls: readonly ToolCall[];
  readonly turns: number;
  readonly toolCalls: number;
  readonly handoffs: number;
  readonly usage: { readonly promptTokens: number; readonly completionTokens: number };
  readonly routing?: RouteDecision;
}

export interface Session {
  readonly id: string;
  readonly user: string;
  agent?: string;
  messages: ChatMessage[];
  readonly createdAt: string;
  updatedAt: string;
  paused?: PausedRun;
}

/** Where sessions live: Redis (shared by replicas, kept across restarts) or this process's memory. */
export interface SessionStore {
  readonly kind: "redis" | "memory";
  get(user: string, id: string): Promise<Session | undefined>;
  save(session: Session): Promise<void>;
  /** Takes the session's run lock for `ttlMs`; undefined when another run holds it. */
  lock(user: string, id: string, ttlMs: number): Promise<(() => Promise<void>) | undefined>;
  /** Remembers which session a paused run belongs to (the confirm route knows only the run id). */
  rememberRun(runId: string, user: string, sessionId: string): Promise<void>;
  findRun(runId: string): Promise<{ user: string; sessionId: string } | undefined>;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export function newSession(user: string, id: string, now = new Date()): Session {
  const stamp = now.toISOString();
  return { id, user, messages: [], createdAt: stamp, updatedAt: stamp };
}
