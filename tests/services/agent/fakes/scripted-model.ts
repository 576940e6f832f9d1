/**
 * A model server on loopback that plays recorded tool-calling conversations over OpenAI chat
 * completions, streamed (SSE chunks ending in [DONE]) or not, the way open models behave: text before
 * tool calls, a finish_reason that lies, arguments split over many chunks (interleaved across
 * parallel calls), names split in two, empty or broken arguments.
 *
 * A conversation is picked by a `[script:NAME]` marker in a user message (the script named
 * `default` plays for unmarked ones); the turn played is the number of assistant messages after
 * the last marked message. Router calls (those with a JSON-schema
 * `response_format`) get the scripted router answers instead.
 */
import { randomUUID } from "node:crypto";
import type { ServerResponse } from "node:http";
import { json, type Loopback, readBody, serveOnLoopback } from "../../mcp/support/loopback";

export interface ScriptedCall {
  readonly id?: string;
  readonly name: string;
  readonly arguments: string;
}

export interface ScriptedTurn {
  readonly content?: string;
  readonly toolCalls?: readonly ScriptedCall[];
  /** Reported finish_reason; default `tool_calls` with calls, else `stop`. */
  readonly finishReason?: string;
  /** Streamed argument pieces of at most this many characters. Default 4. */
  readonly argumentChunk?: number;
  /** Stream the name of each call in two pieces. */
  readonly splitNames?: boolean;
  /** Interleave the argument pieces of parallel calls. */
  readonly interleave?: boolean;
  /** Answer with this HTTP error instead. */
  readonly status?: number;
}

export type RouterReply = { readonly text: string };

export interface RecordedRequest {
  readonly authorization?: string;
  readonly body: any;
}

export interface ScriptedModel extends Loopback {
  /** Base URL including `/v1`, as a gateway deployment's `api_base`. */
  readonly baseUrl: string;
  readonly requests: RecordedRequest[];
  script(name: string, turns: readonly ScriptedTurn[]): void;
  /** Router answers for the next router calls, in order; afterwards `{"agent":"general",...}`. */
  routerReplies(...replies: RouterReply[]): void;
  /** Router calls answer this HTTP error until called again without one (the gateway retries). */
  failRouter(status?: number): void;
  /** Requests of one conversation (not router calls). */
  requestsOf(name: string): RecordedRequest[];
}

const MARKER = /\[script:([\w-]+)\]/;

export async function startScriptedModel(): Promise<ScriptedModel> {
  const scripts = new Map<string, readonly ScriptedTurn[]>();
  const routerQueue: RouterReply[] = [];
  const requests: RecordedRequest[] = [];
  let routerFailure: number | undefined;

  const server = await serveOnLoopback(async (request, response) => {
    const body = JSON.parse((await readBody(request)) || "{}");
    requests.push({ authorization: request.headers.authorization, body });
    if (!request.url?.endsWith("/chat/completions"))
      return json(response, 404, { error: { message: "not found" } });
    if (body.response_format?.type === "json_schema") {
      if (routerFailure) return json(response, routerFailure, { error: { message: "router fault" } });
      const reply = routerQueue.shift() ?? { text: '{"agent":"general","confidence":0.9}' };
      return answer(response, body, { content: reply.text });
    }
    const conversation = scriptOf(body.messages);
    const turns = conversation ? scripts.get(conversation.name) : undefined;
    const turn = turns?.[conversation?.turn ?? 0];
    if (!turn)
      return answer(response, body, { content: `No scripted turn (${conversation?.name ?? "none"}).` });
    if (turn.status) return json(response, turn.status, { error: { message: `scripted ${turn.status}` } });
    return answer(response, body, turn);
  });

  return {
    ...server,
    baseUrl: `${server.url}/v1`,
    requests,
    script: (name, turns) => void scripts.set(name, turns),
    routerReplies: (...replies) => void routerQueue.push(...replies),
    failRouter: (status) => {
      routerFailure = status;
    },
    requestsOf: (name) =>
      requests.filter(
        (request) =>
          request.body.response_format?.type !== "json_schema" &&
          scriptOf(request.body.messages)?.name === name,
      ),
  };
}

function scriptOf(messages: any[] = []): { name: string; turn: number } | undefined {
  let markedAt = -1;
  let name = "";
  messages.forEach((message, index) => {
    const match =
      message.role === "user" && typeof message.content === "string" && MARKER.exec(message.content);
    if (match) {
      markedAt = index;
      name = match[1] as string;
    }
  });
  if (markedAt < 0) {
    const user = messages.map((message) => message.role).lastIndexOf("user");
    if (user < 0) return undefined;
    return {
      name: "default",
      turn: messages.slice(user + 1).filter((message) => message.role === "assistant").length,
    };
  }
  const turn = messages.slice(markedAt + 1).filter((message) => message.role === "assistant").length;
  return { name, turn };
}

function answer(response: ServerResponse, body: any, turn: ScriptedTurn): void {
  const id = `chatcmpl-${randomUUID()}`;
  const calls = (turn.toolCalls ?? []).map((call, index) => ({
    ...call,
    id: call.id ?? `call_${index}_${id.slice(-6)}`,
  }));
  const finish = turn.finishReason ?? (calls.length > 0 ? "tool_calls" : "stop");
  const usage = { prompt_tokens: 20, completion_tokens: 7, total_tokens: 27 };
  const base = { id, created: 1_700_000_000, model: body.model };
  if (!body.stream) {
    json(response, 200, {
      ...base,
      object: "chat.completion",
      choices: [
        {
          index: 0,
          finish_reason: finish,
          logprobs: null,
          message: {
            role: "assistant",
            content: turn.content ?? null,
            ...(calls.length > 0
              ? {
                  tool_calls: calls.map((call) => ({
                    id: call.id,
                    type: "function",
                    function: { name: call.name, arguments: call.arguments },
                  })),
                }
              : {}),
          },
        },
      ],
      usage,
    });
    return;
  }
  const chunk = (delta: Record<string, unknown>, finishReason: string | null = null) => ({
    ...base,
    object: "chat.completion.chunk",
    choices: [{ index: 0, delta, finish_reason: finishReason }],
  });
  const chunks: unknown[] = [chunk({ role: "assistant", content: "" })];
  for (const word of (turn.content ?? "").split(/(?<= )/).filter(Boolean))
    chunks.push(chunk({ content: word }));
  const size = turn.argumentChunk ?? 4;
  const pieces = calls.map((call) => {
    const parts: string[] = [];
    for (let at = 0; at < call.arguments.length; at += size) parts.push(call.arguments.slice(at, at + size));
    return parts;
  });
  const opening = (call: (typeof calls)[number], index: number) => {
    const name = turn.splitNames ? call.name.slice(0, Math.ceil(call.name.length / 2)) : call.name;
    chunks.push(
      chunk({ tool_calls: [{ index, id: call.id, type: "function", function: { name, arguments: "" } }] }),
    );
    if (turn.splitNames)
      chunks.push(chunk({ tool_calls: [{ index, function: { name: call.name.slice(name.length) } }] }));
  };
  const piece = (index: number, text: string) =>
    void chunks.push(chunk({ tool_calls: [{ index, function: { arguments: text } }] }));
  if (turn.interleave) {
    calls.forEach(opening);
    const longest = Math.max(0, ...pieces.map((parts) => parts.length));
    for (let at = 0; at < longest; at++)
      for (const [index, parts] of pieces.entries()) {
        const part = parts[at];
        if (part) piece(index, part);
      }
  } else {
    calls.forEach((call, index) => {
      opening(call, index);
      for (const part of pieces[index] ?? []) piece(index, part);
    });
  }
  chunks.push(chunk({}, finish));
  if (body.stream_options?.include_usage)
    chunks.push({ ...base, object: "chat.completion.chunk", choices: [], usage });
  response.writeHead(200, { "content-type": "text/event-stream" });
  for (const item of chunks) response.write(`data: ${JSON.stringify(item)}\n\n`);
  response.end("data: [DONE]\n\n");
}
