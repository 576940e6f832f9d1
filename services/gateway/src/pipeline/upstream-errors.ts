/** What the client sees when every attempt failed: the last upstream failure as an OpenAI error. */
import { GatewayError, invalidRequest } from "../http/errors";
import { AdapterRequestError } from "../providers/anthropic";
import { UpstreamFailure } from "../upstream/upstream-failure";

export function clientErrorFor(error: unknown): unknown {
  if (error instanceof AdapterRequestError) return invalidRequest(error.message, error.param);
  if (!(error instanceof UpstreamFailure)) return error;
  const retryAfter = error.retryAfterMs === undefined ? 1 : Math.ceil(error.retryAfterMs / 1000);
  switch (error.kind) {
    case "rate_limit":
      return new GatewayError(
        429,
        "rate_limit_error",
        `Upstream rate limit: ${error.message}`,
        "upstream_rate_limited",
        null,
        retryAfter,
      );
    case "timeout":
      return new GatewayError(504, "timeout_error", "The model did not answer in time.", "upstream_timeout");
    case "connection":
      return new GatewayError(
        502,
        "api_error",
        "The model server could not be reached.",
        "upstream_unreachable",
      );
    case "server":
      return error.status === 503
        ? new GatewayError(
            503,
            "service_unavailable_error",
            "The model server is overloaded.",
            "upstream_unavailable",
            null,
            retryAfter,
          )
        : new GatewayError(
            502,
            "api_error",
            `The model server failed (${error.status ?? "no status"}).`,
            "upstream_error",
          );
    default:
      if (error.status === 401 || error.status === 403) {
        return new GatewayError(
          502,
          "api_error",
          "The model server refused the gateway's credentials.",
          "upstream_auth",
        );
      }
      return new GatewayError(
        400,
        "invalid_request_error",
        `The model rejected the request: ${error.message}`,
        error.kind === "context_window_exceeded"
          ? "context_length_exceeded"
          : error.kind === "content_policy"
            ? "content_policy_violation"
            : "upstream_rejected",
      );
  }
}
