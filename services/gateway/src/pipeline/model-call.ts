/**
 * One model call from an authenticated request to the response: model checks, cache, reservation,
 * routing with retries and fallbacks, the answer (whole or streamed), then settle and spend.
 */
import type { IncomingHttpHeaders, ServerResponse } from "node:http";
import type { GatewayContext } from "../app/gateway-context";
import type { Deployment } from "../config/gateway-config";
import type { ModelMode } from "../config/litellm-schema";
import { invalidRequest } from "../http/errors";
import { sendError, sendJson } from "../http/respond";
import { type AttemptTrace, type CallTrace, inSpan } from "../observability/tracing";
import { shapeBody, upstreamHeaders } from "../providers/openai-compatible/adapter";
import { providerProfile } from "../providers/providers";
import type {
  ChatCompletionChunk,
  ChatCompletionRequest,
  UpstreamRequest,
  UpstreamTarget,
  Usage,
} from "../providers/types";
import { DEFAULT_COMPLETION_RESERVE, estimatePromptTokens, pricesFor, tokenCostUsd } from "../spend/pricing";
import { callJson, type OpenedStream, openStream } from "../upstream/call";
import { type Reservation, reserve, settle } from "./admission";
import { type Caller, mayUse, servingDeployments } from "./caller";
import { recordSpend } from "./record-spend";
import { type CacheControl, type CachePolicy, cacheKeyFor, readCache, writeCache } from "./response-cache";
import { writeStream } from "./stream-response";
import { clientErrorFor } from "./upstream-errors";

export type Operation = "chat" | "text_completion" | "embeddings" | "rerank";

export interface ModelCall {
  readonly operation: Operation;
  /** Upstream path for OpenAI-compatible deployments (chat goes through the adapter). */
  readonly path: string;
  readonly body: Record<string, unknown>;
  readonly modes: readonly ModelMode[];
  /** The request's own cache control (LiteLLM's `cache` field), taken out of the body. */
  readonly cacheControl?: CacheControl;
  readonly startedMs: number;
  /** `performance.now()` when the request arrived, for the overhead metric. */
  readonly startedPerf: number;
  /** The client's headers, for its trace context (`traceparent`). */
  readonly requestHeaders: IncomingHttpHeaders;
}

export function targetOf(deployment: Deployment): UpstreamTarget {
  return {
    baseUrl: deployment.baseUrl,
    model: deployment.upstreamModel,
    apiKey: deployment.apiKey,
    headers: deployment.headers,
  };
}

function usageTokens(usage: Usage | undefined): { prompt: number; completion: number } {
  return { prompt: usage?.prompt_tokens ?? 0, completion: usage?.completion_tokens ?? 0 };
}

export interface CallOutcome {
  readonly deployment?: Deployment;
  readonly usage?: Usage;
  readonly status: number;
  readonly cacheHit: boolean;
}

/** Settles the reservation and records spend once the answer is complete (or failed). */
function finish(
  context: GatewayContext,
  caller: Caller,
  call: ModelCall,
  group: string,
  reservation: Reservation | undefined,
  outcome: CallOutcome,
  trace: CallTrace,
): number {
  const { prompt, completion } = usageTokens(outcome.usage);
  const costUsd =
    outcome.deployment && !outcome.cacheHit
      ? tokenCostUsd(pricesFor(outcome.deployment), { promptTokens: prompt, completionTokens: completion })
      : 0;
  if (reservation)
    context.background(settle(context.state, reservation, prompt + completion, costUsd), "settle");
  if (outcome.deployment && !outcome.cacheHit && context.runtime.router.tracksUsage(outcome.deployment)) {
    context.background(
      context.state.countDeployment(outcome.deployment.id, prompt + completion, Date.now()),
      "count deployment",
    );
  }
  recordSpend(context, {
    caller,
    operation: call.operation,
    group,
    deployment: outcome.deployment,
    promptTokens: prompt,
    completionTokens: completion,
    costUsd,
    status: outcome.status,
    startedMs: call.startedMs,
    cacheHit: outcome.cacheHit,
    user: typeof call.body.user === "string" ? call.body.user : undefined,
  });
  trace.end({
    status: outcome.status,
    deployment: outcome.deployment,
    inputTokens: prompt,
    outputTokens: completion,
    costUsd,
    cacheHit: outcome.cacheHit,
  });
  return costUsd;
}

function reserveCostUsd(deployments: readonly Deployment[], tokensIn: number, tokensOut: number): number {
  return Math.max(
    0,
    ...deployments.map((deployment) =>
      tokenCostUsd(pricesFor(deployment), { promptTokens: tokensIn, completionTokens: tokensOut }),
    ),
  );
}

/** The request with the attempt's trace headers added (the same object when there are none). */
function traced(request: UpstreamRequest, attempt: AttemptTrace): UpstreamRequest {
  if (!attempt.headers.traceparent) return request;
  return { ...request, headers: { ...request.headers, ...attempt.headers } };
}

async function callOnce(
  context: GatewayContext,
  call: ModelCall,
  deployment: Deployment,
  group: string,
  attempt: AttemptTrace,
): Promise<{ body: unknown; usage?: Usage }> {
  const adapter = context.adapterFor(deployment);
  const target = targetOf(deployment);
  if (call.operation === "chat") {
    const request = traced(adapter.chatRequest(call.body as ChatCompletionRequest, target), attempt);
    const completion = adapter.chatResponse(
      await callJson(context.pools, deployment, request, adapter.error),
      group,
    );
    return { body: completion, usage: completion.usage };
  }
  if (deployment.adapter !== "openai")
    throw invalidRequest(`The model '${group}' does not support ${call.operation}.`, "model");
  const profile = providerProfile(deployment.provider);
  const body = profile ? shapeBody(call.body, target, profile) : { ...call.body, model: target.model };
  const answer = (await callJson(
    context.pools,
    deployment,
    traced({ path: call.path, headers: upstreamHeaders(target), body: JSON.stringify(body) }, attempt),
    adapter.error,
  )) as Record<string, unknown>;
  answer.model = group;
  const usage = answer.usage as Usage | undefined;
  return { body: answer, usage };
}

export async function handleModelCall(
  context: GatewayContext,
  response: ServerResponse,
  caller: Caller,
  call: ModelCall,
): Promise<void> {
  const { router } = context.runtime;
  const group = call.body.model as string;
  const usable = servingDeployments(context, caller, group, call.modes, call.operation);

  const stream = call.body.stream === true;
  const trace = context.tracing.startCall({
    operation: call.operation,
    group,
    stream,
    headers: call.requestHeaders,
  });
  const cachePolicy: CachePolicy = {
    settings: context.runtime.config.cache,
    caller,
    body: call.body,
    stream,
    control: call.cacheControl,
  };
  const cacheKey = cacheKeyFor(cachePolicy, group, call.path);
  if (cacheKey) {
    const cached = await readCache(context, cacheKey);
    context.metrics.cacheLookup(cached !== undefined);
    if (cached !== undefined) {
      finish(context, caller, call, group, undefined, { status: 200, cacheHit: true }, trace);
      if (stream)
        return writeStream(context, response, {
          cached: cached as ChatCompletionChunk[],
          includeUsage: includeUsage(call),
          headers: { "x-cache": "HIT" },
        });
      return sendJson(response, 200, cached, { "x-cache": "HIT", "x-gateway-cost": "0" });
    }
  }

  const promptTokens = estimatePromptTokens(call.body.messages ?? call.body.prompt ?? call.body.input);
  const maxTokens =
    Number(call.body.max_completion_tokens ?? call.body.max_tokens ?? 0) ||
    (call.operation === "embeddings" || call.operation === "rerank" ? 0 : DEFAULT_COMPLETION_RESERVE);
  const reservation = await reserve(
    context.state,
    context.metrics,
    caller,
    promptTokens + maxTokens,
    reserveCostUsd(usable, promptTokens, maxTokens),
    Date.now(),
  );
  context.metrics.gatewayOverhead((performance.now() - call.startedPerf) / 1000);

  const routeRequest = {
    group,
    stream,
    estimatedTokens: promptTokens + maxTokens,
    allowed: (name: string) => mayUse(caller, name),
  };
  try {
    if (stream) {
      let chosen: Deployment | undefined;
      const opened = await router.route<OpenedStream>(routeRequest, async (deployment, number) => {
        chosen = deployment;
        const adapter = context.adapterFor(deployment);
        const attempt = trace.attempt(deployment, number);
        const request = traced(
          call.operation === "chat"
            ? adapter.chatRequest(call.body as ChatCompletionRequest, targetOf(deployment))
            : passthroughRequest(call, deployment),
          attempt,
        );
        const t0 = performance.now();
        const result = await inSpan(attempt, () =>
          openStream(context.pools, deployment, request, adapter, group),
        );
        router.stats.recordFirstToken(deployment.id, performance.now() - t0);
        context.metrics.firstTokenAfter(
          { model: group, deployment, operation: call.operation },
          (performance.now() - call.startedPerf) / 1000,
        );
        return result;
      });
      const deployment = chosen as Deployment;
      await writeStream(context, response, {
        opened,
        includeUsage: includeUsage(call),
        headers: cacheKey ? { "x-cache": "MISS" } : {},
        onComplete: (usage, chunks, failed) => {
          if (cacheKey && !failed && chunks.length > 0) {
            context.background(writeCache(context, cacheKey, chunks, call.cacheControl?.ttl), "cache write");
          }
          return finish(
            context,
            caller,
            call,
            group,
            reservation,
            { deployment, usage, status: failed ? 502 : 200, cacheHit: false },
            trace,
          );
        },
      });
      return;
    }
    let chosen: Deployment | undefined;
    const result = await router.route(routeRequest, async (deployment, number) => {
      chosen = deployment;
      const t0 = performance.now();
      const attempt = trace.attempt(deployment, number);
      const answer = await inSpan(attempt, () => callOnce(context, call, deployment, group, attempt));
      router.stats.recordLatency(deployment.id, performance.now() - t0);
      return answer;
    });
    const costUsd = finish(
      context,
      caller,
      call,
      group,
      reservation,
      { deployment: chosen, usage: result.usage, status: 200, cacheHit: false },
      trace,
    );
    if (cacheKey)
      context.background(writeCache(context, cacheKey, result.body, call.cacheControl?.ttl), "cache write");
    sendJson(response, 200, result.body, {
      "x-gateway-cost": costUsd.toFixed(8),
      ...(cacheKey ? { "x-cache": "MISS" } : {}),
    });
  } catch (error) {
    const clientError = clientErrorFor(error);
    finish(context, caller, call, group, reservation, { status: 502, cacheHit: false }, trace);
    sendError(response, clientError);
  }
}

function includeUsage(call: ModelCall): boolean {
  return (call.body.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true;
}

function passthroughRequest(call: ModelCall, deployment: Deployment) {
  const target = targetOf(deployment);
  const profile = providerProfile(deployment.provider);
  if (deployment.adapter !== "openai" || !profile)
    throw invalidRequest(`The model does not support streamed ${call.operation}.`, "model");
  const body = shapeBody(call.body, target, profile);
  if (profile.streamUsage) body.stream_options = { include_usage: true };
  return { path: call.path, headers: upstreamHeaders(target), body: JSON.stringify(body) };
}
