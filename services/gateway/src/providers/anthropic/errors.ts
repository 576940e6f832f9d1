/** Anthropic's error answers, as HTTP responses or as a streamed `error` event, classified for the router. */
import type { UpstreamErrorInfo } from "../types";

type ErrorKind = NonNullable<UpstreamErrorInfo["kind"]>;

/** A client request the Messages API cannot express (answered 400 before anything is sent upstream). */
export class AdapterRequestError extends Error {
  readonly status = 400;

  constructor(
    message: string,
    /** The offending request field, e.g. `messages[2].tool_calls[0].function.arguments`. */
    readonly param: string,
  ) {
    super(message);
    this.name = "AdapterRequestError";
  }
}

/**
 * A failure Anthropic reported inside an answer that began with 200: an `error` event in a stream, or
 * a body that is not a Message. Carries the same fields as UpstreamErrorInfo so the transport can end
 * the stream (or retry) exactly as it does for an error status.
 */
export class UpstreamStreamError extends Error implements UpstreamErrorInfo {
  constructor(
    message: string,
    readonly status: number,
    /** Set for client-side failures only; a 5xx has none, as in UpstreamErrorInfo. */
    readonly kind?: ErrorKind,
  ) {
    super(message);
    this.name = "UpstreamStreamError";
  }
}

const CONTEXT_WINDOW =
  /prompt is too long|exceed(s|ed)? (the )?context (window|limit)|context window|too many tokens/i;
const CONTENT_POLICY = /content filtering policy|content policy/i;

/** The statuses Anthropic answers its error types with, for streamed errors (which carry only the type). */
const STATUS_BY_TYPE: Readonly<Record<string, number>> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

/** Anthropic's own 529 "overloaded" means what 503 means to OpenAI clients and to the router. */
const status503 = (status: number) => (status === 529 ? 503 : status);

/**
 * The fallback class of a client-side (4xx) failure. Server failures get none: the transport
 * treats every 5xx as the deployment's fault whatever the message says.
 */
function classify(status: number, message: string): ErrorKind | undefined {
  if (status >= 500) return undefined;
  if (status === 429) return "rate_limit";
  if (status === 400 && CONTEXT_WINDOW.test(message)) return "context_window_exceeded";
  if (status === 400 && CONTENT_POLICY.test(message)) return "content_policy";
  return "other";
}

function errorOf(value: unknown): { type?: string; message?: string } | undefined {
  const error = (value as { error?: unknown } | null)?.error;
  return error && typeof error === "object" ? (error as { type?: string; message?: string }) : undefined;
}

/** Classify an error response (`status` and raw body) from the Messages API. */
export function anthropicError(status: number, body: string): UpstreamErrorInfo {
  let message = body.slice(0, 500) || `Anthropic answered HTTP ${status}`;
  try {
    const error = errorOf(JSON.parse(body));
    if (typeof error?.message === "string") message = error.message;
  } catch {
    // Not JSON (a proxy's HTML page, say): keep the truncated text.
  }
  const kind = classify(status, message);
  return { status: status503(status), message, ...(kind ? { kind } : {}) };
}

/** The error to throw for a streamed `error` event (`data` is its JSON payload). */
export function streamedError(payload: unknown): UpstreamStreamError {
  const error = errorOf(payload);
  const message =
    typeof error?.message === "string" ? error.message : "Anthropic ended the stream with an error";
  const status = STATUS_BY_TYPE[error?.type ?? ""] ?? 502;
  return new UpstreamStreamError(message, status503(status), classify(status, message));
}
