/**
 * The fake Anthropic upstream speaks the real protocol: the official `@anthropic-ai/sdk` client reads
 * its JSON answers, its event streams (assembling tool input from input_json_delta fragments) and its
 * errors exactly as it reads Anthropic's.
 */
import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type FakeAnthropic,
  type ScriptedBlock,
  splitInto,
  startFakeAnthropic,
} from "./fakes/anthropic-upstream";

const WEATHER_CALL: ScriptedBlock = {
  type: "tool_use",
  id: "toolu_01WeatherParis",
  name: "get_weather",
  input: { city: "Paris", unit: "celsius", days: [1, 2], detail: { hourly: true } },
};

let fake: FakeAnthropic;
let client: Anthropic;

beforeAll(async () => {
  fake = await startFakeAnthropic();
  client = new Anthropic({ apiKey: fake.apiKey, baseURL: fake.origin, maxRetries: 0 });
});
afterAll(() => fake.close());

const ask = {
  model: "claude-sonnet-5",
  max_tokens: 256,
  messages: [{ role: "user" as const, content: "Hi" }],
};

describe("fake Anthropic upstream, read by the official SDK", () => {
  it("answers a Message the SDK returns as is", async () => {
    fake.script({
      kind: "message",
      content: [{ type: "text", text: "Hello there." }],
      usage: { cache_read_input_tokens: 5 },
    });
    const message = await client.messages.create(ask);
    expect(message.type).toBe("message");
    expect(message.model).toBe("claude-sonnet-5");
    expect(message.stop_reason).toBe("end_turn");
    expect(message.content).toEqual([{ type: "text", text: "Hello there." }]);
    expect(message.usage).toMatchObject({ input_tokens: 21, output_tokens: 9, cache_read_input_tokens: 5 });
    expect(fake.requests.at(-1)?.body).toMatchObject(ask);
  });

  it("streams named events the SDK assembles into the same message, tool input split across deltas", async () => {
    const content: ScriptedBlock[] = [{ type: "text", text: "Let me check the weather." }, WEATHER_CALL];
    fake.script({ kind: "message", content, pieces: 5 });
    const stream = client.messages.stream(ask);
    const eventTypes: string[] = [];
    const jsonFragments: string[] = [];
    stream.on("streamEvent", (event) => {
      eventTypes.push(event.type);
      if (event.type === "content_block_delta" && event.delta.type === "input_json_delta") {
        jsonFragments.push(event.delta.partial_json);
      }
    });
    const message = await stream.finalMessage();
    expect(message.content).toEqual([
      { type: "text", text: "Let me check the weather." },
      {
        type: "tool_use",
        id: WEATHER_CALL.id,
        name: "get_weather",
        input: WEATHER_CALL.type === "tool_use" && WEATHER_CALL.input,
      },
    ]);
    expect(message.stop_reason).toBe("tool_use");
    expect(message.usage.output_tokens).toBe(9);
    expect(jsonFragments.length).toBeGreaterThan(3);
    expect(jsonFragments.join("")).toBe(
      JSON.stringify(WEATHER_CALL.type === "tool_use" && WEATHER_CALL.input),
    );
    expect(eventTypes[0]).toBe("message_start");
    expect(eventTypes.at(-1)).toBe("message_stop");
    expect(eventTypes).toContain("message_delta");
  });

  it("answers error statuses the SDK raises with Anthropic's error type", async () => {
    fake.script({ kind: "error", status: 529, type: "overloaded_error", message: "Overloaded" });
    const error = await client.messages.create(ask).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect((error as InstanceType<typeof Anthropic.APIError>).status).toBe(529);
    expect((error as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({
      type: "error",
      error: { type: "overloaded_error", message: "Overloaded" },
    });
  });

  it("sends an error event mid-stream that the SDK raises after the text before it", async () => {
    fake.script({
      kind: "stream_error",
      content: [{ type: "text", text: "Partial answer" }],
      type: "overloaded_error",
      message: "Overloaded",
    });
    const stream = await client.messages.create({ ...ask, stream: true });
    let text = "";
    const error = await (async () => {
      for await (const event of stream) {
        if (event.type === "content_block_delta" && event.delta.type === "text_delta")
          text += event.delta.text;
      }
    })().catch((caught: unknown) => caught);
    expect(text).toBe("Partial answer");
    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect(String((error as Error).message)).toContain("Overloaded");
  });

  it("rejects a wrong key and a conversation whose tool_use goes unanswered, as the real API does", async () => {
    const stranger = new Anthropic({ apiKey: "sk-ant-wrong", baseURL: fake.origin, maxRetries: 0 });
    await expect(stranger.messages.create(ask)).rejects.toBeInstanceOf(Anthropic.AuthenticationError);
    const unanswered = client.messages.create({
      ...ask,
      messages: [
        { role: "user", content: "Weather?" },
        { role: "assistant", content: [{ type: "tool_use", id: "toolu_1", name: "get_weather", input: {} }] },
        { role: "user", content: "Well?" },
      ],
    });
    await expect(unanswered).rejects.toThrow(/tool_use ids were found without tool_result blocks.*toolu_1/);
  });

  it("splits text into the number of pieces asked for", () => {
    expect(splitInto("abcdefghij", 3)).toEqual(["abcd", "efgh", "ij"]);
    expect(splitInto("ab", 5)).toEqual(["a", "b"]);
  });
});
