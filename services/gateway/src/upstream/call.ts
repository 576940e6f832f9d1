/**
 * The two ways the gateway calls a deployment: a whole JSON answer, or a stream that counts as
 * started only once its first event arrived (so a stream that fails before that can be retried).
 */
import type { Dispatcher } from "undici";
import type { Deployment } from "../config/gateway-config";
import type {
  ChatAdapter,
  ChatCompletionChunk,
  SseEvent,
  StreamTranslator,
  UpstreamRequest,
} from "../providers/types";
import type { UpstreamPools } from "./pools";
import { readSseEvents } from "./sse";
import { type FailureKind, parseRetryAfter, transportFailure, UpstreamFailure } from "./upstream-failure";

type ErrorClassifier = ChatAdapter["error"];

function kindFor(status: number, classified: FailureKind | undefined): FailureKind {
  if (status === 429) return "rate_limit";
  if (status === 408) return "timeout";
  if (status >= 500) return "server";
  return classified ?? "other";
}

/** An error status from the upstream as an UpstreamFailure (the body is read and classified). */
export async function failureFrom(
  response: Dispatcher.ResponseData,
  classify: ErrorClassifier,
): Promise<UpstreamFailure> {
  const text = await response.body.text().catch(() => "");
  const info = classify(response.statusCode, text);
  const status = info.status || response.statusCode;
  return new UpstreamFailure(
    info.message,
    kindFor(status, info.kind),
    status,
    parseRetryAfter(response.headers["retry-after"]),
  );
}

async function send(
  pools: UpstreamPools,
  deployment: Deployment,
  request:
    | UpstreamRequest
    | { path: string; headers: Record<string, string>; body: Dispatcher.DispatchOptions["body"] },
  headersTimeoutMs: number,
  bodyTimeoutMs: number,
  signal?: AbortSignal,
): Promise<Dispatcher.ResponseData> {
  try {
    return await pools.request({
      url: `${deployment.baseUrl}${request.path}`,
      headers: request.headers,
      body: request.body as string,
      headersTimeoutMs,
      bodyTimeoutMs,
      signal,
    });
  } catch (error) {
    throw transportFailure(error);
  }
}

/** A non-streamed call: the parsed JSON answer, or an UpstreamFailure. */
export async function callJson(
  pools: UpstreamPools,
  deployment: Deployment,
  request: UpstreamRequest,
  classify: ErrorClassifier,
): Promise<unknown> {
  const signal = AbortSignal.timeout(deployment.timeoutMs);
  const response = await send(pools, deployment, request, deployment.timeoutMs, deployment.timeoutMs, signal);
  if (response.statusCode >= 400) throw await failureFrom(response, classify);
  try {
    return await response.body.json();
  } catch (error) {
    throw transportFailure(error);
  }
}

/** A call whose answer is passed on as bytes (speech audio): the response once its status is known good. */
export async function callRaw(
  pools: UpstreamPools,
  deployment: Deployment,
  request: { path: string; headers: Record<string, string>; body: Dispatcher.DispatchOptions["body"] },
  classify: ErrorClassifier,
): Promise<Dispatcher.ResponseData> {
  const response = await send(
    pools,
    deployment,
    request,
    deployment.streamFirstByteTimeoutMs,
    deployment.streamIdleTimeoutMs,
  );
  if (response.statusCode >= 400) throw await failureFrom(response, classify);
  return response;
}

export interface OpenedStream {
  /** Chunks translated from the events read so far (at least the first event). */
  readonly first: ChatCompletionChunk[];
  readonly translator: StreamTranslator;
  readonly events: AsyncIterator<SseEvent>;
  /** Ends the upstream call early (client went away). */
  cancel(): void;
}

/**
 * Opens a stream and waits for its first chunk, all within the deployment's time-to-first-byte
 * budget. Timers here are native: undici's own timeouts tick too coarsely for sub-second budgets.
 */
export async function openStream(
  pools: UpstreamPools,
  deployment: Deployment,
  request: UpstreamRequest,
  adapter: ChatAdapter,
  model: string,
): Promise<OpenedStream> {
  const controller = new AbortController();
  const cancel = () => controller.abort();
  const opening = async () => {
    const response = await send(
      pools,
      deployment,
      request,
      deployment.streamFirstByteTimeoutMs,
      deployment.streamIdleTimeoutMs,
      controller.signal,
    );
    if (response.statusCode >= 400) throw await failureFrom(response, adapter.error);
    const translator = adapter.chatStream(model);
    const events = readSseEvents(response.body)[Symbol.asyncIterator]();
    const first: ChatCompletionChunk[] = [];
    // Skip events that translate to nothing (pings) until the first real chunk.
    while (first.length === 0) {
      const next = await events.next();
      if (next.done)
        throw new UpstreamFailure("upstream closed the stream before its first chunk", "connection");
      first.push(...translateEvent(translator, next.value));
    }
    return {
      first,
      translator,
      events: withIdleTimeout(events, deployment.streamIdleTimeoutMs, cancel),
      cancel,
    };
  };
  try {
    return await withDeadline(
      opening(),
      deployment.streamFirstByteTimeoutMs,
      cancel,
      "upstream sent no first chunk in time",
    );
  } catch (error) {
    cancel();
    throw transportFailure(error);
  }
}

function withDeadline<T>(
  promise: Promise<T>,
  ms: number,
  onTimeout: () => void,
  message: string,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout();
      reject(new UpstreamFailure(message, "timeout"));
    }, ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** Each next event must arrive within `idleMs` of the previous one, or the stream is cut. */
function withIdleTimeout<T>(events: AsyncIterator<T>, idleMs: number, cancel: () => void): AsyncIterator<T> {
  return {
    next: () => withDeadline(events.next(), idleMs, cancel, "upstream stream went silent"),
    return: async () => {
      cancel();
      return { done: true, value: undefined };
    },
  };
}

/** One event through the translator; an error event or unparsable data becomes an UpstreamFailure. */
export function translateEvent(translator: StreamTranslator, event: SseEvent): ChatCompletionChunk[] {
  try {
    return translator.push(event);
  } catch (error) {
    const status = (error as { status?: number }).status;
    const kind = (error as { kind?: FailureKind }).kind;
    throw new UpstreamFailure(
      `upstream stream failed: ${(error as Error).message}`,
      kind ?? (status === 429 ? "rate_limit" : "server"),
      status,
    );
  }
}
