/**
 * Guardrails end to end: tools on the confirmation list pause the run until the client approves
 * (or denies) the call; the tool-call budget per run.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKey } from "../gateway/start-gateway";
import { type AgentStack, startStack } from "./support/agent-stack";
import { jsonOf, type RunningAgent, readEvents } from "./support/start-agent";

let stack: AgentStack;
let limited: RunningAgent;
let timed: RunningAgent;

beforeAll(async () => {
  stack = await startStack();
  limited = await stack.startAgent((config) => {
    config.limits.maxToolCallsPerRun = 2;
  });
  timed = await stack.startAgent((config) => {
    config.limits = { maxRunSeconds: 1, toolTimeoutMs: 10_000 };
  });
});

afterAll(async () => {
  await stack?.close();
});

const notifyTurns = (name: string) =>
  stack.model.script(name, [
    {
      content: "I will notify support and check the customer.",
      toolCalls: [
        { name: "platform__notify_wecom", arguments: '{"robot": "support", "content": "Server restarted"}' },
        { name: "platform__crm_get_customer", arguments: '{"customerId": "C-9"}' },
      ],
    },
    { content: "Done." },
  ]);
const webhookCalls = () => stack.mcp.upstreamCalls.filter((call) => call.path === "/cgi-bin/webhook/send");
const start = (input: string, sessionId: string) =>
  stack.agent.post("/v1/agents/operations/runs", { input, session_id: sessionId }, stack.key);

describe("confirmation of listed tools", () => {
  it("pauses before a notify call, runs the other calls, and continues once approved", async () => {
    notifyTurns("approve");
    const paused = await jsonOf(
      await start("[script:approve] Tell support the server restarted", "s-approve"),
    );
    expect(paused).toMatchObject({
      status: "awaiting_confirmation",
      session_id: "s-approve",
      confirmation: {
        tool: "platform__notify_wecom",
        arguments: { robot: "support", content: "Server restarted" },
      },
    });
    expect(paused.tool_calls.map((call: any) => [call.name, call.status])).toEqual([
      ["platform__crm_get_customer", "ok"],
    ]);
    expect(webhookCalls()).toHaveLength(0);

    // The session is held for the decision: a new run on it is refused, and so is a wrong id.
    expect((await start("[script:approve] again", "s-approve")).status).toBe(409);
    const wrongId = await stack.agent.post(
      `/v1/runs/${paused.id}/confirm`,
      { confirmation_id: "conf_other", decision: "approve" },
      stack.key,
    );
    expect(wrongId.status).toBe(409);
    expect((await jsonOf(wrongId)).error.code).toBe("confirmation_mismatch");
    const session = await jsonOf(await stack.agent.get("/v1/sessions/s-approve", stack.key));
    expect(session.awaiting_confirmation).toMatchObject({
      run_id: paused.id,
      tool: "platform__notify_wecom",
    });

    const approved = await stack.agent.post(
      `/v1/runs/${paused.id}/confirm`,
      { confirmation_id: paused.confirmation.id, decision: "approve", stream: true },
      stack.key,
    );
    const events = await readEvents(approved);
    expect(events.find((e) => e.event === "tool.result")?.data).toMatchObject({
      name: "platform__notify_wecom",
      status: "ok",
    });
    expect(events.at(-1)?.data.result).toMatchObject({ id: paused.id, status: "completed", output: "Done." });
    expect(webhookCalls()).toHaveLength(1);
    expect(JSON.parse(webhookCalls()[0]?.body ?? "{}").text.content).toBe("Server restarted");
    const after = await jsonOf(await stack.agent.get("/v1/sessions/s-approve", stack.key));
    expect(after.awaiting_confirmation).toBeNull();
    // The model saw both results before its next turn.
    const last = stack.model.requestsOf("approve").at(-1)?.body.messages;
    expect(last.filter((m: any) => m.role === "tool")).toHaveLength(2);
  });

  it("tells the model a denied call was refused and never runs it", async () => {
    notifyTurns("deny");
    const paused = await jsonOf(await start("[script:deny] Tell support", "s-deny"));
    const denied = await jsonOf(
      await stack.agent.post(
        `/v1/runs/${paused.id}/confirm`,
        { confirmation_id: paused.confirmation.id, decision: "deny" },
        stack.key,
      ),
    );
    expect(denied.status).toBe("completed");
    expect(denied.tool_calls).toEqual([
      expect.objectContaining({ name: "platform__notify_wecom", status: "denied" }),
    ]);
    expect(webhookCalls().filter((call) => call.body.includes("Tell support"))).toHaveLength(0);
    const toolResults = stack.model
      .requestsOf("deny")
      .at(-1)
      ?.body.messages.filter((m: any) => m.role === "tool");
    expect(toolResults.map((m: any) => m.content).join("\n")).toMatch(/user denied this call/);
  });

  it("hides a paused run from other callers", async () => {
    notifyTurns("stranger");
    const paused = await jsonOf(await start("[script:stranger] notify", "s-stranger"));
    const { key: otherKey } = await createKey(stack.gateway);
    const response = await stack.agent.post(
      `/v1/runs/${paused.id}/confirm`,
      { confirmation_id: paused.confirmation.id, decision: "approve" },
      otherKey,
    );
    expect(response.status).toBe(404);
    expect((await jsonOf(response)).error).toMatchObject({ type: "not_found_error", code: "run_not_found" });
    expect((await stack.agent.get("/v1/sessions/s-stranger", otherKey)).status).toBe(404);
  });
});

describe("run-time limit", () => {
  it("ends a run that outlives maxRunSeconds with an incomplete result, and keeps a valid history", async () => {
    stack.model.script("slow-run", [
      { content: "Building it.", toolCalls: [{ name: "platform__slow_report", arguments: "{}" }] },
    ]);
    const started = Date.now();
    const result = await jsonOf(
      await timed.post(
        "/v1/agents/operations/runs",
        { input: "[script:slow-run] report", session_id: "slow" },
        stack.key,
      ),
    );
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(result).toMatchObject({ status: "incomplete", incomplete_reason: "max_run_time" });
    expect(result.message).toMatch(/time limit of 1 s/);
    const session = await jsonOf(await timed.get("/v1/sessions/slow", stack.key));
    const call = session.messages[1].tool_calls[0];
    expect(session.messages[2]).toEqual({
      role: "tool",
      tool_call_id: call.id,
      content: "[cancelled: the run stopped before this call finished]",
    });
  });
});

describe("tool-call budget", () => {
  it("refuses calls over the budget and then asks the model without tools", async () => {
    const call = (id: string) => ({
      name: "platform__crm_get_customer",
      arguments: `{"customerId": "${id}"}`,
    });
    stack.model.script("budget", [
      { toolCalls: [call("B-1"), call("B-2"), call("B-3")] },
      { content: "Two of three customers found." },
    ]);
    const result = await jsonOf(
      await limited.post(
        "/v1/agents/operations/runs",
        { input: "[script:budget] three customers" },
        stack.key,
      ),
    );
    expect(result.status).toBe("completed");
    expect(result.tool_calls.map((c: any) => c.status)).toEqual(["ok", "ok", "limit"]);
    expect(result.usage.tool_calls).toBe(2);
    const [first, second] = stack.model.requestsOf("budget");
    expect(first?.body.tools.length).toBeGreaterThan(0);
    expect(second?.body.tools).toBeUndefined();
    expect(second?.body.messages.at(-1).content).toMatch(/limit of 2 tool calls per run/);
  });
});
