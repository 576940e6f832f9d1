/**
 * A fake OpenAI-compatible model server on loopback (what vLLM, llama.cpp or OpenAI answer), speaking
 * the real wire format: JSON completions, SSE chunk streams ending in `[DONE]`, embeddings,
 * multipart transcriptions, streamed speech, and ChatTTS's zip answer. Faults are scripted per
 * request: error statuses with Retry-After, a hang, a reset mid-stream, a slow trickle.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { deflateRawSync } from "node:zlib";

export type Fault =
  | { kind: "status"; status: number; message?: string; retryAfter?: number }
  | { kind: "hang" }
  /** Sends `chunks` stream chunks, then destroys the socket. */
  | { kind: "reset-mid-stream"; chunks: number }
  /** Closes the connection before any response. */
  | { kind: "reset" }
  /** Streams with this delay before every chunk. */
  | { kind: "trickle"; delayMs: number }
  /** Answers with these tool calls instead of text. */
  | { kind: "tool-calls"; calls: Array<{ name: string; arguments: string }> };

export interface Recorded {
  readonly path: string;
  readonly headers: IncomingMessage["headers"];
  readonly body: Buffer;
  json(): Record<string, unknown>;
}

export interface FakeUpstream {
  readonly name: string;
  /** Base URL including `/v1`, as a deployment's `api_base`. */
  readonly baseUrl: string;
  readonly requests: Recorded[];
  /** Faults for the next requests, in order; afterwards requests succeed. */
  script(...faults: Fault[]): void;
  /** The text every answer carries (so tests can tell which upstream answered). */
  readonly reply: string;
  close(): Promise<void>;
}

export const USAGE = { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function chunk(id: string, model: string, delta: Record<string, unknown>, finish: string | null = null) {
  return {
    id,
    object: "chat.completion.chunk",
    created: 1_700_000_000,
    model,
    choices: [{ index: 0, delta, finish_reason: finish }],
  };
}

/** A minimal zip with one deflated entry, as Python's zipfile writes ChatTTS's answer. */
export function zipOf(name: string, data: Buffer): Buffer {
  const compressed = deflateRawSync(data);
  const nameBytes = Buffer.from(name);
  const header = Buffer.alloc(30);
  header.writeUInt32LE(0x04034b50, 0);
  header.writeUInt16LE(20, 4);
  header.writeUInt16LE(0, 6);
  header.writeUInt16LE(8, 8);
  header.writeUInt32LE(0, 14);
  header.writeUInt32LE(compressed.length, 18);
  header.writeUInt32LE(data.length, 22);
  header.writeUInt16LE(nameBytes.length, 26);
  header.writeUInt16LE(0, 28);
  return Buffer.concat([header, nameBytes, compressed]);
}

export const SPEECH_BYTES = Buffer.from("ID3-fake-mp3-audio-".repeat(64));

export async function startFakeUpstream(name: string): Promise<FakeUpstream> {
  const requests: Recorded[] = [];
  const faults: Fault[] = [];
  const reply = `Hello from ${name}.`;
  const sockets = new Set<import("node:net").Socket>();

  async function chat(body: Record<string, unknown>, response: ServerResponse, fault: Fault | undefined) {
    const id = `chatcmpl-${randomUUID()}`;
    const model = String(body.model);
    const toolCalls = fault?.kind === "tool-calls" ? fault.calls : undefined;
    if (!body.stream) {
      const message = toolCalls
        ? {
            role: "assistant",
            content: null,
            tool_calls: toolCalls.map((call, index) => ({
              id: `call_${index}`,
              type: "function",
              function: call,
            })),
          }
        : { role: "assistant", content: reply };
      response.writeHead(200, { "content-type": "application/json" });
      response.end(
        JSON.stringify({
          id,
          object: "chat.completion",
          created: 1_700_000_000,
          model,
          choices: [{ index: 0, message, finish_reason: toolCalls ? "tool_calls" : "stop", logprobs: null }],
          usage: USAGE,
        }),
      );
      return;
    }
    response.writeHead(200, { "content-type": "text/event-stream" });
    const chunks: unknown[] = [chunk(id, model, { role: "assistant", content: "" })];
    if (toolCalls) {
      toolCalls.forEach((call, index) => {
        chunks.push(
          chunk(id, model, {
            tool_calls: [
              { index, id: `call_${index}`, type: "function", function: { name: call.name, arguments: "" } },
            ],
          }),
        );
        const half = Math.ceil(call.arguments.length / 2);
        for (const part of [call.arguments.slice(0, half), call.arguments.slice(half)]) {
          chunks.push(chunk(id, model, { tool_calls: [{ index, function: { arguments: part } }] }));
        }
      });
      chunks.push(chunk(id, model, {}, "tool_calls"));
    } else {
      for (const word of reply.split(/(?<= )/)) chunks.push(chunk(id, model, { content: word }));
      chunks.push(chunk(id, model, {}, "stop"));
    }
    const wantsUsage = (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage;
    if (wantsUsage)
      chunks.push({
        id,
        object: "chat.completion.chunk",
        created: 1_700_000_000,
        model,
        choices: [],
        usage: USAGE,
      });
    for (const [index, item] of chunks.entries()) {
      if (fault?.kind === "reset-mid-stream" && index === fault.chunks) {
        // Let what was written reach the client first, so the reset really is mid-stream.
        await sleep(20);
        response.socket?.destroy();
        return;
      }
      if (fault?.kind === "trickle") await sleep(fault.delayMs);
      response.write(`data: ${JSON.stringify(item)}\n\n`);
    }
    response.end("data: [DONE]\n\n");
  }

  const server = createServer(async (request, response) => {
    const parts: Buffer[] = [];
    for await (const part of request) parts.push(part as Buffer);
    const body = Buffer.concat(parts);
    const path = (request.url ?? "/").replace(/^\/v1/, "");
    const recorded: Recorded = {
      path,
      headers: request.headers,
      body,
      json: () => JSON.parse(body.toString("utf8")),
    };
    requests.push(recorded);
    const fault = faults.shift();
    if (fault?.kind === "hang") return;
    if (fault?.kind === "reset") {
      request.socket.destroy();
      return;
    }
    if (fault?.kind === "status") {
      const headers: Record<string, string> = { "content-type": "application/json" };
      if (fault.retryAfter !== undefined) headers["retry-after"] = String(fault.retryAfter);
      response.writeHead(fault.status, headers);
      response.end(
        JSON.stringify({
          error: {
            message: fault.message ?? `fault ${fault.status}`,
            type: "server_error",
            param: null,
            code: null,
          },
        }),
      );
      return;
    }
    if (path === "/chat/completions") return chat(recorded.json(), response, fault);
    if (path === "/completions") {
      const json = recorded.json();
      response.writeHead(200, { "content-type": "application/json" });
      response.end(
        JSON.stringify({
          id: "cmpl-1",
          object: "text_completion",
          created: 1,
          model: json.model,
          choices: [{ index: 0, text: reply, finish_reason: "stop", logprobs: null }],
          usage: USAGE,
        }),
      );
      return;
    }
    if (path === "/embeddings") {
      const json = recorded.json();
      const inputs = Array.isArray(json.input) ? json.input : [json.input];
      response.writeHead(200, { "content-type": "application/json" });
      response.end(
        JSON.stringify({
          object: "list",
          model: json.model,
          data: inputs.map((_, index) => ({ object: "embedding", index, embedding: [0.1, 0.2, 0.3, index] })),
          usage: { prompt_tokens: 8 * inputs.length, total_tokens: 8 * inputs.length },
        }),
      );
      return;
    }
    if (path === "/audio/transcriptions") {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ text: reply, duration: 2.5 }));
      return;
    }
    if (path === "/audio/speech") {
      response.writeHead(200, { "content-type": "audio/mpeg" });
      for (let offset = 0; offset < SPEECH_BYTES.length; offset += 256) {
        response.write(SPEECH_BYTES.subarray(offset, offset + 256));
        await sleep(1);
      }
      response.end();
      return;
    }
    if (request.url === "/generate_voice") {
      response.writeHead(200, { "content-type": "application/zip" });
      response.end(zipOf("0.mp3", SPEECH_BYTES));
      return;
    }
    response.writeHead(404, { "content-type": "application/json" });
    response.end(
      JSON.stringify({ error: { message: `no route ${request.url}`, type: "invalid_request_error" } }),
    );
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    name,
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    reply,
    script: (...next) => faults.push(...next),
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
