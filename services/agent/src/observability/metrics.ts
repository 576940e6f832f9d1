/** Prometheus series of the agent service: runs, turns, tool calls and errors, latency by step. */
import { Counter, Histogram, Registry } from "prom-client";

const STEP_BUCKETS = [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

export type ToolOutcome =
  | "ok"
  | "error"
  | "invalid_arguments"
  | "timeout"
  | "denied"
  | "unknown_tool"
  | "limit";
export type StepKind = "run" | "route" | "model" | "tool";

export class AgentMetrics {
  readonly registry = new Registry();
  readonly runs = new Counter({
    name: "agent_runs_total",
    help: "Runs by agent profile and final status.",
    labelNames: ["agent", "status"],
    registers: [this.registry],
  });
  readonly turns = new Counter({
    name: "agent_turns_total",
    help: "Model turns (one model call each) by agent profile.",
    labelNames: ["agent"],
    registers: [this.registry],
  });
  readonly toolCalls = new Counter({
    name: "agent_tool_calls_total",
    help: "Tool calls by agent, server, tool and outcome.",
    labelNames: ["agent", "server", "tool", "outcome"],
    registers: [this.registry],
  });
  readonly errors = new Counter({
    name: "agent_errors_total",
    help: "Failures by kind (model, tool listing, token, routing, internal).",
    labelNames: ["kind"],
    registers: [this.registry],
  });
  readonly routing = new Counter({
    name: "agent_routing_decisions_total",
    help: "Routed requests by chosen agent and method (model, keywords, default).",
    labelNames: ["agent", "method"],
    registers: [this.registry],
  });
  readonly stepDuration = new Histogram({
    name: "agent_step_duration_seconds",
    help: "Latency by step: whole run, routing, model call, tool call.",
    labelNames: ["step", "agent"],
    buckets: STEP_BUCKETS,
    registers: [this.registry],
  });
  readonly httpRequests = new Counter({
    name: "agent_http_requests_total",
    help: "HTTP requests by route and status.",
    labelNames: ["route", "status"],
    registers: [this.registry],
  });

  observeStep(step: StepKind, agent: string, durationMs: number): void {
    this.stepDuration.observe({ step, agent }, durationMs / 1000);
  }
}
