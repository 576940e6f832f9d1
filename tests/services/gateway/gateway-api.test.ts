import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeUpstream, startFakeUpstream, USAGE } from "./fakes/openai-upstream";
import {
  createKey,
  deployment,
  MASTER_KEY,
  type RunningGateway,
  readJson,
  startGateway,
} from "./start-gateway";

let upstream: FakeUpstream;
let running: RunningGateway;

beforeAll(async () => {
  upstream = await startFakeUpstream("qwen");
  running = await startGateway({
    model_list: [
      deployment("qwen", upstream.baseUrl, {
        info: { input_cost_per_token: 0.000001, output_cost_per_token: 0.000002 },
      }),
      deployment("glm", upstream.baseUrl),
      {
        model_name: "bge",
        litellm_params: { model: "hosted_vllm/BAAI/bge-m3", api_base: upstream.baseUrl },
        model_info: { mode: "embedding" },
      },
      {
        model_name: "qwen-text",
        litellm_params: { model: "openai_compatible/qwen-text", api_base: upstream.baseUrl },
        model_info: { mode: "completion" },
      },
    ],
    general_settings: { master_key: MASTER_KEY, max_request_size_mb: 0.01 },
  });
});

afterAll(async () => {
  await running.close();
  await upstream.close();
});

describe("OpenAI API through the gateway, with the official openai SDK", () => {
  it("answers a chat completion with the group's name, the upstream's usage and the request's cost", async () => {
    const { data, response } = await running
      .client()
      .chat.completions.create({ model: "qwen", messages: [{ role: "user", content: "hi" }] })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe(upstream.reply);
    expect(data.model).toBe("qwen");
    expect(data.usage).toEqual(USAGE);
    expect(Number(response.headers.get("x-gateway-cost"))).toBeCloseTo(12 * 0.000001 + 5 * 0.000002, 10);
    const sent = upstream.requests.at(-1)?.json();
    expect(sent?.model).toBe("qwen-upstream");
  });

  it("streams chunks the SDK assembles, with usage only when the client asked for it", async () => {
    const client = running.client();
    const withUsage = await client.chat.completions.create({
      model: "qwen",
      messages: [{ role: "user", content: "hi" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = "";
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const part of withUsage) {
      text += part.choices[0]?.delta.content ?? "";
      if (part.usage) usage = part.usage;
    }
    expect(text).toBe(upstream.reply);
    expect(usage).toEqual(USAGE);

    const withoutUsage = await client.chat.completions.create({
      model: "qwen",
      messages: [{ role: "user", content: "hi" }],
      stream: true,
    });
    const parts = [];
    for await (const part of withoutUsage) parts.push(part);
    expect(parts.every((part) => part.choices.length > 0)).toBe(true);
    // The gateway still asked the upstream for usage, to count spend.
    expect(upstream.requests.at(-1)?.json().stream_options).toEqual({ include_usage: true });
  });

  it("passes tools, tool_choice and parallel tool calls through and returns the tool calls", async () => {
    upstream.script({
      kind: "tool-calls",
      calls: [
        { name: "lookup", arguments: '{"q":"a"}' },
        { name: "lookup", arguments: '{"q":"b"}' },
      ],
    });
    const tools: OpenAI.ChatCompletionTool[] = [
      {
        type: "function",
        function: { name: "lookup", parameters: { type: "object", properties: { q: { type: "string" } } } },
      },
    ];
    const completion = await running.client().chat.completions.create({
      model: "qwen",
      messages: [{ role: "user", content: "find a and b" }],
      tools,
      tool_choice: "auto",
      parallel_tool_calls: true,
    });
    const sent = upstream.requests.at(-1)?.json();
    expect(sent?.tools).toEqual(tools);
    expect(sent?.tool_choice).toBe("auto");
    expect(sent?.parallel_tool_calls).toBe(true);
    expect(completion.choices[0]?.finish_reason).toBe("tool_calls");
    expect(
      completion.choices[0]?.message.tool_calls?.map(
        (call) => call.type === "function" && call.function.arguments,
      ),
    ).toEqual(['{"q":"a"}', '{"q":"b"}']);
  });

  it("streams tool-call deltas split across chunks so the SDK's stream helper rebuilds them", async () => {
    upstream.script({ kind: "tool-calls", calls: [{ name: "lookup", arguments: '{"q":"split across"}' }] });
    const stream = running.client().chat.completions.stream({
      model: "qwen",
      messages: [{ role: "user", content: "x" }],
      tools: [{ type: "function", function: { name: "lookup", parameters: { type: "object" } } }],
    });
    const final = await stream.finalChatCompletion();
    const call = final.choices[0]?.message.tool_calls?.[0];
    expect(call?.type === "function" && call.function).toMatchObject({
      name: "lookup",
      arguments: '{"q":"split across"}',
    });
  });

  it("serves legacy completions and embeddings", async () => {
    const client = running.client();
    const completion = await client.completions.create({ model: "qwen-text", prompt: "Say hi" });
    expect(completion.choices[0]?.text).toBe(upstream.reply);
    const embeddings = await client.embeddings.create({ model: "bge", input: ["a", "b"] });
    expect(embeddings.data).toHaveLength(2);
    expect(embeddings.model).toBe("bge");
    expect(upstream.requests.at(-1)?.json().model).toBe("BAAI/bge-m3");
  });

  it("lists only the models the caller's key may use", async () => {
    const { key } = await createKey(running, { models: ["qwen", "bge"] });
    const models = await running.client(key).models.list();
    expect(models.data.map((model) => model.id).sort()).toEqual(["bge", "qwen"]);
    const all = await running.client().models.list();
    expect(all.data.map((model) => model.id).sort()).toEqual(["bge", "glm", "qwen", "qwen-text"]);
  });
});

describe("errors in OpenAI's shape with the right status", () => {
  const shape = (error: unknown) => {
    expect(error).toBeInstanceOf(OpenAI.APIError);
    return error as InstanceType<typeof OpenAI.APIError>;
  };
  const ask = (client: OpenAI, model = "qwen") =>
    client.chat.completions.create({ model, messages: [{ role: "user", content: "hi" }] });

  it("401 without a key and with a wrong key", async () => {
    const missing = await running.fetch("/v1/chat/completions", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(missing.status).toBe(401);
    expect((await readJson(missing)).error).toMatchObject({
      type: "authentication_error",
      code: "invalid_api_key",
    });
    const wrong = shape(await ask(running.client("sk-gw-wrong")).catch((error) => error));
    expect(wrong.status).toBe(401);
  });

  it("403 for a model the key may not use, 404 for one that does not exist", async () => {
    const { key } = await createKey(running, { models: ["glm"] });
    const forbidden = shape(await ask(running.client(key), "qwen").catch((error) => error));
    expect(forbidden.status).toBe(403);
    expect(forbidden.code).toBe("model_not_allowed");
    const missing = shape(await ask(running.client(), "nope").catch((error) => error));
    expect(missing.status).toBe(404);
    expect(missing.code).toBe("model_not_found");
  });

  it("400 naming the field for wrong types and unknown fields", async () => {
    const post = (body: unknown) =>
      running.fetch("/v1/chat/completions", {
        method: "POST",
        headers: { authorization: `Bearer ${MASTER_KEY}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    const wrongType = await post({
      model: "qwen",
      messages: [{ role: "user", content: "x" }],
      temperature: "hot",
    });
    expect(wrongType.status).toBe(400);
    expect((await readJson(wrongType)).error).toMatchObject({
      type: "invalid_request_error",
      param: "temperature",
    });
    const unknown = await post({ model: "qwen", messages: [{ role: "user", content: "x" }], temprature: 1 });
    const body = await readJson(unknown);
    expect(unknown.status).toBe(400);
    expect(body.error.param).toBe("temprature");
    expect(body.error.message).toContain("temprature");
    const badRole = await post({ model: "qwen", messages: [{ role: "robot", content: "x" }] });
    expect((await readJson(badRole)).error.param).toBe("messages.0.role");
  });

  it("400 for malformed JSON, 415 for a wrong content type, 413 for a body over the limit", async () => {
    const headers = { authorization: `Bearer ${MASTER_KEY}`, "content-type": "application/json" };
    const malformed = await running.fetch("/v1/chat/completions", {
      method: "POST",
      headers,
      body: '{"model": "qwen", ',
    });
    expect(malformed.status).toBe(400);
    expect((await readJson(malformed)).error.code).toBe("invalid_json");
    const text = await running.fetch("/v1/chat/completions", {
      method: "POST",
      headers: { ...headers, "content-type": "text/plain" },
      body: "hi",
    });
    expect(text.status).toBe(415);
    const huge = await running.fetch("/v1/chat/completions", {
      method: "POST",
      headers,
      body: JSON.stringify({ model: "qwen", messages: [{ role: "user", content: "x".repeat(20_000) }] }),
    });
    expect(huge.status).toBe(413);
    expect((await readJson(huge)).error.code).toBe("request_too_large");
  });

  it("404 in the same shape for an unknown path and 405 for a wrong method", async () => {
    const unknown = await running.fetch("/v2/nothing");
    expect(unknown.status).toBe(404);
    expect((await readJson(unknown)).error.type).toBe("not_found_error");
    const method = await running.fetch("/v1/chat/completions");
    expect(method.status).toBe(405);
  });
});

describe("health and metrics", () => {
  it("reports liveliness, readiness without stores, and GenAI metrics", async () => {
    expect((await running.fetch("/health/liveliness")).status).toBe(200);
    const ready = await running.fetch("/health/readiness");
    expect(await readJson(ready)).toMatchObject({
      status: "ready",
      redis: "not configured",
      postgres: "not configured",
    });
    const metrics = await (await running.fetch("/metrics")).text();
    expect(metrics).toMatch(/gen_ai_server_request_duration_seconds_count\{[^}]*gen_ai_request_model="qwen"/);
    expect(metrics).toMatch(/gen_ai_client_token_usage_sum\{[^}]*gen_ai_token_type="input"/);
    expect(metrics).toContain("gateway_overhead_seconds_bucket");
    expect(metrics).not.toContain(MASTER_KEY);
  });
});
