/**
 * The Anthropic adapter over real HTTP: its requests are sent to the fake Messages upstream (which
 * checks them as the real API does), its translations read the fake's real answers, streamed events
 * are parsed off the HTTP stream by the Anthropic SDK's own SSE reader, and the translated chunks are
 * assembled by the official `openai` SDK's stream accumulator.
 */
import { Stream } from "@anthropic-ai/sdk/core/streaming";
import { ChatCompletionStream } from "openai/lib/ChatCompletionStream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  anthropicAdapter,
  DEFAULT_MAX_TOKENS,
  UpstreamStreamError,
} from "../../../services/gateway/src/providers/anthropic";
import type {
  ChatCompletionChunk,
  ChatCompletionRequest,
  UpstreamTarget,
} from "../../../services/gateway/src/providers/types";
import { type FakeAnthropic, type ScriptedBlock, startFakeAnthropic } from "./fakes/anthropic-upstream";

const CLIENT_MODEL = "claude-smart";
const PARIS = { city: "Paris", unit: "celsius" };
const TOKYO = { city: "Tokyo", unit: "celsius", days: [1, 2, 3] };
const TOOL_ANSWER: ScriptedBlock[] = [
  { type: "text", text: "Checking both cities." },
  { type: "tool_use", id: "toolu_paris", name: "get_weather", input: PARIS },
  { type: "tool_use", id: "toolu_tokyo", name: "get_weather", input: TOKYO },
];
const WEATHER_TOOL = {
  type: "function" as const,
  function: { name: "get_weather", description: "Weather for a city", parameters: { type: "object" } },
};

let fake: FakeAnthropic;
let target: UpstreamTarget;

beforeAll(async () => {
  fake = await startFakeAnthropic();
  target = { baseUrl: fake.baseUrl, model: "claude-sonnet-5", apiKey: fake.apiKey, headers: {} };
});
afterAll(() => fake.close());

function send(request: ChatCompletionRequest, to: UpstreamTarget = target): Promise<Response> {
  const upstream = anthropicAdapter.chatRequest(request, to);
  return fetch(`${to.baseUrl}${upstream.path}`, {
    method: "POST",
    headers: upstream.headers,
    body: upstream.body,
  });
}

async function complete(request: ChatCompletionRequest) {
  const response = await send(request);
  expect(response.status).toBe(200);
  return anthropicAdapter.chatResponse(await response.json(), CLIENT_MODEL);
}

async function streamed(request: ChatCompletionRequest) {
  const response = await send({ ...request, stream: true });
  expect(response.headers.get("content-type")).toBe("text/event-stream");
  const translator = anthropicAdapter.chatStream(CLIENT_MODEL);
  const chunks: ChatCompletionChunk[] = [];
  let failure: unknown;
  try {
    for await (const event of Stream.rawEvents(response)) {
      chunks.push(...translator.push({ event: event.event ?? undefined, data: event.data }));
    }
  } catch (error) {
    failure = error;
  }
  return { chunks, usage: translator.usage(), failure };
}

/** What the official openai SDK makes of the chunks (it throws on chunks it cannot assemble). */
function assembledByOpenAI(chunks: ChatCompletionChunk[]) {
  const ndjson = `${chunks.map((chunk) => JSON.stringify(chunk)).join("\n")}\n`;
  return ChatCompletionStream.fromReadableStream(
    new Response(ndjson).body as ReadableStream,
  ).finalChatCompletion();
}

const hello: ChatCompletionRequest = {
  model: CLIENT_MODEL,
  messages: [
    { role: "system", content: "Be brief." },
    { role: "user", content: "Hi" },
  ],
};

describe("Anthropic adapter against the fake Messages upstream", () => {
  it("sends the key, version and a valid Messages body, and translates the answer", async () => {
    fake.script({
      kind: "message",
      content: [{ type: "text", text: "Hello!" }],
      usage: {
        input_tokens: 10,
        cache_creation_input_tokens: 3,
        cache_read_input_tokens: 7,
        output_tokens: 4,
      },
    });
    const completion = await complete(hello);
    const sent = fake.requests.at(-1);
    expect(sent?.headers["x-api-key"]).toBe(fake.apiKey);
    expect(sent?.headers["anthropic-version"]).toBe("2023-06-01");
    expect(sent?.body).toEqual({
      model: "claude-sonnet-5",
      max_tokens: DEFAULT_MAX_TOKENS,
      system: [{ type: "text", text: "Be brief." }],
      messages: [{ role: "user", content: [{ type: "text", text: "Hi" }] }],
    });
    expect(completion).toMatchObject({
      object: "chat.completion",
      model: CLIENT_MODEL,
      choices: [{ index: 0, message: { role: "assistant", content: "Hello!" }, finish_reason: "stop" }],
      usage: {
        prompt_tokens: 20,
        completion_tokens: 4,
        total_tokens: 24,
        prompt_tokens_details: { cached_tokens: 7 },
      },
    });
    expect(completion.choices[0]?.message.tool_calls).toBeUndefined();
  });

  it("streams text and parallel tool calls into chunks the openai SDK assembles into the non-streamed answer", async () => {
    const request: ChatCompletionRequest = { ...hello, tools: [WEATHER_TOOL] };
    fake.script(
      { kind: "message", content: TOOL_ANSWER, pieces: 4 },
      { kind: "message", content: TOOL_ANSWER },
    );
    const { chunks, usage, failure } = await streamed(request);
    const whole = await complete(request);
    expect(failure).toBeUndefined();
    expect(chunks[0]?.choices[0]?.delta).toEqual({ role: "assistant", content: "Checki" });
    expect(chunks.filter((chunk) => chunk.choices[0]?.delta.role).length).toBe(1);
    const toolDeltas = chunks.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? []);
    // Tool calls are numbered among themselves (0, 1) although they are content blocks 1 and 2.
    expect(toolDeltas.filter((delta) => delta.id).map((delta) => [delta.index, delta.id])).toEqual([
      [0, "toolu_paris"],
      [1, "toolu_tokyo"],
    ]);
    expect(toolDeltas.filter((delta) => delta.index === 1 && !delta.id).length).toBeGreaterThan(2);

    const assembled = await assembledByOpenAI(chunks);
    const message = assembled.choices[0]?.message;
    expect(message?.content).toBe("Checking both cities.");
    expect(
      message?.tool_calls?.map((call) => call.type === "function" && JSON.parse(call.function.arguments)),
    ).toEqual([PARIS, TOKYO]);
    expect(assembled.choices[0]?.finish_reason).toBe("tool_calls");
    expect(message?.tool_calls).toEqual(whole.choices[0]?.message.tool_calls);
    expect(message?.content).toBe(whole.choices[0]?.message.content);
    expect(assembled.choices[0]?.finish_reason).toBe(whole.choices[0]?.finish_reason);
    expect(usage).toEqual(whole.usage);
    expect(usage).toEqual({
      prompt_tokens: 21,
      completion_tokens: 9,
      total_tokens: 30,
      prompt_tokens_details: { cached_tokens: 0 },
    });
  });

  it("sends a tool round trip the upstream accepts: results in one user turn, first, paired with the calls", async () => {
    fake.script({ kind: "message", content: [{ type: "text", text: "Sunny in both." }] });
    const completion = await complete({
      model: CLIENT_MODEL,
      tools: [WEATHER_TOOL],
      messages: [
        { role: "user", content: "Weather in Paris and Tokyo?" },
        {
          role: "assistant",
          content: null,
          tool_calls: [
            {
              id: "toolu_paris",
              type: "function",
              function: { name: "get_weather", arguments: JSON.stringify(PARIS) },
            },
            { id: "toolu_tokyo", type: "function", function: { name: "get_weather", arguments: "" } },
          ],
        },
        { role: "tool", tool_call_id: "toolu_paris", content: "21°C, sunny" },
        { role: "tool", tool_call_id: "toolu_tokyo", content: [{ type: "text", text: "18°C, clear" }] },
        { role: "user", content: "Summarise." },
      ],
    });
    expect(completion.choices[0]?.message.content).toBe("Sunny in both.");
    const sent = fake.requests.at(-1)?.body.messages as Array<{ role: string; content: unknown[] }>;
    expect(sent.map((turn) => turn.role)).toEqual(["user", "assistant", "user"]);
    expect(sent[1]?.content).toEqual([
      { type: "tool_use", id: "toolu_paris", name: "get_weather", input: PARIS },
      { type: "tool_use", id: "toolu_tokyo", name: "get_weather", input: {} },
    ]);
    expect(sent[2]?.content).toEqual([
      { type: "tool_result", tool_use_id: "toolu_paris", content: "21°C, sunny" },
      { type: "tool_result", tool_use_id: "toolu_tokyo", content: "18°C, clear" },
      { type: "text", text: "Summarise." },
    ]);
  });

  it("classifies the upstream's error answers", async () => {
    fake.script(
      { kind: "error", status: 529, type: "overloaded_error", message: "Overloaded" },
      {
        kind: "error",
        status: 429,
        type: "rate_limit_error",
        message: "Number of requests has exceeded your rate limit",
        retryAfter: 7,
      },
      {
        kind: "error",
        status: 400,
        type: "invalid_request_error",
        message: "prompt is too long: 210000 tokens > 200000 maximum",
      },
    );
    const errors = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      const response = await send(hello);
      errors.push({
        retryAfter: response.headers.get("retry-after"),
        ...anthropicAdapter.error(response.status, await response.text()),
      });
    }
    expect(errors).toEqual([
      { retryAfter: null, status: 503, message: "Overloaded" },
      {
        retryAfter: "7",
        status: 429,
        message: "Number of requests has exceeded your rate limit",
        kind: "rate_limit",
      },
      {
        retryAfter: null,
        status: 400,
        message: "prompt is too long: 210000 tokens > 200000 maximum",
        kind: "context_window_exceeded",
      },
    ]);
    const rejected = await send(hello, { ...target, apiKey: "sk-ant-wrong" });
    expect(anthropicAdapter.error(rejected.status, await rejected.text())).toEqual({
      status: 401,
      message: "invalid x-api-key",
      kind: "other",
    });
  });

  it("turns an error event mid-stream into an UpstreamStreamError after the text already sent", async () => {
    fake.script({
      kind: "stream_error",
      content: [{ type: "text", text: "Partial answer" }],
      type: "overloaded_error",
      message: "Overloaded",
    });
    const { chunks, failure } = await streamed(hello);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? "").join("")).toBe("Partial answer");
    expect(failure).toBeInstanceOf(UpstreamStreamError);
    expect(failure).toMatchObject({ status: 503, kind: undefined, message: "Overloaded" });
  });

  it("sends images as base64 or URL sources the upstream accepts", async () => {
    fake.script({ kind: "message", content: [{ type: "text", text: "A red dot and a logo." }] });
    await complete({
      model: CLIENT_MODEL,
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "What are these?" },
            { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } },
            { type: "image_url", image_url: { url: "https://example.com/logo.webp", detail: "low" } },
          ],
        },
      ],
    });
    const sent = fake.requests.at(-1)?.body.messages as Array<{ content: unknown[] }>;
    expect(sent[0]?.content.slice(1)).toEqual([
      { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" } },
      { type: "image", source: { type: "url", url: "https://example.com/logo.webp" } },
    ]);
  });
});
