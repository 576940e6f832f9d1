/**
 * The one error type the gateway answers with. Every failure a client can see is a GatewayError in
 * OpenAI's error shape; anything else is a bug and answers 500 without details.
 */
export type OpenAIErrorType =
  | "invalid_request_error"
  | "authentication_error"
  | "permission_error"
  | "not_found_error"
  | "rate_limit_error"
  | "insufficient_quota"
  | "api_error"
  | "timeout_error"
  | "service_unavailable_error";

export interface OpenAIErrorBody {
  error: { message: string; type: OpenAIErrorType; param: string | null; code: string | null };
}

export class GatewayError extends Error {
  constructor(
    readonly status: number,
    readonly type: OpenAIErrorType,
    message: string,
    readonly code: string | null = null,
    readonly param: string | null = null,
    /** Seconds; sent as `Retry-After` on 429 and 503. */
    readonly retryAfter?: number,
  ) {
    super(message);
    this.name = "GatewayError";
  }

  toBody(): OpenAIErrorBody {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

export const invalidRequest = (message: string, param: string | null = null, code: string | null = null) =>
  new GatewayError(400, "invalid_request_error", message, code, param);

export const unauthorized = (message: string) =>
  new GatewayError(401, "authentication_error", message, "invalid_api_key");

export const forbidden = (message: string, code = "model_not_allowed") =>
  new GatewayError(403, "permission_error", message, code);

export const notFound = (message: string, code = "model_not_found", param: string | null = "model") =>
  new GatewayError(404, "not_found_error", message, code, param);

export const rateLimited = (message: string, retryAfter: number, code = "rate_limit_exceeded") =>
  new GatewayError(429, "rate_limit_error", message, code, null, retryAfter);

export const budgetExceeded = (message: string, retryAfter: number) =>
  new GatewayError(429, "insufficient_quota", message, "budget_exceeded", null, retryAfter);

export const internalError = () =>
  new GatewayError(500, "api_error", "The gateway failed to handle the request.", "internal_error");
