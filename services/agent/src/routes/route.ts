/** Routes as data: a method, a path pattern and a handler; the dispatcher answers 404/405 itself. */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Authenticate } from "../auth/authenticate";
import type { AgentConfig } from "../config/load-config";
import type { Logger } from "../observability/log";
import type { AgentMetrics } from "../observability/metrics";
import type { RunService } from "../run/run-service";
import type { SessionStore } from "../sessions/session";

export interface AppContext {
  readonly config: AgentConfig;
  readonly authenticate: Authenticate;
  readonly runs: RunService;
  readonly sessions: SessionStore;
  readonly metrics: AgentMetrics;
  readonly logger: Logger;
}

export interface Route {
  readonly method: "GET" | "POST";
  /** Matched against the whole path; named groups become `params`. */
  readonly pattern: RegExp;
  /** Label in metrics (never the raw path, which holds ids). */
  readonly name: string;
  handle(
    context: AppContext,
    request: IncomingMessage,
    response: ServerResponse,
    params: Record<string, string>,
  ): Promise<void>;
}
