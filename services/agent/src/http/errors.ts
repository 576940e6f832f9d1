/**
 * The one error type the service answers with, in OpenAI's error shape (as the gateway does):
 * `{"error":{"message","type","param","code"}}`. Anything else thrown is a bug and answers 500
 * without details.
 */
export type ErrorType =
  | "invalid_request_error"
  | "authentication_error"
  | "permission_error"
  | "not_found_error"
  | "conflict_error"
  | "rate_limit_error"
  | "api_error"
  | "timeout_error"
  | "service_unavailable_error";

export interface ErrorBody {
  error: { message: string; type: ErrorType; param: string | null; code: string | null };
}

export class AgentError extends Error {
  constructor(
    readonly status: number,
    readonly type: ErrorType,
    message: string,
    readonly code: string | null = null,
    readonly param: string | null = null,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = "AgentError";
  }

  toBody(): ErrorBody {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

export const invalidRequest = (message: string, code = "invalid_request", param: string | null = null) =>
  new AgentError(400, "invalid_request_error", message, code, param);

export const unauthorized = (message: string) =>
  new AgentError(401, "authentication_error", message, "invalid_credentials", null, {
    "www-authenticate": 'Bearer realm="agent-service"',
  });

export const notFound = (message: string, code: string, param: string | null = null) =>
  new AgentError(404, "not_found_error", message, code, param);

export const conflict = (message: string, code: string) =>
  new AgentError(409, "conflict_error", message, code);

export const upstreamUnavailable = (message: string, code = "gateway_unavailable") =>
  new AgentError(502, "api_error", message, code);

export const internalError = () =>
  new AgentError(500, "api_error", "The agent service failed to handle the request.", "internal_error");
