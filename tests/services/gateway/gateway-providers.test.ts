/** Claude through the gateway with the openai SDK, and speech/transcription upstreams. */
import { toFile } from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeAnthropic, startFakeAnthropic } from "./fakes/anthropic-upstream";
import { type FakeUpstream, SPEECH_BYTES, startFakeUpstream } from "./fakes/openai-upstream";
import { MASTER_KEY, type RunningGateway, readJson, startGateway } from "./start-gateway";

let claude: FakeAnthropic;
let speech: FakeUpstream;
let chattts: FakeUpstream;
let running: RunningGateway;

beforeAll(async () => {
  claude = await startFakeAnthropic();
  speech = await startFakeUpstream("speaches");
  chattts = await startFakeUpstream("chattts");
  running = await startGateway(
    {
      model_list: [
        {
          model_name: "claude",
          litellm_params: {
            model: "anthropic/claude-sonnet-4-5",
            api_base: claude.baseUrl,
            api_key: "os.environ/ANTHROPIC_API_KEY",
          },
        },
        {
          model_name: "whisper",
          litellm_params: {
            model: "openai_compatible/Systran/faster-whisper-small",
            api_base: speech.baseUrl,
            request_defaults: { language: "zh", prompt: "通义千问" },
          },
          model_info: { mode: "audio_transcription", input_cost_per_second: 0.0001 },
        },
        {
          model_name: "tts",
          litellm_params: { model: "openai_compatible/kokoro", api_base: speech.baseUrl },
          model_info: { mode: "audio_speech", input_cost_per_character: 0.00001 },
        },
        {
          model_name: "chattts",
          litellm_params: {
            model: "chattts/chattts",
            api_base: chattts.baseUrl.replace(/\/v1$/, ""),
            request_defaults: { audio_seed: 7, refine_text_prompt: "[oral_2][laugh_0][break_4]" },
          },
        },
      ],
      general_settings: { master_key: MASTER_KEY },
    },
    { env: { ANTHROPIC_API_KEY: claude.apiKey } },
  );
});

afterAll(async () => {
  await running.close();
  await Promise.all([claude.close(), speech.close(), chattts.close()]);
});

describe("Anthropic Claude behind the OpenAI API", () => {
  it("answers a chat completion translated from the Messages API, with usage and cost", async () => {
    claude.script({
      kind: "message",
      content: [{ type: "text", text: "Bonjour." }],
      usage: { input_tokens: 30, output_tokens: 4 },
    });
    const { data, response } = await running
      .client()
      .chat.completions.create({
        model: "claude",
        messages: [
          { role: "system", content: "Be brief." },
          { role: "user", content: "Say hello in French" },
        ],
      })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe("Bonjour.");
    expect(data.usage).toMatchObject({ prompt_tokens: 30, completion_tokens: 4 });
    // Default price for claude-sonnet-4-5: 3 / 15 USD per million tokens.
    expect(Number(response.headers.get("x-gateway-cost"))).toBeCloseTo((30 * 3 + 4 * 15) / 1e6, 10);
    const sent = claude.requests.at(-1);
    expect(sent?.body.system).toBeDefined();
    expect(sent?.headers["x-api-key"]).toBe(claude.apiKey);
  });

  it("streams tool calls from Claude as OpenAI tool-call deltas the SDK reassembles", async () => {
    claude.script({
      kind: "message",
      content: [{ type: "tool_use", id: "toolu_1", name: "weather", input: { city: "Hangzhou" } }],
      stopReason: "tool_use",
      pieces: 3,
    });
    const final = await running
      .client()
      .chat.completions.stream({
        model: "claude",
        messages: [{ role: "user", content: "weather?" }],
        tools: [
          {
            type: "function",
            function: {
              name: "weather",
              parameters: { type: "object", properties: { city: { type: "string" } } },
            },
          },
        ],
      })
      .finalChatCompletion();
    const call = final.choices[0]?.message.tool_calls?.[0];
    expect(call?.type === "function" && JSON.parse(call.function.arguments)).toEqual({ city: "Hangzhou" });
    expect(final.choices[0]?.finish_reason).toBe("tool_calls");
  });

  it("retries Claude's overload (529) and reports 503 when it persists", async () => {
    claude.script(
      { kind: "error", status: 529, type: "overloaded_error", message: "Overloaded" },
      { kind: "error", status: 529, type: "overloaded_error", message: "Overloaded" },
      { kind: "error", status: 529, type: "overloaded_error", message: "Overloaded" },
    );
    const error = await running
      .client()
      .chat.completions.create({ model: "claude", messages: [{ role: "user", content: "x" }] })
      .catch((caught) => caught);
    expect(error.status).toBe(503);
  });
});

describe("audio", () => {
  it("streams a transcription upload (file first, as the SDK sends it) with the model renamed and defaults added", async () => {
    const audio = Buffer.alloc(300_000, 7);
    const result = await running
      .client()
      .audio.transcriptions.create({ file: await toFile(audio, "clip.wav"), model: "whisper" });
    expect(result.text).toBe(speech.reply);
    const sent = speech.requests.at(-1)!;
    const body = sent.body.toString("latin1");
    expect(sent.headers["content-type"]).toMatch(/^multipart\/form-data; boundary=/);
    expect(body).toContain('name="model"\r\n\r\nSystran/faster-whisper-small\r\n');
    expect(body).toContain('name="language"\r\n\r\nzh\r\n');
    expect(Buffer.from(body, "latin1").includes(audio)).toBe(true);
  });

  it("passes the bytes straight through when the model field comes before the file", async () => {
    const audio = Buffer.alloc(200_000, 3);
    const form = new FormData();
    form.append("model", "whisper");
    form.append("language", "en");
    form.append("file", new Blob([audio]), "clip.wav");
    const response = await running.fetch("/v1/audio/transcriptions", {
      method: "POST",
      headers: { authorization: `Bearer ${MASTER_KEY}` },
      body: form,
    });
    expect(response.status).toBe(200);
    const body = speech.requests.at(-1)!.body.toString("latin1");
    // The client's language wins over the default.
    expect(body).toContain('name="language"\r\n\r\nen\r\n');
    expect(body).not.toContain('name="language"\r\n\r\nzh\r\n');
  });

  it("rejects a form without a file and a body that is not multipart", async () => {
    const form = new FormData();
    form.append("model", "whisper");
    const noFile = await running.fetch("/v1/audio/transcriptions", {
      method: "POST",
      headers: { authorization: `Bearer ${MASTER_KEY}` },
      body: form,
    });
    expect(noFile.status).toBe(400);
    expect((await readJson(noFile)).error.param).toBe("file");
    const json = await running.fetch("/v1/audio/transcriptions", {
      method: "POST",
      headers: { authorization: `Bearer ${MASTER_KEY}`, "content-type": "application/json" },
      body: "{}",
    });
    expect(json.status).toBe(400);
    expect((await readJson(json)).error.code).toBe("unsupported_media_type");
  });

  it("streams speech audio back from an OpenAI-compatible TTS server", async () => {
    const response = await running
      .client()
      .audio.speech.create({ model: "tts", input: "你好", voice: "alloy" });
    expect(response.headers.get("content-type")).toBe("audio/mpeg");
    expect(Buffer.from(await response.arrayBuffer())).toEqual(SPEECH_BYTES);
  });

  it("translates speech to ChatTTS's /generate_voice and unwraps the MP3 from its zip", async () => {
    const response = await running
      .client()
      .audio.speech.create({ model: "chattts", input: "今天天气不错", voice: "1234", speed: 1.2 });
    expect(Buffer.from(await response.arrayBuffer())).toEqual(SPEECH_BYTES);
    const sent = chattts.requests.at(-1)!;
    expect(sent.path).toBe("/generate_voice");
    expect(sent.json()).toMatchObject({
      text: ["今天天气不错"],
      audio_seed: 1234,
      params_refine_text: { prompt: "[oral_2][laugh_0][break_4]" },
      params_infer_code: { prompt: "[speed_6]" },
    });
  });
});
