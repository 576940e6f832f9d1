import type { IncomingMessage } from "node:http";
import { AgentError, invalidRequest } from "./errors";

const tooLarge = (limitBytes: number) =>
  new AgentError(
    413,
    "invalid_request_error",
    `Request body is larger than the limit of ${limitBytes} bytes.`,
    "request_too_large",
  );

async function readBody(request: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const declared = Number(request.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limitBytes) {
    request.resume();
    throw tooLarge(limitBytes);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limitBytes) {
      request.resume();
      throw tooLarge(limitBytes);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks, size);
}

/** A JSON object body; wrong content type, malformed JSON or a non-object is a 4xx that says which. */
export async function readJsonObject(
  request: IncomingMessage,
  limitBytes: number,
): Promise<Record<string, unknown>> {
  const mediaType = request.headers["content-type"]?.split(";")[0]?.trim().toLowerCase();
  if (mediaType !== "application/json") {
    request.resume();
    throw new AgentError(
      415,
      "invalid_request_error",
      `Content-Type must be application/json (got ${request.headers["content-type"] ?? "none"}).`,
      "unsupported_media_type",
    );
  }
  const body = await readBody(request, limitBytes);
  if (body.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString("utf8"));
  } catch (error) {
    throw invalidRequest(`Request body is not valid JSON: ${(error as Error).message}`, "invalid_json");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    throw invalidRequest("Request body must be a JSON object.", "invalid_json");
  return parsed as Record<string, unknown>;
}
