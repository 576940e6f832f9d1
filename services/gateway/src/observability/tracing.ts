/**
 * Optional OpenTelemetry traces: one span per model call (parented to the caller's `traceparent`)
 * and one client span per upstream attempt, whose context travels upstream in `traceparent`.
 * Attributes follow the GenAI semantic conventions; prompts, answers and keys are never recorded.
 * Off by default: then every method is a no-op and nothing is allocated per request.
 */
import type { IncomingHttpHeaders } from "node:http";
import {
  type Context,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  type TextMapGetter,
  type TextMapSetter,
  type Tracer,
  trace,
} from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import {
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  TracerProvider,
} from "@opentelemetry/sdk-trace";
import type { Deployment, TracingSettings } from "../config/gateway-config";
import { UpstreamFailure } from "../upstream/upstream-failure";

export interface CallTraceStart {
  /** `gen_ai.operation.name`: chat, text_completion, embeddings, rerank, ... */
  readonly operation: string;
  readonly group: string;
  readonly stream: boolean;
  readonly headers: IncomingHttpHeaders;
}

export interface CallTraceEnd {
  readonly status: number;
  readonly deployment?: Deployment;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly costUsd: number;
  readonly cacheHit: boolean;
}

export interface AttemptTrace {
  /** Headers that carry this attempt's context upstream (empty when tracing is off). */
  readonly headers: Readonly<Record<string, string>>;
  end(failure?: { readonly kind: string; readonly status?: number }): void;
}

export interface CallTrace {
  attempt(deployment: Deployment, number: number): AttemptTrace;
  end(outcome: CallTraceEnd): void;
}

export interface GatewayTracing {
  startCall(start: CallTraceStart): CallTrace;
  /** Exports what is buffered; called at shutdown. */
  shutdown(): Promise<void>;
}

const NO_ATTEMPT: AttemptTrace = { headers: {}, end() {} };

/** Runs one attempt inside its span, which records the failure kind when it throws. */
export async function inSpan<T>(attempt: AttemptTrace, run: () => Promise<T>): Promise<T> {
  if (attempt === NO_ATTEMPT) return run();
  try {
    const result = await run();
    attempt.end();
    return result;
  } catch (error) {
    attempt.end(
      error instanceof UpstreamFailure ? { kind: error.kind, status: error.status } : { kind: "internal" },
    );
    throw error;
  }
}

const NO_CALL: CallTrace = { attempt: () => NO_ATTEMPT, end() {} };
export const TRACING_OFF: GatewayTracing = { startCall: () => NO_CALL, shutdown: async () => {} };

const propagator = new W3CTraceContextPropagator();
const headerGetter: TextMapGetter<IncomingHttpHeaders> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => carrier[key],
};
const recordSetter: TextMapSetter<Record<string, string>> = {
  set: (carrier, key, value) => {
    carrier[key] = value;
  },
};

function serverAddress(baseUrl: string): Record<string, string | number> {
  try {
    const url = new URL(baseUrl);
    return {
      "server.address": url.hostname,
      "server.port": Number(url.port || (url.protocol === "https:" ? 443 : 80)),
    };
  } catch {
    return {};
  }
}

function attemptTrace(
  tracer: Tracer,
  parent: Context,
  operation: string,
  deployment: Deployment,
  number: number,
) {
  const span = tracer.startSpan(
    `${operation} ${deployment.upstreamModel}`,
    {
      kind: SpanKind.CLIENT,
      attributes: {
        "gen_ai.operation.name": operation,
        "gen_ai.provider.name": deployment.provider,
        "gen_ai.request.model": deployment.upstreamModel,
        "gateway.deployment.id": deployment.id,
        "gateway.attempt": number,
        ...serverAddress(deployment.baseUrl),
      },
    },
    parent,
  );
  const headers: Record<string, string> = {};
  propagator.inject(trace.setSpan(parent, span), headers, recordSetter);
  return {
    headers,
    end(failure?: { kind: string; status?: number }) {
      if (failure) {
        span.setAttribute("error.type", failure.kind);
        if (failure.status) span.setAttribute("http.response.status_code", failure.status);
        span.setStatus({ code: SpanStatusCode.ERROR });
      }
      span.end();
    },
  };
}

function callTrace(tracer: Tracer, start: CallTraceStart): CallTrace {
  const parent = propagator.extract(ROOT_CONTEXT, start.headers, headerGetter);
  const span: Span = tracer.startSpan(
    `${start.operation} ${start.group}`,
    {
      kind: SpanKind.SERVER,
      attributes: {
        "gen_ai.operation.name": start.operation,
        "gen_ai.request.model": start.group,
        "gateway.stream": start.stream,
      },
    },
    parent,
  );
  const own = trace.setSpan(parent, span);
  return {
    attempt: (deployment, number) => attemptTrace(tracer, own, start.operation, deployment, number),
    end(outcome) {
      span.setAttributes({
        "http.response.status_code": outcome.status,
        "gen_ai.usage.input_tokens": outcome.inputTokens,
        "gen_ai.usage.output_tokens": outcome.outputTokens,
        "gateway.cost_usd": outcome.costUsd,
        "gateway.cache_hit": outcome.cacheHit,
      });
      if (outcome.deployment) {
        span.setAttributes({
          "gen_ai.provider.name": outcome.deployment.provider,
          "gen_ai.response.model": outcome.deployment.upstreamModel,
          "gateway.deployment.id": outcome.deployment.id,
        });
      }
      if (outcome.status >= 500) {
        span.setAttribute("error.type", String(outcome.status));
        span.setStatus({ code: SpanStatusCode.ERROR });
      }
      span.end();
    },
  };
}

/** Traces exported over OTLP/HTTP (JSON) in batches off the request path, or none without settings. */
export function createTracing(settings: TracingSettings | undefined): GatewayTracing {
  if (!settings) return TRACING_OFF;
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ "service.name": settings.serviceName }),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(settings.sampleRatio) }),
    spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: settings.endpoint }) })],
  });
  const tracer = provider.getTracer("ai-platform-gateway");
  return {
    startCall: (start) => callTrace(tracer, start),
    shutdown: () => provider.shutdown(),
  };
}
