import { Counter, collectDefaultMetrics, Histogram, Registry } from "prom-client";

/** The server's Prometheus series; MCP operation names follow the OpenTelemetry MCP conventions. */
export interface Metrics {
  readonly registry: Registry;
  readonly httpRequests: Counter<"route" | "status">;
  readonly operationDuration: Histogram<"method" | "tool" | "outcome">;
  /** Requests decided without the shared rate-limit store (Redis), by the configured behaviour. */
  readonly rateLimitStoreErrors: Counter<"behaviour">;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    httpRequests: new Counter({
      name: "mcp_http_requests_total",
      help: "HTTP requests by route and status",
      labelNames: ["route", "status"],
      registers,
    }),
    operationDuration: new Histogram({
      name: "mcp_server_operation_duration_seconds",
      help: "Duration of MCP tool calls (mcp.server.operation.duration)",
      labelNames: ["method", "tool", "outcome"],
      buckets: [0.005, 0.025, 0.1, 0.25, 1, 2.5, 10, 30],
      registers,
    }),
    rateLimitStoreErrors: new Counter({
      name: "mcp_rate_limit_store_errors_total",
      help: "Requests rate-limited without Redis (unreachable or too slow), by the behaviour applied",
      labelNames: ["behaviour"],
      registers,
    }),
  };
}
