/**
 * Prometheus series named after the OpenTelemetry GenAI semantic conventions (dots become
 * underscores, units become suffixes), plus the gateway's own operational series.
 */
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { Deployment } from "../config/gateway-config";

const LATENCY_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];
const OVERHEAD_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1];
const TOKEN_BUCKETS = [1, 16, 64, 256, 1024, 4096, 16384, 65536, 262144];

export interface CallLabels {
  readonly model: string;
  readonly deployment?: Deployment;
  readonly operation: string;
}

export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly duration = new Histogram({
    name: "gen_ai_server_request_duration_seconds",
    help: "Time from request to the end of the answer (gen_ai.server.request.duration).",
    labelNames: ["gen_ai_operation_name", "gen_ai_request_model", "gen_ai_system", "error_type"],
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  private readonly firstToken = new Histogram({
    name: "gen_ai_server_time_to_first_token_seconds",
    help: "Time to the first streamed chunk (gen_ai.server.time_to_first_token).",
    labelNames: ["gen_ai_operation_name", "gen_ai_request_model", "gen_ai_system"],
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  private readonly tokens = new Histogram({
    name: "gen_ai_client_token_usage",
    help: "Tokens per request by type (gen_ai.client.token.usage).",
    labelNames: ["gen_ai_operation_name", "gen_ai_request_model", "gen_ai_token_type"],
    buckets: TOKEN_BUCKETS,
    registers: [this.registry],
  });
  private readonly cost = new Counter({
    name: "gen_ai_client_cost_usd_total",
    help: "Spend in USD by model.",
    labelNames: ["gen_ai_request_model"],
    registers: [this.registry],
  });
  private readonly overhead = new Histogram({
    name: "gateway_overhead_seconds",
    help: "Time the gateway itself adds before the upstream call (auth, limits, routing).",
    buckets: OVERHEAD_BUCKETS,
    registers: [this.registry],
  });
  private readonly retries = new Counter({
    name: "gateway_retries_total",
    help: "Upstream calls retried.",
    labelNames: ["deployment"],
    registers: [this.registry],
  });
  private readonly fallbacks = new Counter({
    name: "gateway_fallbacks_total",
    help: "Requests that moved to a fallback model group.",
    labelNames: ["from", "to"],
    registers: [this.registry],
  });
  private readonly cooldowns = new Gauge({
    name: "gateway_deployment_cooldown",
    help: "1 while a deployment's circuit breaker is open.",
    labelNames: ["deployment", "model_group"],
    registers: [this.registry],
  });
  private readonly cacheLookups = new Counter({
    name: "gateway_cache_lookups_total",
    help: "Response cache lookups by result.",
    labelNames: ["result"],
    registers: [this.registry],
  });
  private readonly rejections = new Counter({
    name: "gateway_rate_limit_rejections_total",
    help: "Requests refused by a rate limit or budget.",
    labelNames: ["reason"],
    registers: [this.registry],
  });
  private readonly requests = new Counter({
    name: "gateway_http_requests_total",
    help: "HTTP requests by route and status.",
    labelNames: ["route", "status"],
    registers: [this.registry],
  });

  call(labels: CallLabels, seconds: number, errorType?: string): void {
    this.duration
      .labels(labels.operation, labels.model, labels.deployment?.provider ?? "", errorType ?? "")
      .observe(seconds);
  }

  firstTokenAfter(labels: CallLabels, seconds: number): void {
    this.firstToken
      .labels(labels.operation, labels.model, labels.deployment?.provider ?? "")
      .observe(seconds);
  }

  usage(operation: string, model: string, input: number, output: number, usd: number): void {
    this.tokens.labels(operation, model, "input").observe(input);
    if (output > 0) this.tokens.labels(operation, model, "output").observe(output);
    if (usd > 0) this.cost.labels(model).inc(usd);
  }

  gatewayOverhead(seconds: number): void {
    this.overhead.observe(seconds);
  }

  retry(deployment: Deployment): void {
    this.retries.labels(deployment.id).inc();
  }

  fallback(from: string, to: string): void {
    this.fallbacks.labels(from, to).inc();
  }

  cooldown(deployment: Deployment, open: boolean): void {
    this.cooldowns.labels(deployment.id, deployment.group).set(open ? 1 : 0);
  }

  cacheLookup(hit: boolean): void {
    this.cacheLookups.labels(hit ? "hit" : "miss").inc();
  }

  rejected(reason: string): void {
    this.rejections.labels(reason).inc();
  }

  request(route: string, status: number): void {
    this.requests.labels(route, String(status)).inc();
  }
}
