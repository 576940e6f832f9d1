/** Answer translation edge cases: Messages, streamed events and error answers in OpenAI's shapes. */
import { describe, expect, it } from "vitest";
import { anthropicAdapter, UpstreamStreamError } from "../../../services/gateway/src/providers/anthropic";
import type { ChatCompletionChunk } from "../../../services/gateway/src/providers/types";

function message(fields: Record<string, unknown>) {
  return {
    id: "msg_01",
    type: "message",
    role: "assistant",
    model: "claude-opus-5",
    content: [],
    stop_reason: "end_turn",
    stop_sequence: null,
    usage: { input_tokens: 5, output_tokens: 2 },
    ...fields,
  };
}

function event(type: string, fields: Record<string, unknown> = {}) {
  return { event: type, data: JSON.stringify({ type, ...fields }) };
}

function thrown(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error("nothing was thrown");
}

describe("Anthropic answer: a Message as a chat completion", () => {
  it.each([
    ["end_turn", "stop"],
    ["stop_sequence", "stop"],
    ["pause_turn", "stop"],
    ["max_tokens", "length"],
    ["model_context_window_exceeded", "length"],
    ["tool_use", "tool_calls"],
    ["refusal", "content_filter"],
    ["a_reason_added_later", "stop"],
    [null, "stop"],
  ])("stop_reason %s is finish_reason %s", (stopReason, finish) => {
    expect(
      anthropicAdapter.chatResponse(message({ stop_reason: stopReason }), "m").choices[0]?.finish_reason,
    ).toBe(finish);
  });

  it("joins text blocks, skips thinking, and reports tool calls with JSON arguments", () => {
    const completion = anthropicAdapter.chatResponse(
      message({
        content: [
          { type: "thinking", thinking: "The user wants...", signature: "sig" },
          { type: "text", text: "Two " },
          { type: "text", text: "parts." },
          { type: "tool_use", id: "toolu_1", name: "f", input: { a: [1, { b: null }] } },
        ],
        stop_reason: "tool_use",
      }),
      "claude-via-gateway",
    );
    expect(completion.model).toBe("claude-via-gateway");
    expect(completion.id).toBe("msg_01");
    expect(completion.choices[0]?.message).toEqual({
      role: "assistant",
      content: "Two parts.",
      tool_calls: [
        { id: "toolu_1", type: "function", function: { name: "f", arguments: '{"a":[1,{"b":null}]}' } },
      ],
      refusal: null,
    });
  });

  it("has null content when the model only calls tools, and a refusal when it refuses", () => {
    const toolsOnly = anthropicAdapter.chatResponse(
      message({ content: [{ type: "tool_use", id: "t", name: "f", input: {} }] }),
      "m",
    );
    expect(toolsOnly.choices[0]?.message.content).toBeNull();
    expect(toolsOnly.choices[0]?.message.tool_calls?.[0]?.function.arguments).toBe("{}");
    const refused = anthropicAdapter.chatResponse(
      message({
        stop_reason: "refusal",
        stop_details: { type: "refusal", category: "cyber", explanation: "Not this." },
      }),
      "m",
    );
    expect(refused.choices[0]).toMatchObject({
      finish_reason: "content_filter",
      message: { refusal: "Not this." },
    });
  });

  it("counts cache writes and reads in prompt_tokens and reports reads as cached", () => {
    const usage = {
      input_tokens: 3,
      cache_creation_input_tokens: 100,
      cache_read_input_tokens: 900,
      output_tokens: 7,
    };
    expect(anthropicAdapter.chatResponse(message({ usage }), "m").usage).toEqual({
      prompt_tokens: 1003,
      completion_tokens: 7,
      total_tokens: 1010,
      prompt_tokens_details: { cached_tokens: 900 },
    });
  });

  it("throws a 502 UpstreamStreamError for a body that is not a Message", () => {
    const error = thrown(() => anthropicAdapter.chatResponse({ type: "error", error: {} }, "m"));
    expect(error).toBeInstanceOf(UpstreamStreamError);
    expect(error).toMatchObject({ status: 502, kind: undefined });
  });
});

describe("Anthropic answer: streamed events as chunks", () => {
  it("numbers tool calls among tool_use blocks only and ignores thinking, signatures and pings", () => {
    const translator = anthropicAdapter.chatStream("m");
    expect(translator.usage()).toBeUndefined();
    const events = [
      event("message_start", {
        message: message({ id: "msg_s", usage: { input_tokens: 40, output_tokens: 1 } }),
      }),
      event("content_block_start", { index: 0, content_block: { type: "thinking", thinking: "" } }),
      event("content_block_delta", { index: 0, delta: { type: "thinking_delta", thinking: "Hmm" } }),
      event("content_block_delta", { index: 0, delta: { type: "signature_delta", signature: "abc" } }),
      event("ping"),
      event("content_block_stop", { index: 0 }),
      event("content_block_start", {
        index: 1,
        content_block: { type: "tool_use", id: "toolu_a", name: "f", input: {} },
      }),
      event("content_block_delta", { index: 1, delta: { type: "input_json_delta", partial_json: "" } }),
      event("content_block_delta", { index: 1, delta: { type: "input_json_delta", partial_json: '{"x":' } }),
      event("content_block_delta", { index: 1, delta: { type: "input_json_delta", partial_json: "1}" } }),
      event("content_block_stop", { index: 1 }),
      event("message_delta", {
        delta: { stop_reason: "tool_use", stop_sequence: null },
        usage: { output_tokens: 12, cache_read_input_tokens: 8 },
      }),
      event("message_stop"),
    ];
    const chunks: ChatCompletionChunk[] = events.flatMap((one) => translator.push(one));
    expect(chunks.map((chunk) => chunk.choices[0]?.delta)).toEqual([
      {
        role: "assistant",
        tool_calls: [{ index: 0, id: "toolu_a", type: "function", function: { name: "f", arguments: "" } }],
      },
      { tool_calls: [{ index: 0, function: { arguments: '{"x":' } }] },
      { tool_calls: [{ index: 0, function: { arguments: "1}" } }] },
      {},
    ]);
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe("tool_calls");
    expect(new Set(chunks.map((chunk) => chunk.id))).toEqual(new Set(["msg_s"]));
    expect(chunks.every((chunk) => chunk.model === "m" && chunk.object === "chat.completion.chunk")).toBe(
      true,
    );
    expect(translator.usage()).toEqual({
      prompt_tokens: 48,
      completion_tokens: 12,
      total_tokens: 60,
      prompt_tokens_details: { cached_tokens: 8 },
    });
  });

  it("sends nothing for message_start, so an overload error right after it comes before the first chunk", () => {
    const translator = anthropicAdapter.chatStream("m");
    expect(
      translator.push(event("message_start", { message: message({ usage: { input_tokens: 9 } }) })),
    ).toEqual([]);
    expect(translator.push(event("ping"))).toEqual([]);
    expect(translator.usage()?.prompt_tokens).toBe(9);
    const error = thrown(() =>
      translator.push(event("error", { error: { type: "overloaded_error", message: "Overloaded" } })),
    );
    expect(error).toMatchObject({ status: 503, message: "Overloaded" });
  });

  it("reads the event type from the data when the event has no name", () => {
    const translator = anthropicAdapter.chatStream("m");
    const chunks = translator.push({
      data: JSON.stringify({
        type: "content_block_delta",
        index: 0,
        delta: { type: "text_delta", text: "Hi" },
      }),
    });
    expect(chunks[0]?.choices[0]?.delta).toEqual({ role: "assistant", content: "Hi" });
  });

  it.each([
    ["overloaded_error", "Overloaded", 503, undefined],
    ["rate_limit_error", "Slow down", 429, "rate_limit"],
    [
      "invalid_request_error",
      "prompt is too long: 201000 tokens > 200000 maximum",
      400,
      "context_window_exceeded",
    ],
    ["api_error", "Internal server error", 500, undefined],
    ["authentication_error", "invalid x-api-key", 401, "other"],
    ["an_error_added_later", "Odd", 502, undefined],
  ])("an error event of type %s saying %j is classified", (type, text, status, kind) => {
    const translator = anthropicAdapter.chatStream("m");
    const error = thrown(() => translator.push(event("error", { error: { type, message: text } })));
    expect(error).toBeInstanceOf(UpstreamStreamError);
    const { status: thrownStatus, kind: thrownKind, message } = error as UpstreamStreamError;
    expect([thrownStatus, thrownKind, message]).toEqual([status, kind, text]);
  });

  it("throws a 502 for an event whose data is not JSON", () => {
    const error = thrown(() =>
      anthropicAdapter.chatStream("m").push({ event: "message_start", data: "{oops" }),
    );
    expect(error).toMatchObject({
      status: 502,
      message: "Anthropic sent a message_start event that is not a JSON object",
    });
  });
});

describe("Anthropic answer: error responses", () => {
  const body = (type: string, text: string) =>
    JSON.stringify({ type: "error", error: { type, message: text } });

  it.each([
    [
      400,
      body("invalid_request_error", "prompt is too long: 250000 tokens > 200000 maximum"),
      400,
      "context_window_exceeded",
    ],
    [
      400,
      body(
        "invalid_request_error",
        "input length and `max_tokens` exceed context limit: 199000 + 4096 > 200000",
      ),
      400,
      "context_window_exceeded",
    ],
    [400, body("invalid_request_error", "Output blocked by content filtering policy"), 400, "content_policy"],
    [400, body("invalid_request_error", "messages.0.content: Field required"), 400, "other"],
    [401, body("authentication_error", "invalid x-api-key"), 401, "other"],
    [403, body("permission_error", "no access"), 403, "other"],
    [404, body("not_found_error", "model: claude-x"), 404, "other"],
    [413, body("request_too_large", "Request exceeds the maximum size"), 413, "other"],
    [429, body("rate_limit_error", "rate limited"), 429, "rate_limit"],
    [500, body("api_error", "Internal server error"), 500, undefined],
    [503, "", 503, undefined],
    [504, "<html>Gateway Timeout</html>", 504, undefined],
    [529, body("overloaded_error", "Overloaded"), 503, undefined],
  ])("HTTP %i answering %j is classified", (status, text, clientStatus, kind) => {
    const info = anthropicAdapter.error(status, text);
    expect([info.status, info.kind]).toEqual([clientStatus, kind]);
  });

  it("keeps Anthropic's message, or the start of a body that is not JSON", () => {
    expect(anthropicAdapter.error(529, body("overloaded_error", "Overloaded")).message).toBe("Overloaded");
    expect(anthropicAdapter.error(502, `<html>${"x".repeat(900)}</html>`).message).toHaveLength(500);
    expect(anthropicAdapter.error(500, "").message).toBe("Anthropic answered HTTP 500");
  });
});
