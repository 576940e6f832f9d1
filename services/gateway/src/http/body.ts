import type { IncomingMessage } from "node:http";
import { GatewayError, invalidRequest } from "./errors";

export const tooLarge = (limitBytes: number) =>
  new GatewayError(
    413,
    "invalid_request_error",
    `Request body is larger than the limit of ${limitBytes} bytes.`,
    "request_too_large",
  );

/** The request body as a Buffer, refusing bodies over `limitBytes` without reading them whole. */
export async function readBody(request: IncomingMessage, limitBytes: number): Promise<Buffer> {
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
  return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size);
}

function isJsonContentType(header: string | undefined): boolean {
  if (!header) return false;
  const mediaType = header.split(";")[0]?.trim().toLowerCase();
  return mediaType === "application/json" || (mediaType?.endsWith("+json") ?? false);
}

/** A JSON object body; wrong content type, malformed JSON or a non-object is a 400 that says which. */
export async function readJsonObject(
  request: IncomingMessage,
  limitBytes: number,
): Promise<Record<string, unknown>> {
  if (!isJsonContentType(request.headers["content-type"])) {
    request.resume();
    throw new GatewayError(
      415,
      "invalid_request_error",
      `Content-Type must be application/json (got ${request.headers["content-type"] ?? "none"}).`,
      "unsupported_media_type",
    );
  }
  const body = await readBody(request, limitBytes);
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString("utf8"));
  } catch (error) {
    throw invalidRequest(`Request body is not valid JSON: ${(error as Error).message}`, null, "invalid_json");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw invalidRequest("Request body must be a JSON object.", null, "invalid_json");
  }
  return parsed as Record<string, unknown>;
}
