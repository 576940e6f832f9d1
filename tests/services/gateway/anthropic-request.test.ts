/** Request translation edge cases: OpenAI chat completions requests as Messages API requests. */
import { describe, expect, it } from "vitest";
import {
  AdapterRequestError,
  anthropicAdapter,
  DEFAULT_MAX_TOKENS,
} from "../../../services/gateway/src/providers/anthropic";
import type {
  ChatCompletionRequest,
  ChatMessage,
  UpstreamTarget,
} from "../../../services/gateway/src/providers/types";

const target: UpstreamTarget = {
  baseUrl: "https://api.anthropic.com/v1",
  model: "claude-opus-5",
  apiKey: "sk-ant-test",
  headers: {},
};
const WEATHER_TOOL = { type: "function" as const, function: { name: "get_weather" } };

function request(messages: ChatMessage[], extra: Partial<ChatCompletionRequest> = {}): ChatCompletionRequest {
  return { model: "claude", messages, ...extra };
}

function body(chat: ChatCompletionRequest): Record<string, any> {
  return JSON.parse(anthropicAdapter.chatRequest(chat, target).body);
}

function rejection(chat: ChatCompletionRequest): AdapterRequestError {
  try {
    anthropicAdapter.chatRequest(chat, target);
  } catch (error) {
    expect(error).toBeInstanceOf(AdapterRequestError);
    return error as AdapterRequestError;
  }
  throw new Error("the request was translated, not rejected");
}

const hi: ChatMessage = { role: "user", content: "Hi" };
const text = (value: string) => ({ type: "text", text: value });

describe("Anthropic request: conversation", () => {
  it("moves system and developer messages, wherever they are, to system in order", () => {
    const sent = body(
      request([
        { role: "system", content: "Rule one." },
        hi,
        { role: "developer", content: [text("Rule two."), text("Rule three.")] },
      ]),
    );
    expect(sent.system).toEqual([text("Rule one."), text("Rule two."), text("Rule three.")]);
    expect(sent.messages).toEqual([{ role: "user", content: [text("Hi")] }]);
  });

  it("merges consecutive turns of one role and drops empty ones", () => {
    const sent = body(
      request([
        hi,
        { role: "user", content: [text("Again")] },
        { role: "assistant", content: "" },
        { role: "user", content: "Third" },
        { role: "assistant", content: "One" },
        { role: "assistant", content: [text("Two")] },
      ]),
    );
    expect(sent.messages).toEqual([
      { role: "user", content: [text("Hi"), text("Again"), text("Third")] },
      { role: "assistant", content: [text("One"), text("Two")] },
    ]);
  });

  it("puts tool results first in their user turn, even after text the client sent before them", () => {
    const sent = body(
      request([
        hi,
        {
          role: "assistant",
          content: "Looking.",
          tool_calls: [
            {
              id: "call_1",
              type: "function",
              function: { name: "get_weather", arguments: '{"city":"Oslo"}' },
            },
          ],
        },
        { role: "user", content: "(still there?)" },
        { role: "tool", tool_call_id: "call_1", content: [text("-3°C")] },
      ]),
    );
    expect(sent.messages[1]).toEqual({
      role: "assistant",
      content: [
        text("Looking."),
        { type: "tool_use", id: "call_1", name: "get_weather", input: { city: "Oslo" } },
      ],
    });
    expect(sent.messages[2]).toEqual({
      role: "user",
      content: [{ type: "tool_result", tool_use_id: "call_1", content: "-3°C" }, text("(still there?)")],
    });
  });

  it("keeps images in a tool result as blocks", () => {
    const sent = body(
      request([
        hi,
        {
          role: "assistant",
          tool_calls: [{ id: "c", type: "function", function: { name: "shot", arguments: "{}" } }],
        },
        {
          role: "tool",
          tool_call_id: "c",
          content: [
            text("Screenshot:"),
            { type: "image_url", image_url: { url: "data:image/jpeg;base64,/9j/4A==" } },
          ],
        },
      ]),
    );
    expect(sent.messages[2].content[0].content).toEqual([
      text("Screenshot:"),
      { type: "image", source: { type: "base64", media_type: "image/jpeg", data: "/9j/4A==" } },
    ]);
  });

  it("rejects tool-call arguments that are not a JSON object, naming the field", () => {
    const call = (args: string) =>
      request([
        hi,
        {
          role: "assistant",
          tool_calls: [{ id: "c1", type: "function", function: { name: "f", arguments: args } }],
        },
      ]);
    expect(rejection(call('{"city": "Oslo"'))).toMatchObject({
      status: 400,
      param: "messages[1].tool_calls[0].function.arguments",
      message: "messages[1].tool_calls[0].function.arguments is not valid JSON",
    });
    expect(rejection(call("[1, 2]")).message).toMatch(/must encode a JSON object/);
    expect(body(call("  ")).messages[1].content).toEqual([
      { type: "tool_use", id: "c1", name: "f", input: {} },
    ]);
  });

  it("rejects what the Messages API cannot express, naming the field", () => {
    expect(rejection(request([{ role: "tool", content: "x" }])).param).toBe("messages[0].tool_call_id");
    expect(rejection(request([{ role: "function", name: "f", content: "x" }])).param).toBe(
      "messages[0].role",
    );
    expect(rejection(request([{ role: "system", content: "Only rules." }])).param).toBe("messages");
    const imageInSystem = request([
      { role: "system", content: [{ type: "image_url", image_url: { url: "https://x/y.png" } }] },
      hi,
    ]);
    expect(rejection(imageInSystem).param).toBe("messages[0].content[0].type");
    expect(rejection(request([{ role: "user", content: [{ type: "input_audio" }] }])).message).toMatch(
      /'input_audio' is not supported/,
    );
  });
});

describe("Anthropic request: images", () => {
  const image = (url: string) =>
    request([{ role: "user", content: [{ type: "image_url", image_url: { url } }] }]);

  it("sends data URLs as base64 sources and http(s) URLs as url sources", () => {
    expect(body(image("data:image/gif;base64,R0lGOD==")).messages[0].content).toEqual([
      { type: "image", source: { type: "base64", media_type: "image/gif", data: "R0lGOD==" } },
    ]);
    expect(body(image("http://images.internal/cat.png")).messages[0].content).toEqual([
      { type: "image", source: { type: "url", url: "http://images.internal/cat.png" } },
    ]);
  });

  it("rejects media types, encodings and schemes Anthropic does not take", () => {
    const param = "messages[0].content[0].image_url.url";
    expect(rejection(image("data:image/bmp;base64,Qk0="))).toMatchObject({ param });
    expect(rejection(image("data:image/bmp;base64,Qk0=")).message).toMatch(/image\/bmp.*image\/jpeg/);
    expect(rejection(image("data:image/png,rawbytes")).message).toMatch(/base64 data URL/);
    expect(rejection(image("file:///etc/passwd"))).toMatchObject({ param });
  });
});

describe("Anthropic request: tools and tool_choice", () => {
  const withTools = (extra: Partial<ChatCompletionRequest>) =>
    body(request([hi], { tools: [WEATHER_TOOL], ...extra }));

  it("sends functions as tools with an object input schema", () => {
    const parameters = { type: "object", properties: { city: { type: "string" } }, required: ["city"] };
    const sent = body(
      request([hi], {
        tools: [
          WEATHER_TOOL,
          { type: "function", function: { name: "lookup", description: "Find", parameters } },
        ],
      }),
    );
    expect(sent.tools).toEqual([
      { name: "get_weather", input_schema: { type: "object", properties: {} } },
      { name: "lookup", description: "Find", input_schema: parameters },
    ]);
    expect(sent.tool_choice).toBeUndefined();
  });

  it.each([
    ["auto", undefined, { type: "auto" }],
    ["none", undefined, { type: "none" }],
    ["required", undefined, { type: "any" }],
    [
      { type: "function", function: { name: "get_weather" } },
      undefined,
      { type: "tool", name: "get_weather" },
    ],
    ["required", false, { type: "any", disable_parallel_tool_use: true }],
    [undefined, false, { type: "auto", disable_parallel_tool_use: true }],
    [undefined, true, undefined],
    ["none", false, { type: "none" }],
  ])("tool_choice %j with parallel_tool_calls %j is %j", (choice, parallel, expected) => {
    expect(withTools({ tool_choice: choice, parallel_tool_calls: parallel }).tool_choice).toEqual(expected);
  });

  it("drops tool_choice without tools and rejects shapes it does not know", () => {
    expect(body(request([hi], { tool_choice: "required" })).tool_choice).toBeUndefined();
    expect(rejection(request([hi], { tools: [WEATHER_TOOL], tool_choice: { type: "function" } })).param).toBe(
      "tool_choice",
    );
    const custom = { type: "custom", function: { name: "x" } } as unknown as typeof WEATHER_TOOL;
    expect(rejection(request([hi], { tools: [custom] })).param).toBe("tools[0].type");
  });
});

describe("Anthropic request: parameters and headers", () => {
  it("always sends max_tokens: max_completion_tokens, else max_tokens, else the default", () => {
    expect(body(request([hi])).max_tokens).toBe(DEFAULT_MAX_TOKENS);
    expect(body(request([hi], { max_tokens: 100 })).max_tokens).toBe(100);
    expect(body(request([hi], { max_tokens: 100, max_completion_tokens: 50 })).max_tokens).toBe(50);
    expect(rejection(request([hi], { max_completion_tokens: 0 })).param).toBe("max_completion_tokens");
  });

  it("maps stop, sampling, user and stream, and sends sampling only when the client set it", () => {
    expect(
      body(request([hi], { stop: "END", temperature: 0.2, top_p: 0.9, user: "u-42", stream: true })),
    ).toMatchObject({
      stop_sequences: ["END"],
      temperature: 0.2,
      top_p: 0.9,
      metadata: { user_id: "u-42" },
      stream: true,
    });
    const plain = body(request([hi], { stop: ["a", "b"], temperature: null, stream: false }));
    expect(plain.stop_sequences).toEqual(["a", "b"]);
    expect(Object.keys(plain).sort()).toEqual(["max_tokens", "messages", "model", "stop_sequences"]);
    expect(rejection(request([hi], { n: 2 })).param).toBe("n");
  });

  it("sends a json_schema response format as Anthropic's structured output format", () => {
    const schema = { type: "object", properties: { answer: { type: "string" } }, required: ["answer"] };
    const structured = body(
      request([hi], { response_format: { type: "json_schema", json_schema: { name: "a", schema } } }),
    );
    expect(structured.output_config).toEqual({ format: { type: "json_schema", schema } });
    expect(body(request([hi], { response_format: { type: "json_object" } })).output_config).toBeUndefined();
    expect(
      rejection(request([hi], { response_format: { type: "json_schema", json_schema: { name: "a" } } }))
        .param,
    ).toBe("response_format");
  });

  it("posts to /messages with the key, the API version and the operator's headers", () => {
    const upstream = anthropicAdapter.chatRequest(request([hi]), {
      ...target,
      headers: { "anthropic-beta": "context-1m", "anthropic-version": "2026-10-21" },
    });
    expect(upstream.path).toBe("/messages");
    expect(upstream.headers).toEqual({
      "content-type": "application/json",
      "anthropic-version": "2026-10-21",
      "anthropic-beta": "context-1m",
      "x-api-key": "sk-ant-test",
    });
    const keyless = anthropicAdapter.chatRequest(request([hi]), { ...target, apiKey: undefined });
    expect(keyless.headers).toEqual({
      "content-type": "application/json",
      "anthropic-version": "2023-06-01",
    });
    expect(JSON.parse(upstream.body).model).toBe("claude-opus-5");
  });
});
