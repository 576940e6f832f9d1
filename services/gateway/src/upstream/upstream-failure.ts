/** Why one call to one deployment failed, classified for the router's retry and fallback decisions. */
import type { UpstreamErrorInfo } from "../providers/types";

export type FailureKind = NonNullable<UpstreamErrorInfo["kind"]> | "timeout" | "connection" | "server";

export class UpstreamFailure extends Error {
  constructor(
    message: string,
    readonly kind: FailureKind,
    /** The upstream's HTTP status, when it answered. */
    readonly status?: number,
    /** From the upstream's `Retry-After`, in ms. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = "UpstreamFailure";
  }

  /** Worth trying again (same group, maybe another deployment). */
  get retryable(): boolean {
    if (
      this.kind === "timeout" ||
      this.kind === "connection" ||
      this.kind === "rate_limit" ||
      this.kind === "server"
    )
      return true;
    return this.status === undefined || this.status === 408 || this.status === 409 || this.status >= 500;
  }

  /** Counts against the deployment's health (a client's bad request does not). */
  get deploymentFault(): boolean {
    return this.retryable || this.status === 401 || this.status === 403;
  }
}

/** `Retry-After` as seconds or an HTTP date, in ms. */
export function parseRetryAfter(
  header: string | string[] | undefined,
  nowMs = Date.now(),
): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
]);
const TIMEOUT_CODES = new Set(["UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT", "UND_ERR_CONNECT_TIMEOUT"]);

/** A transport error (undici, abort) as an UpstreamFailure. */
export function transportFailure(error: unknown): UpstreamFailure {
  if (error instanceof UpstreamFailure) return error;
  const code = (error as { code?: string }).code ?? "";
  const name = (error as { name?: string }).name ?? "";
  if (TIMEOUT_CODES.has(code) || name === "TimeoutError")
    return new UpstreamFailure("upstream timed out", "timeout");
  if (NETWORK_CODES.has(code))
    return new UpstreamFailure(`upstream connection failed (${code})`, "connection");
  return new UpstreamFailure(
    `upstream call failed: ${(error as Error).message ?? String(error)}`,
    "connection",
  );
}
