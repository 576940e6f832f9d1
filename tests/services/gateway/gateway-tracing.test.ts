import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type GatewayConfigError,
  parseGatewayConfig,
} from "../../../services/gateway/src/config/load-config";
import { type FakeUpstream, startFakeUpstream } from "./fakes/openai-upstream";
import { type FakeCollector, startFakeCollector } from "./fakes/otlp-collector";
import { deployment, MASTER_KEY, type RunningGateway, startGateway } from "./start-gateway";

const CALLER_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const CALLER_SPAN = "00f067aa0ba902b7";
const PROMPT = "the quarterly numbers nobody may see";

let collector: FakeCollector;
let upstream: FakeUpstream;
let running: RunningGateway;

const document = (baseUrl: string) => ({
  model_list: [
    deployment("qwen", baseUrl),
    {
      model_name: "kokoro",
      litellm_params: { model: "openai_compatible/kokoro", api_base: baseUrl },
      model_info: { mode: "audio_speech" },
    },
  ],
  router_settings: { num_retries: 2, retry_after: 0.01 },
  litellm_settings: { callbacks: ["otel"] },
  general_settings: { master_key: MASTER_KEY },
});

beforeAll(async () => {
  collector = await startFakeCollector();
  upstream = await startFakeUpstream("qwen");
  running = await startGateway(document(upstream.baseUrl), {
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, OTEL_SERVICE_NAME: "llm-gateway-test" },
  });
  const client = running.client();
  await client.chat.completions.create(
    { model: "qwen", messages: [{ role: "user", content: PROMPT }] },
    { headers: { traceparent: `00-${CALLER_TRACE}-${CALLER_SPAN}-01` } },
  );
  upstream.script({ kind: "status", status: 500 });
  const stream = await client.chat.completions.create({
    model: "qwen",
    messages: [{ role: "user", content: PROMPT }],
    stream: true,
  });
  for await (const _chunk of stream);
  await (await client.audio.speech.create({ model: "kokoro", voice: "alloy", input: PROMPT })).arrayBuffer();
  // Closing flushes the batch processor, so every span has reached the collector.
  await running.close();
});

afterAll(async () => {
  await upstream?.close();
  await collector?.close();
});

describe("OpenTelemetry traces", () => {
  it("continue the caller's trace: a server span per call, a client span per attempt, context sent upstream", () => {
    const calls = collector.spans.filter((span) => span.attributes["gateway.stream"] === false);
    expect(calls).toHaveLength(1);
    const call = calls[0];
    expect(call).toMatchObject({
      traceId: CALLER_TRACE,
      parentSpanId: CALLER_SPAN,
      name: "chat qwen",
      serviceName: "llm-gateway-test",
      attributes: {
        "gen_ai.operation.name": "chat",
        "gen_ai.request.model": "qwen",
        "gen_ai.response.model": "qwen-upstream",
        "gen_ai.provider.name": "hosted_vllm",
        "gen_ai.usage.input_tokens": 12,
        "gen_ai.usage.output_tokens": 5,
        "http.response.status_code": 200,
      },
    });
    const attempts = collector.spans.filter((span) => span.parentSpanId === call?.spanId);
    expect(attempts).toHaveLength(1);
    expect(attempts[0]?.attributes).toMatchObject({ "gateway.attempt": 0, "server.address": "127.0.0.1" });
    const sent = upstream.requests[0]?.headers.traceparent;
    expect(sent).toBe(`00-${CALLER_TRACE}-${attempts[0]?.spanId}-01`);
  });

  it("mark a failed attempt as an error and keep the retry that answered in the same trace", () => {
    const call = collector.spans.find((span) => span.attributes["gateway.stream"] === true);
    expect(call?.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(call?.traceId).not.toBe(CALLER_TRACE);
    expect(call?.parentSpanId).toBeUndefined();
    const attempts = collector.spans
      .filter((span) => span.parentSpanId === call?.spanId)
      .sort((a, b) => Number(a.attributes["gateway.attempt"]) - Number(b.attributes["gateway.attempt"]));
    expect(attempts.map((span) => [span.attributes["gateway.attempt"], span.status?.code ?? 0])).toEqual([
      [0, 2],
      [1, 0],
    ]);
    expect(attempts[0]?.attributes).toMatchObject({
      "error.type": "server",
      "http.response.status_code": 500,
    });
  });

  it("cover the audio routes too", () => {
    // OTLP span kinds: 2 server (the call), 3 client (an upstream attempt).
    const call = collector.spans.find((span) => span.name === "audio_speech kokoro" && span.kind === 2);
    expect(call?.attributes).toMatchObject({
      "http.response.status_code": 200,
      "gen_ai.provider.name": "openai_compatible",
    });
    expect(collector.spans.filter((span) => span.parentSpanId === call?.spanId)).toHaveLength(1);
  });

  it("export OTLP JSON without prompts, answers or keys", () => {
    expect(collector.contentTypes.every((type) => type.startsWith("application/json"))).toBe(true);
    const exported = collector.bodies.join("\n");
    expect(exported).not.toContain(PROMPT);
    expect(exported).not.toContain(upstream.reply);
    expect(exported).not.toContain(MASTER_KEY);
  });

  it("are configured LiteLLM's way and refuse a config that cannot export", () => {
    const base = document("http://127.0.0.1:9/v1");
    expect(parseGatewayConfig({ ...base, litellm_settings: {} }, {}).tracing).toBeUndefined();
    expect(
      parseGatewayConfig(base, { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://alloy:4318/v1/traces" }).tracing,
    ).toEqual({ endpoint: "http://alloy:4318/v1/traces", serviceName: "llm-gateway", sampleRatio: 1 });
    try {
      parseGatewayConfig(base, { OTEL_TRACES_SAMPLER_ARG: "2" });
      expect.unreachable("no endpoint");
    } catch (error) {
      expect((error as GatewayConfigError).problems).toEqual([
        "litellm_settings.callbacks: otel needs OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or OTEL_EXPORTER_OTLP_ENDPOINT",
      ]);
    }
    expect(() =>
      parseGatewayConfig(base, {
        OTEL_EXPORTER_OTLP_ENDPOINT: "http://alloy:4318",
        OTEL_TRACES_SAMPLER_ARG: "2",
      }),
    ).toThrow("OTEL_TRACES_SAMPLER_ARG: must be a number from 0 to 1");
    expect(() => parseGatewayConfig({ ...base, litellm_settings: { callbacks: ["langfuse"] } }, {})).toThrow(
      "litellm_settings.callbacks.0",
    );
  });
});
