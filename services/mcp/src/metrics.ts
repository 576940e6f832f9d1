import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/** The server's Prometheus series; MCP operation names follow the OpenTelemetry MCP conventions. */
export interface Metrics {
  readonly registry: Registry;
  readonly httpRequests: Counter<"route" | "status">;
  readonly operationDuration: Histogram<"method" | "tool" | "outcome">;
  /** Requests decided without the shared rate-limit store (Redis), by the configured behaviour. */
  readonly rateLimitStoreErrors: Counter<"behaviour">;
  readonly auditKafkaSent: Counter;
  /** Audit records that never reached Kafka, by why; stdout still has them. */
  readonly auditKafkaDropped: Counter<"reason">;
  /** Failed deliveries to the Kafka bridge, retried or not. */
  readonly auditKafkaFailures: Counter<"kind">;
  readonly auditKafkaQueued: Gauge;
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
    auditKafkaSent: new Counter({
      name: "mcp_audit_kafka_sent_total",
      help: "Audit records acknowledged by the Kafka bridge",
      registers,
    }),
    auditKafkaDropped: new Counter({
      name: "mcp_audit_kafka_dropped_total",
      help: "Audit records given up on (queue_full, rejected, undeliverable, shutdown); stdout still has them",
      labelNames: ["reason"],
      registers,
    }),
    auditKafkaFailures: new Counter({
      name: "mcp_audit_kafka_send_failures_total",
      help: "Failed deliveries to the Kafka bridge by kind (connection, status, record)",
      labelNames: ["kind"],
      registers,
    }),
    auditKafkaQueued: new Gauge({
      name: "mcp_audit_kafka_queue_records",
      help: "Audit records waiting for the Kafka bridge",
      registers,
    }),
  };
}
