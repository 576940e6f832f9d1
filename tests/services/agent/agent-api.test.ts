/**
 * The HTTP API's edges: authentication with gateway virtual keys, bad input answered 4xx in the one
 * error shape (a property test over arbitrary bodies too), sessions per user, health and metrics.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKey } from "../gateway/start-gateway";
import { type AgentStack, startStack } from "./support/agent-stack";
import { jsonOf, type RunningAgent } from "./support/start-agent";

let stack: AgentStack;
let small: RunningAgent;

beforeAll(async () => {
  stack = await startStack();
  small = await stack.startAgent((config) => {
    config.server.maxBodyBytes = 2_000;
    config.server.maxInputChars = 500;
  });
});

afterAll(async () => {
  await stack?.close();
});

/** Every error answer: status, and the OpenAI error shape with a message, type and code. */
async function expectError(response: Response, status: number, code: string) {
  expect(response.status).toBe(status);
  expect(response.headers.get("content-type")).toBe("application/json");
  const body = await jsonOf(response);
  expect(Object.keys(body)).toEqual(["error"]);
  expect(body.error).toEqual({
    message: expect.any(String),
    type: expect.any(String),
    param: body.error.param ?? null,
    code,
  });
  return body.error;
}

describe("authentication", () => {
  it("refuses a missing key and a key the gateway does not know, with 401", async () => {
    const missing = await expectError(
      await stack.agent.post("/v1/agents/general/runs", { input: "hi" }),
      401,
      "invalid_credentials",
    );
    expect(missing.type).toBe("authentication_error");
    const unknown = await expectError(
      await stack.agent.post("/v1/agents/general/runs", { input: "hi" }, "sk-not-a-real-key"),
      401,
      "invalid_credentials",
    );
    expect(unknown.message).toMatch(/gateway refused/);
  });

  it("stops accepting a revoked key once the cached check expires", async () => {
    const noCache = await stack.startAgent((config) => {
      config.gateway.keyCacheSeconds = 0;
    });
    const { key, key_id } = await createKey(stack.gateway);
    stack.model.script("revoked", [{ content: "ok" }]);
    const before = await noCache.post("/v1/agents/general/runs", { input: "[script:revoked] hi" }, key);
    expect(before.status).toBe(200);
    expect((await stack.gateway.admin("/key/delete", { keys: [key_id] })).status).toBe(200);
    await expectError(
      await noCache.post("/v1/agents/general/runs", { input: "hi" }, key),
      401,
      "invalid_credentials",
    );
  });
});

describe("bad input gets a 4xx in one error shape", () => {
  const post = (body: unknown, target = stack.agent) =>
    target.post("/v1/agents/general/runs", body, stack.key);

  it("names the unknown agent", async () => {
    const error = await expectError(
      await stack.agent.post("/v1/agents/astrologer/runs", { input: "hi" }, stack.key),
      404,
      "agent_not_found",
    );
    expect(error.message).toMatch(
      /No agent named 'astrologer'. Agents: general, knowledge, data, operations/,
    );
  });

  it("refuses malformed JSON, a non-object body and the wrong content type", async () => {
    await expectError(await post('{"input": "hi"'), 400, "invalid_json");
    await expectError(await post("[1, 2]"), 400, "invalid_json");
    const text = await fetch(`${stack.agent.url}/v1/agents/general/runs`, {
      method: "POST",
      headers: { authorization: `Bearer ${stack.key}`, "content-type": "text/plain" },
      body: "hi",
    });
    await expectError(text, 415, "unsupported_media_type");
  });

  it("refuses wrong types and unknown fields, naming the field", async () => {
    expect((await expectError(await post({ input: 42 }), 400, "invalid_value")).param).toBe("input");
    expect((await expectError(await post({ input: "hi", stream: "yes" }), 400, "invalid_value")).param).toBe(
      "stream",
    );
    expect((await expectError(await post({ input: "" }), 400, "invalid_value")).message).toMatch(
      /input: must not be empty/,
    );
    await expectError(await post({ input: "hi", temperature: 2 }), 400, "unknown_parameter");
    const badSession = await expectError(
      await post({ input: "hi", session_id: "../other" }),
      400,
      "invalid_value",
    );
    expect(badSession.param).toBe("session_id");
  });

  it("refuses an oversized message and an oversized body", async () => {
    const long = await expectError(await post({ input: "x".repeat(501) }, small), 400, "input_too_long");
    expect(long.message).toMatch(/501 characters long; the limit is 500/);
    await expectError(await post({ input: "x".repeat(3_000) }, small), 413, "request_too_large");
  });

  it("answers unknown routes 404 and wrong methods 405", async () => {
    await expectError(await stack.agent.get("/v1/nothing", stack.key), 404, "route_not_found");
    const wrongMethod = await stack.agent.get("/v1/runs", stack.key);
    expect(wrongMethod.headers.get("allow")).toBe("POST");
    await expectError(wrongMethod, 405, "method_not_allowed");
  });

  it("never answers arbitrary JSON bodies with anything but a 4xx error (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.jsonValue(),
          fc.record({ input: fc.oneof(fc.integer(), fc.constant(""), fc.boolean()), stream: fc.anything() }),
          fc.dictionary(
            fc.string().filter((key) => key !== "input"),
            fc.jsonValue(),
          ),
        ),
        async (body) => {
          const response = await post(JSON.stringify(body));
          expect(response.status).toBeGreaterThanOrEqual(400);
          expect(response.status).toBeLessThan(500);
          expect(Object.keys(await jsonOf(response))).toEqual(["error"]);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe("sessions, health and metrics", () => {
  it("keeps a session per caller: the same id under another key is another (missing) session", async () => {
    stack.model.script("mine", [{ content: "Noted." }]);
    const result = await jsonOf(
      await stack.agent.post(
        "/v1/agents/general/runs",
        { input: "[script:mine] note", session_id: "shared-id" },
        stack.key,
      ),
    );
    const session = await jsonOf(await stack.agent.get(`/v1/sessions/${result.session_id}`, stack.key));
    expect(session).toMatchObject({ id: "shared-id", object: "agent.session", agent: "general" });
    expect(session.messages).toEqual([
      { role: "user", content: "[script:mine] note" },
      { role: "assistant", content: "Noted." },
    ]);
    const { key: other } = await createKey(stack.gateway);
    await expectError(await stack.agent.get("/v1/sessions/shared-id", other), 404, "session_not_found");
  });

  it("reports health and Prometheus metrics for runs, turns, tool calls and steps", async () => {
    expect(await jsonOf(await stack.agent.get("/healthz"))).toEqual({
      status: "ok",
      sessions: { store: "memory", ok: true },
    });
    stack.model.script("metrics", [
      { toolCalls: [{ name: "platform__knowledge_search", arguments: '{"query":"leave"}' }] },
      { content: "28 days." },
    ]);
    await stack.agent.post("/v1/agents/knowledge/runs", { input: "[script:metrics] leave?" }, stack.key);
    const metrics = await (await stack.agent.get("/metrics")).text();
    expect(metrics).toMatch(/agent_runs_total\{agent="knowledge",status="completed"\} [1-9]/);
    expect(metrics).toMatch(/agent_turns_total\{agent="knowledge"\} [2-9]/);
    expect(metrics).toMatch(
      /agent_tool_calls_total\{agent="knowledge",server="platform",tool="knowledge_search",outcome="ok"\} [1-9]/,
    );
    expect(metrics).toMatch(/agent_step_duration_seconds_count\{step="model",agent="knowledge"\} [2-9]/);
    expect(metrics).toMatch(/agent_step_duration_seconds_count\{step="tool",agent="knowledge"\} [1-9]/);
    expect(metrics).toMatch(/agent_http_requests_total\{route="agent_runs",status="401"\} [1-9]/);
  });
});
