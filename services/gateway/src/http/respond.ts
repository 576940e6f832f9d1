import type { ServerResponse } from "node:http";
import { GatewayError, internalError } from "./errors";

export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const payload = JSON.stringify(body);
  response.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(payload),
    ...headers,
  });
  response.end(payload);
}

/** Answers with the error in OpenAI's shape; an unexpected error becomes a bare 500, never a stack trace. */
export function sendError(
  response: ServerResponse,
  error: unknown,
  headers: Record<string, string> = {},
): void {
  const gatewayError = error instanceof GatewayError ? error : internalError();
  if (response.headersSent) {
    response.destroy();
    return;
  }
  const extra: Record<string, string> = { ...headers };
  if (gatewayError.retryAfter !== undefined)
    extra["retry-after"] = String(Math.max(1, Math.ceil(gatewayError.retryAfter)));
  sendJson(response, gatewayError.status, gatewayError.toBody(), extra);
}
