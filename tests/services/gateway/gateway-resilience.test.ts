import OpenAI from "openai";
import { afterEach, beforeEach, describe, expect, inject, it } from "vitest";
import { redisTestPrefix } from "../../harness/databases";
import { type FakeUpstream, startFakeUpstream } from "./fakes/openai-upstream";
import { deployment, type RunningGateway, readJson, startGateway } from "./start-gateway";

let upstreams: FakeUpstream[] = [];
let gateways: RunningGateway[] = [];

beforeEach(async () => {
  upstreams = await Promise.all(["a", "b", "c"].map((name) => startFakeUpstream(name)));
});

afterEach(async () => {
  await Promise.all(gateways.map((gateway) => gateway.close()));
  await Promise.all(upstreams.map((upstream) => upstream.close()));
  gateways = [];
});

const [a, b, c] = [0, 1, 2];
const ask = (gateway: RunningGateway, model = "chat") =>
  gateway.client().chat.completions.create({ model, messages: [{ role: "user", content: "hi" }] });

async function start(document: Record<string, unknown>, options = {}) {
  const gateway = await startGateway(document, options);
  gateways.push(gateway);
  return gateway;
}

/** Two deployments of one group, weighted so the first is always tried first. */
function pair(extra: Record<string, unknown> = {}) {
  return [
    deployment("chat", upstreams[a]!.baseUrl, { params: { weight: 1e9, ...extra } }),
    deployment("chat", upstreams[b]!.baseUrl, { params: { weight: 1e-9, ...extra } }),
  ];
}

describe("retries", () => {
  it("retries a 5xx on the other deployment and answers from it", async () => {
    upstreams[a]!.script({ kind: "status", status: 500 });
    const gateway = await start({
      model_list: pair(),
      router_settings: { num_retries: 2, retry_after: 0.001 },
    });
    const answer = await ask(gateway);
    expect(answer.choices[0]?.message.content).toBe(upstreams[b]!.reply);
    expect(upstreams[a]!.requests).toHaveLength(1);
    expect(await (await gateway.fetch("/metrics")).text()).toMatch(
      /gateway_retries_total\{deployment="chat#1"\} 1/,
    );
  });

  it("waits as long as the upstream's Retry-After asks before retrying", async () => {
    upstreams[a]!.script({ kind: "status", status: 429, retryAfter: 1 });
    const gateway = await start({
      model_list: [deployment("chat", upstreams[a]!.baseUrl)],
      router_settings: { num_retries: 1, retry_after: 0.001 },
    });
    const started = Date.now();
    const answer = await ask(gateway);
    expect(answer.choices[0]?.message.content).toBe(upstreams[a]!.reply);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it("answers 429 with Retry-After once an upstream rate limit outlasts the retries", async () => {
    upstreams[a]!.script(
      { kind: "status", status: 429, retryAfter: 7 },
      { kind: "status", status: 429, retryAfter: 7 },
    );
    const gateway = await start({
      model_list: [deployment("chat", upstreams[a]!.baseUrl)],
      router_settings: { num_retries: 0 },
    });
    const response = await gateway.fetch("/v1/chat/completions", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "chat", messages: [{ role: "user", content: "x" }] }),
    });
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBe("7");
    expect((await readJson(response)).error.type).toBe("rate_limit_error");
  });

  it("gives up on a hanging upstream at the deployment's timeout with 504", async () => {
    upstreams[a]!.script({ kind: "hang" });
    const gateway = await start({
      model_list: [deployment("chat", upstreams[a]!.baseUrl, { params: { timeout: 0.3 } })],
      router_settings: { num_retries: 0 },
    });
    const error = (await ask(gateway).catch((caught) => caught)) as InstanceType<typeof OpenAI.APIError>;
    expect(error.status).toBe(504);
    expect(error.code).toBe("upstream_timeout");
  });

  it("answers 502 when the upstream resets the connection and no retry is left", async () => {
    upstreams[a]!.script({ kind: "reset" });
    const gateway = await start({
      model_list: [deployment("chat", upstreams[a]!.baseUrl)],
      router_settings: { num_retries: 0 },
    });
    const error = (await ask(gateway).catch((caught) => caught)) as InstanceType<typeof OpenAI.APIError>;
    expect(error.status).toBe(502);
    expect(JSON.stringify(error.error)).not.toMatch(/at \w+ \(|node:internal/);
  });

  it("passes a client error from the upstream back as 400 without retrying", async () => {
    upstreams[a]!.script({ kind: "status", status: 400, message: "bad logit_bias" });
    const gateway = await start({ model_list: pair(), router_settings: { num_retries: 3 } });
    const error = (await ask(gateway).catch((caught) => caught)) as InstanceType<typeof OpenAI.APIError>;
    expect(error.status).toBe(400);
    expect(error.message).toContain("bad logit_bias");
    expect(upstreams[b]!.requests).toHaveLength(0);
  });
});

describe("streams", () => {
  const stream = (gateway: RunningGateway) =>
    gateway
      .client()
      .chat.completions.create({ model: "chat", messages: [{ role: "user", content: "hi" }], stream: true });

  it("retries a stream that failed before its first byte on another deployment", async () => {
    upstreams[a]!.script({ kind: "reset-mid-stream", chunks: 0 });
    const gateway = await start({
      model_list: pair(),
      router_settings: { num_retries: 1, retry_after: 0.001 },
    });
    let text = "";
    for await (const part of await stream(gateway)) text += part.choices[0]?.delta.content ?? "";
    expect(text).toBe(upstreams[b]!.reply);
  });

  it("ends a stream that fails after its first byte with an error event the SDK raises", async () => {
    upstreams[a]!.script({ kind: "reset-mid-stream", chunks: 3 });
    const gateway = await start({ model_list: pair(), router_settings: { num_retries: 1 } });
    let text = "";
    const failure = await (async () => {
      for await (const part of await stream(gateway)) text += part.choices[0]?.delta.content ?? "";
    })().catch((error) => error);
    expect(failure).toBeInstanceOf(OpenAI.APIError);
    expect(String(failure.message)).toContain("stream failed");
    expect(text.length).toBeGreaterThan(0);
    expect(upstreams[b]!.requests).toHaveLength(0);
  });

  it("cuts a stream that stays silent longer than the idle timeout", async () => {
    upstreams[a]!.script({ kind: "trickle", delayMs: 400 });
    const gateway = await start({
      model_list: [
        deployment("chat", upstreams[a]!.baseUrl, {
          params: { stream_timeout: 5, stream_idle_timeout: 0.15 },
        }),
      ],
      router_settings: { num_retries: 0 },
    });
    const failure = await (async () => {
      for await (const _ of await stream(gateway)) {
        // consume
      }
    })().catch((error) => error);
    expect(failure).toBeInstanceOf(Error);
  });

  it("retries elsewhere when the first byte does not come in time", async () => {
    upstreams[a]!.script({ kind: "trickle", delayMs: 500 });
    const gateway = await start({
      model_list: pair({ stream_timeout: 0.2 }),
      router_settings: { num_retries: 1, retry_after: 0.001 },
    });
    let text = "";
    for await (const part of await stream(gateway)) text += part.choices[0]?.delta.content ?? "";
    expect(text).toBe(upstreams[b]!.reply);
  });
});

describe("fallbacks", () => {
  it("moves to the general fallback group when every deployment of the group failed", async () => {
    upstreams[a]!.script({ kind: "status", status: 503 }, { kind: "status", status: 503 });
    const gateway = await start({
      model_list: [deployment("chat", upstreams[a]!.baseUrl), deployment("backup", upstreams[c]!.baseUrl)],
      router_settings: { num_retries: 1, retry_after: 0.001, fallbacks: [{ chat: ["backup"] }] },
    });
    expect((await ask(gateway)).choices[0]?.message.content).toBe(upstreams[c]!.reply);
    expect((await ask(gateway)).model).toBe("chat");
  });

  it("uses the context-window fallback for a prompt too long, not the general one", async () => {
    upstreams[a]!.script({
      kind: "status",
      status: 400,
      message: "This model's maximum context length is 8192 tokens",
    });
    const gateway = await start({
      model_list: [
        deployment("chat", upstreams[a]!.baseUrl),
        deployment("long", upstreams[b]!.baseUrl),
        deployment("other", upstreams[c]!.baseUrl),
      ],
      router_settings: { fallbacks: [{ chat: ["other"] }], context_window_fallbacks: [{ chat: ["long"] }] },
    });
    expect((await ask(gateway)).choices[0]?.message.content).toBe(upstreams[b]!.reply);
    expect(upstreams[c]!.requests).toHaveLength(0);
  });
});

describe("circuit breaker shared across replicas through Redis", () => {
  it("opens on one replica's failures, is skipped by the other, and closes after a good probe", async () => {
    const prefix = redisTestPrefix("breaker");
    const document = {
      model_list: pair(),
      router_settings: { num_retries: 0, allowed_fails: 2, cooldown_time: 1, redis_url: inject("redisUrl") },
    };
    const first = await start(document, { redisKeyPrefix: prefix });
    const second = await start(document, { redisKeyPrefix: prefix });
    upstreams[a]!.script({ kind: "status", status: 500 }, { kind: "status", status: 500 });
    await ask(first).catch(() => undefined);
    await ask(first).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const before = upstreams[a]!.requests.length;
    // The other replica learned of the open breaker and routes around deployment a.
    for (let i = 0; i < 3; i++)
      expect((await ask(second)).choices[0]?.message.content).toBe(upstreams[b]!.reply);
    expect(upstreams[a]!.requests.length).toBe(before);
    expect(await (await first.fetch("/metrics")).text()).toMatch(
      /gateway_deployment_cooldown\{deployment="chat#0",model_group="chat"\} 1/,
    );
    // After the cooldown, one probe goes to a; it succeeds and the breaker closes everywhere.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await ask(second)).choices[0]?.message.content).toBe(upstreams[a]!.reply);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await ask(first)).choices[0]?.message.content).toBe(upstreams[a]!.reply);
  });

  it("answers 503 with Retry-After while every deployment cools down", async () => {
    const gateway = await start({
      model_list: [deployment("chat", upstreams[a]!.baseUrl)],
      router_settings: { num_retries: 0, allowed_fails: 1, cooldown_time: 30 },
    });
    upstreams[a]!.script({ kind: "status", status: 500 });
    await ask(gateway).catch(() => undefined);
    const response = await gateway.fetch("/v1/chat/completions", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "chat", messages: [{ role: "user", content: "x" }] }),
    });
    expect(response.status).toBe(503);
    expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(20);
  });
});

describe("per-deployment caps", () => {
  it("sends a deployment no more requests a minute than its rpm, then uses the other one", async () => {
    const gateway = await start({
      model_list: [
        deployment("chat", upstreams[a]!.baseUrl, { params: { weight: 1e9, rpm: 2 } }),
        deployment("chat", upstreams[b]!.baseUrl, { params: { weight: 1e-9 } }),
      ],
    });
    const answers = [];
    // Counting happens after each answer, so the requests go one by one.
    for (let i = 0; i < 4; i++) {
      answers.push((await ask(gateway)).choices[0]?.message.content);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(upstreams[a]!.requests).toHaveLength(2);
    expect(answers.slice(2)).toEqual([upstreams[b]!.reply, upstreams[b]!.reply]);
  });
});
