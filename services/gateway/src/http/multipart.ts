/**
 * A push parser for multipart/form-data: feed it chunks as they arrive, get part starts, data and
 * ends back. It never holds more than one chunk plus a boundary's length, so an upload of any size
 * passes through in constant memory.
 */
import { invalidRequest } from "./errors";

export interface PartHeaders {
  readonly name: string;
  readonly filename?: string;
  readonly contentType?: string;
}

export type MultipartEvent =
  | { readonly type: "start"; readonly part: PartHeaders }
  | { readonly type: "data"; readonly data: Buffer }
  | { readonly type: "end" };

const MAX_HEADER_BYTES = 16 * 1024;

export function boundaryOf(contentType: string | undefined): string {
  const match = /^multipart\/form-data\s*;.*boundary=(?:"([^"]+)"|([^\s;]+))/i.exec(contentType ?? "");
  const boundary = match?.[1] ?? match?.[2];
  if (!boundary)
    throw invalidRequest(
      "Content-Type must be multipart/form-data with a boundary.",
      null,
      "unsupported_media_type",
    );
  return boundary;
}

function parseHeaders(block: string): PartHeaders {
  let name: string | undefined;
  let filename: string | undefined;
  let contentType: string | undefined;
  for (const line of block.split("\r\n")) {
    const colon = line.indexOf(":");
    const header = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (header === "content-disposition") {
      name = /\bname="([^"]*)"/i.exec(value)?.[1];
      filename = /\bfilename="([^"]*)"/i.exec(value)?.[1];
    } else if (header === "content-type") contentType = value;
  }
  if (name === undefined)
    throw invalidRequest("A multipart part has no Content-Disposition name.", null, "invalid_multipart");
  return { name, filename, contentType };
}

export class MultipartParser {
  private readonly delimiter: Buffer;
  private buffer = Buffer.alloc(0);
  private state: "preamble" | "headers" | "body" | "done" = "preamble";

  constructor(boundary: string) {
    this.delimiter = Buffer.from(`\r\n--${boundary}`);
  }

  write(chunk: Buffer): MultipartEvent[] {
    // The first boundary has no leading CRLF; pretend it had one.
    this.buffer =
      this.buffer.length === 0 && this.state === "preamble"
        ? Buffer.concat([Buffer.from("\r\n"), chunk])
        : Buffer.concat([this.buffer, chunk]);
    const events: MultipartEvent[] = [];
    for (;;) {
      if (this.state === "preamble") {
        const at = this.buffer.indexOf(this.delimiter);
        if (at === -1) break;
        if (!this.afterDelimiter(at, events)) break;
      } else if (this.state === "headers") {
        const end = this.buffer.indexOf("\r\n\r\n");
        if (end === -1) {
          if (this.buffer.length > MAX_HEADER_BYTES)
            throw invalidRequest("Multipart part headers are too large.", null, "invalid_multipart");
          break;
        }
        events.push({ type: "start", part: parseHeaders(this.buffer.subarray(0, end).toString("utf8")) });
        this.buffer = this.buffer.subarray(end + 4);
        this.state = "body";
      } else if (this.state === "body") {
        const at = this.buffer.indexOf(this.delimiter);
        if (at === -1) {
          // Keep a tail that could be the start of a delimiter split across chunks.
          const safe = this.buffer.length - (this.delimiter.length - 1);
          if (safe > 0) {
            events.push({ type: "data", data: this.buffer.subarray(0, safe) });
            this.buffer = this.buffer.subarray(safe);
          }
          break;
        }
        if (at > 0) events.push({ type: "data", data: this.buffer.subarray(0, at) });
        if (!this.afterDelimiter(at, events, true)) {
          this.buffer = this.buffer.subarray(at);
          break;
        }
      } else break;
    }
    return events;
  }

  /** Handles `delimiter` followed by `--` (end) or CRLF (next part); false when more bytes are needed. */
  private afterDelimiter(at: number, events: MultipartEvent[], closesPart = false): boolean {
    const rest = at + this.delimiter.length;
    if (this.buffer.length < rest + 2) return false;
    const next = this.buffer.subarray(rest, rest + 2).toString("latin1");
    if (closesPart) events.push({ type: "end" });
    if (next === "--") {
      this.state = "done";
      this.buffer = Buffer.alloc(0);
    } else {
      this.state = "headers";
      this.buffer = this.buffer.subarray(rest + 2);
    }
    return true;
  }

  end(): void {
    if (this.state !== "done")
      throw invalidRequest(
        "The multipart body ended before its closing boundary.",
        null,
        "invalid_multipart",
      );
  }
}
