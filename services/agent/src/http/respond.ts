import type { ServerResponse } from "node:http";
import { AgentError, internalError } from "./errors";

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

/** Answers with the error in the one error shape; an unexpected error becomes a bare 500. */
export function sendError(response: ServerResponse, error: unknown): void {
  const agentError = error instanceof AgentError ? error : internalError();
  if (response.headersSent) {
    response.destroy();
    return;
  }
  sendJson(response, agentError.status, agentError.toBody(), { ...agentError.headers });
}
