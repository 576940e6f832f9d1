/**
 * Conversation state: sessions in the real Redis survive a restart of the service and are shared by
 * replicas (one run per session at a time), expire with their TTL; the model sees a history trimmed
 * to the profile's context budget; huge tool results are cut with a marker.
 */
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { redisTestPrefix } from "../../harness/databases";
import { type AgentStack, startStack } from "./support/agent-stack";
import { jsonOf, type RunningAgent } from "./support/start-agent";

let stack: AgentStack;
let redis: Redis;
const prefix = redisTestPrefix("agent");

beforeAll(async () => {
  stack = await startStack();
  redis = new Redis(inject("redisUrl"));
});

afterAll(async () => {
  await stack?.close();
  redis?.disconnect();
});

const withRedis = () =>
  stack.startAgent(
    (config) => {
      config.sessions = { keyPrefix: prefix, ttlSeconds: 600 };
    },
    { REDIS_URL: inject("redisUrl") },
  );
const run = (agent: RunningAgent, body: Record<string, unknown>) =>
  agent.post("/v1/agents/general/runs", body, stack.key);

describe("sessions in Redis", () => {
  it("survive a restart of the service, and the next run continues the conversation", async () => {
    stack.model.script("remember-1", [{ content: "Nice to meet you, Ada." }]);
    stack.model.script("remember-2", [{ content: "Your name is Ada." }]);
    const first = await withRedis();
    expect((await jsonOf(await first.get("/healthz"))).sessions).toEqual({ store: "redis", ok: true });
    const opened = await jsonOf(
      await run(first, { input: "[script:remember-1] I am Ada", session_id: "restart" }),
    );
    expect(opened.status).toBe("completed");
    await first.close();

    const second = await withRedis();
    const session = await jsonOf(await second.get("/v1/sessions/restart", stack.key));
    expect(session.messages).toEqual([
      { role: "user", content: "[script:remember-1] I am Ada" },
      { role: "assistant", content: "Nice to meet you, Ada." },
    ]);
    await run(second, { input: "[script:remember-2] What is my name?", session_id: "restart" });
    const sent = stack.model.requestsOf("remember-2")[0]?.body.messages;
    expect(sent.slice(1).map((m: any) => m.content)).toEqual([
      "[script:remember-1] I am Ada",
      "Nice to meet you, Ada.",
      "[script:remember-2] What is my name?",
    ]);
    const keys = await redis.keys(`${prefix}session:*`);
    expect(keys).toHaveLength(1);
    const ttl = await redis.ttl(keys[0] as string);
    expect(ttl).toBeGreaterThan(590);
    expect(ttl).toBeLessThanOrEqual(600);
  });

  it("lets one run at a time use a session, across replicas", async () => {
    const [one, two] = await Promise.all([withRedis(), withRedis()]);
    stack.model.script("busy", [
      { toolCalls: [{ name: "platform__slow_report", arguments: "{}" }] },
      { content: "No report." },
    ]);
    const slow = one.post(
      "/v1/agents/operations/runs",
      { input: "[script:busy] report", session_id: "busy" },
      stack.key,
    );
    await new Promise((resolve) => setTimeout(resolve, 150));
    const refused = await two.post(
      "/v1/agents/operations/runs",
      { input: "hi", session_id: "busy" },
      stack.key,
    );
    expect(refused.status).toBe(409);
    expect((await jsonOf(refused)).error).toMatchObject({ type: "conflict_error", code: "session_busy" });
    expect((await slow).status).toBe(200);
    stack.model.script("after-busy", [{ content: "Free again." }]);
    const after = await two.post(
      "/v1/agents/operations/runs",
      { input: "[script:after-busy] hi", session_id: "busy" },
      stack.key,
    );
    expect((await jsonOf(after)).output).toBe("Free again.");
  });
});

describe("a client that goes away", () => {
  it("cancels its run, counts it as cancelled and frees the session at once", async () => {
    stack.model.script("gone", [
      { toolCalls: [{ name: "platform__slow_report", arguments: "{}" }] },
      { content: "late" },
    ]);
    const patient = await stack.startAgent((config) => {
      config.limits.toolTimeoutMs = 10_000;
    });
    const response = await patient.post(
      "/v1/agents/operations/runs",
      { input: "[script:gone] report", session_id: "gone", stream: true },
      stack.key,
    );
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    let seen = "";
    while (!seen.includes("event: tool.call")) seen += new TextDecoder().decode((await reader.read()).value);
    await reader.cancel(); // closes the connection
    await new Promise((resolve) => setTimeout(resolve, 200));
    const metrics = await (await patient.get("/metrics")).text();
    expect(metrics).toMatch(/agent_runs_total\{agent="operations",status="cancelled"\} 1/);
    stack.model.script("after-gone", [{ content: "Here again." }]);
    const next = await patient.post(
      "/v1/agents/operations/runs",
      { input: "[script:after-gone] hi", session_id: "gone" },
      stack.key,
    );
    expect(next.status).toBe(200);
    // The cancelled run left nothing behind: the session holds only the new exchange.
    const session = await jsonOf(await patient.get("/v1/sessions/gone", stack.key));
    expect(session.messages.map((m: any) => m.content)).toEqual(["[script:after-gone] hi", "Here again."]);
  });
});

describe("context budget", () => {
  it("sends the model only the newest exchanges that fit, while the session keeps them all", async () => {
    const tiny = await stack.startAgent((config) => {
      config.agents = {
        tiny: {
          description: "Short memory",
          instructions: "Be brief.",
          contextTokens: 256,
          maxOutputTokens: 64,
        },
      };
    });
    const filler = "lorem ipsum ".repeat(30);
    for (const turn of [1, 2, 3]) {
      stack.model.script(`budget-${turn}`, [{ content: `answer ${turn}` }]);
      await tiny.post(
        "/v1/agents/tiny/runs",
        { input: `[script:budget-${turn}] question ${turn} ${filler}`, session_id: "tiny" },
        stack.key,
      );
    }
    const sent = stack.model.requestsOf("budget-3")[0]?.body.messages.map((m: any) => m.content);
    expect(sent[0]).toBe("Be brief.");
    expect(sent.some((content: string) => content.includes("question 1"))).toBe(false);
    expect(sent.at(-1)).toContain("question 3");
    const session = await jsonOf(await tiny.get("/v1/sessions/tiny", stack.key));
    expect(session.messages).toHaveLength(6);
  });

  it("cuts huge tool results with a marker saying how much is missing", async () => {
    const clipped = await stack.startAgent((config) => {
      config.limits.maxToolResultChars = 100;
    });
    stack.model.script("huge", [
      { toolCalls: [{ name: "platform__crm_get_customer", arguments: '{"customerId": "C-7"}' }] },
      { content: "ok" },
    ]);
    await clipped.post(
      "/v1/agents/operations/runs",
      { input: "[script:huge] C-7", session_id: "huge" },
      stack.key,
    );
    const result = stack.model
      .requestsOf("huge")[1]
      ?.body.messages.find((m: any) => m.role === "tool").content;
    expect(result).toMatch(/^.{100}\n…\[truncated: \d+ more characters not shown\]$/s);
  });
});
