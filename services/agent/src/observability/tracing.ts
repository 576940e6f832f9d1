/**
 * OpenTelemetry spans per step (run, routing, model call, tool call), exported as OTLP/HTTP JSON when
 * `telemetry.otlpEndpoint` is set. The provider stays private to the app (not registered globally),
 * so several apps in one process keep their own exporters; parent spans flow through the
 * AsyncLocalStorage context manager. Span attributes carry names and counts, never message content.
 */
import {
  type Attributes,
  context,
  INVALID_SPAN_CONTEXT,
  type Span,
  SpanStatusCode,
  trace,
} from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BatchSpanProcessor, TracerProvider } from "@opentelemetry/sdk-trace";

export interface Tracing {
  /** Runs `work` inside a span that ends when it settles; an error marks the span and is rethrown. */
  span<T>(name: string, attributes: Attributes, work: (span: Span) => Promise<T>): Promise<T>;
  shutdown(): Promise<void>;
}

export interface TracingSettings {
  readonly otlpEndpoint?: string;
  readonly serviceName: string;
}

let contextManagerRegistered = false;

/** Spans go nowhere: the API's non-recording span, so callers need no branches. */
export const noTracing: Tracing = {
  span: (_name, _attributes, work) => work(trace.wrapSpanContext(INVALID_SPAN_CONTEXT)),
  shutdown: async () => {},
};

export function createTracing(settings: TracingSettings): Tracing {
  if (!settings.otlpEndpoint) return noTracing;
  if (!contextManagerRegistered) {
    contextManagerRegistered = context.setGlobalContextManager(
      new AsyncLocalStorageContextManager().enable(),
    );
  }
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ "service.name": settings.serviceName }),
    spanProcessors: [
      new BatchSpanProcessor({
        exporter: new OTLPTraceExporter({ url: settings.otlpEndpoint }),
        scheduledDelayMillis: 1_000,
      }),
    ],
  });
  const tracer = provider.getTracer("agent-service");
  return {
    span(name, attributes, work) {
      return tracer.startActiveSpan(name, { attributes }, async (span) => {
        try {
          return await work(span);
        } catch (error) {
          span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
          throw error;
        } finally {
          span.end();
        }
      });
    },
    shutdown: () => provider.shutdown(),
  };
}
