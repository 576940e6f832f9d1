import type { ServerResponse } from "node:http";

/** The one error type of the HTTP layer: a status, a machine code, a message, optional headers. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  if (response.headersSent) return void response.end();
  response.writeHead(status, { "content-type": "application/json", ...headers });
  response.end(JSON.stringify(body));
}

/** JSON-RPC shaped so MCP clients surface the message; `id` null because the request never reached the server. */
export function sendHttpError(response: ServerResponse, error: HttpError): void {
  sendJson(
    response,
    error.status,
    { jsonrpc: "2.0", error: { code: -32000, message: error.message, data: { code: error.code } }, id: null },
    error.headers,
  );
}
