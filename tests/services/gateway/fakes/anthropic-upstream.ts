/**
 * A fake Anthropic Messages API on loopback that speaks the real wire format: `POST /v1/messages`
 * answered with a Message as JSON, or with the named server-sent events the API streams
 * (message_start, content_block_start/delta/stop, ping, message_delta, message_stop, error). It checks
 * what the real API checks that a translator can get wrong (key, version header, max_tokens, roles,
 * tool_result pairing) and answers scripted messages and faults in order.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type ScriptedBlock =
  | { type: "text"; text: string }
  | { type: "tool_use"; id: string; name: string; input: Record<string, unknown> };

export interface ScriptedUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

export type ScriptedAnswer =
  /** A message; streamed, each block's text or JSON input arrives split into `pieces` deltas. */
  | {
      kind: "message";
      content: ScriptedBlock[];
      stopReason?: string;
      usage?: Partial<ScriptedUsage>;
      pieces?: number;
    }
  /** An error status with Anthropic's error body. */
  | { kind: "error"; status: number; type: string; message: string; retryAfter?: number }
  /** A stream that sends `content` and then an `error` event instead of finishing. */
  | { kind: "stream_error"; content: ScriptedBlock[]; type: string; message: string };

export interface RecordedRequest {
  readonly path: string;
  readonly headers: IncomingMessage["headers"];
  readonly body: Record<string, unknown>;
}

export interface FakeAnthropic {
  /** For the official SDK's `baseURL` (it appends `/v1/messages`). */
  readonly origin: string;
  /** For an UpstreamTarget's `baseUrl` (the adapter appends `/messages`). */
  readonly baseUrl: string;
  readonly apiKey: string;
  readonly requests: RecordedRequest[];
  /** Answers for the next requests, in order. */
  script(...answers: ScriptedAnswer[]): void;
  close(): Promise<void>;
}

const DEFAULT_USAGE: ScriptedUsage = {
  input_tokens: 21,
  output_tokens: 9,
  cache_creation_input_tokens: 0,
  cache_read_input_tokens: 0,
};

function errorBody(type: string, message: string): string {
  return JSON.stringify({ type: "error", error: { type, message }, request_id: `req_${randomUUID()}` });
}

/** `text` cut into `pieces` parts of about equal length (fewer when the text is short). */
export function splitInto(text: string, pieces: number): string[] {
  const size = Math.max(1, Math.ceil(text.length / pieces));
  const parts: string[] = [];
  for (let at = 0; at < text.length; at += size) parts.push(text.slice(at, at + size));
  return parts;
}

type WireBlock = { type: string; id?: string; tool_use_id?: string };
type WireMessage = { role?: unknown; content?: unknown };

/** The conversation rules the real API enforces (version 2023-06-01), as the problem it reports. */
function conversationProblem(messages: WireMessage[], version: string): string | undefined {
  const roles = version === "2023-06-01" ? ["user", "assistant"] : ["user", "assistant", "system"];
  let pendingToolUses: string[] = [];
  for (const [index, message] of messages.entries()) {
    if (!roles.includes(String(message.role)))
      return `messages.${index}.role: Input should be ${roles.join(" or ")}`;
    const blocks: WireBlock[] = Array.isArray(message.content) ? message.content : [];
    const results = blocks.filter((block) => block.type === "tool_result").map((block) => block.tool_use_id);
    const firstOther = blocks.findIndex((block) => block.type !== "tool_result");
    if (results.length > 0 && firstOther !== -1 && firstOther < results.length) {
      return `messages.${index}: tool_result blocks must come first in the content`;
    }
    const unanswered = pendingToolUses.filter((id) => !results.includes(id));
    if (unanswered.length > 0) {
      return `messages.${index}: tool_use ids were found without tool_result blocks immediately after: ${unanswered.join(", ")}`;
    }
    const orphan = results.find((id) => !pendingToolUses.includes(String(id)));
    if (orphan) return `messages.${index}: unexpected tool_use_id found in tool_result blocks: ${orphan}`;
    pendingToolUses = blocks.filter((block) => block.type === "tool_use").map((block) => String(block.id));
  }
  return undefined;
}

function requestProblem(body: Record<string, unknown>, version: string): string | undefined {
  if (typeof body.model !== "string") return "model: Field required";
  if (!Number.isInteger(body.max_tokens) || (body.max_tokens as number) < 1)
    return "max_tokens: Field required";
  if (!Array.isArray(body.messages) || body.messages.length === 0)
    return "messages: at least one message is required";
  return conversationProblem(body.messages as WireMessage[], version);
}

function message(
  answer: { content: ScriptedBlock[]; stopReason?: string; usage?: Partial<ScriptedUsage> },
  model: string,
) {
  return {
    id: `msg_${randomUUID().replaceAll("-", "")}`,
    type: "message",
    role: "assistant",
    model,
    content: answer.content,
    stop_reason:
      answer.stopReason ?? (answer.content.some((b) => b.type === "tool_use") ? "tool_use" : "end_turn"),
    stop_sequence: null,
    usage: { ...DEFAULT_USAGE, ...answer.usage },
  };
}

function* streamEvents(msg: ReturnType<typeof message>, pieces: number): Generator<[string, unknown]> {
  const { output_tokens, ...inputUsage } = msg.usage;
  yield [
    "message_start",
    {
      type: "message_start",
      message: { ...msg, content: [], stop_reason: null, usage: { ...inputUsage, output_tokens: 1 } },
    },
  ];
  for (const [index, block] of msg.content.entries()) {
    if (block.type === "text") {
      yield [
        "content_block_start",
        { type: "content_block_start", index, content_block: { type: "text", text: "" } },
      ];
      if (index === 0) yield ["ping", { type: "ping" }];
      for (const text of splitInto(block.text, pieces)) {
        yield [
          "content_block_delta",
          { type: "content_block_delta", index, delta: { type: "text_delta", text } },
        ];
      }
    } else if (block.type === "tool_use") {
      const start = { type: "tool_use", id: block.id, name: block.name, input: {} };
      yield ["content_block_start", { type: "content_block_start", index, content_block: start }];
      // The API opens every tool input with an empty fragment.
      for (const partial_json of ["", ...splitInto(JSON.stringify(block.input), pieces)]) {
        yield [
          "content_block_delta",
          { type: "content_block_delta", index, delta: { type: "input_json_delta", partial_json } },
        ];
      }
    }
    yield ["content_block_stop", { type: "content_block_stop", index }];
  }
  const delta = { stop_reason: msg.stop_reason, stop_sequence: msg.stop_sequence };
  yield ["message_delta", { type: "message_delta", delta, usage: { output_tokens } }];
  yield ["message_stop", { type: "message_stop" }];
}

function sendError(
  response: ServerResponse,
  status: number,
  type: string,
  text: string,
  headers: Record<string, string> = {},
): ServerResponse {
  return response
    .writeHead(status, { "content-type": "application/json", ...headers })
    .end(errorBody(type, text));
}

function writeEvent(response: ServerResponse, name: string, data: unknown): void {
  response.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
}

function answer(
  response: ServerResponse,
  scripted: ScriptedAnswer | undefined,
  body: Record<string, unknown>,
): ServerResponse {
  if (!scripted) return sendError(response, 500, "api_error", "the fake has no scripted answer left");
  if (scripted.kind === "error") {
    const headers: Record<string, string> = scripted.retryAfter
      ? { "retry-after": String(scripted.retryAfter) }
      : {};
    return sendError(response, scripted.status, scripted.type, scripted.message, headers);
  }
  const msg = message(scripted, String(body.model));
  if (body.stream !== true) {
    if (scripted.kind === "stream_error") return sendError(response, 500, scripted.type, scripted.message);
    return response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(msg));
  }
  response.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  const pieces = scripted.kind === "message" ? (scripted.pieces ?? 3) : 2;
  for (const [name, data] of streamEvents(msg, pieces)) {
    if (scripted.kind === "stream_error" && name === "message_delta") {
      writeEvent(response, "error", {
        type: "error",
        error: { type: scripted.type, message: scripted.message },
      });
      break;
    }
    writeEvent(response, name, data);
  }
  return response.end();
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

export async function startFakeAnthropic(apiKey = `sk-ant-fake-${randomUUID()}`): Promise<FakeAnthropic> {
  const queue: ScriptedAnswer[] = [];
  const requests: RecordedRequest[] = [];
  const server = createServer(async (request, response) => {
    const text = await readBody(request);
    if (request.method !== "POST" || request.url !== "/v1/messages")
      return sendError(response, 404, "not_found_error", "Not found");
    const key = request.headers["x-api-key"] ?? request.headers.authorization?.replace(/^Bearer /, "");
    if (key !== apiKey) return sendError(response, 401, "authentication_error", "invalid x-api-key");
    const version = request.headers["anthropic-version"];
    if (typeof version !== "string")
      return sendError(response, 400, "invalid_request_error", "anthropic-version: header is required");
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return sendError(
        response,
        400,
        "invalid_request_error",
        "There was an issue with your request body: invalid JSON",
      );
    }
    requests.push({ path: request.url, headers: request.headers, body });
    const problem = requestProblem(body, version);
    if (problem) return sendError(response, 400, "invalid_request_error", problem);
    answer(response, queue.shift(), body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    baseUrl: `${origin}/v1`,
    apiKey,
    requests,
    script: (...answers) => queue.push(...answers),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
