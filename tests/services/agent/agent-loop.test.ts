/**
 * The agent loop end to end over loopback: the real LLM gateway in front of a scripted model that
 * plays recorded tool-calling conversations, the real MCP server of services/mcp, and the agent
 * service, called with a gateway virtual key.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ScriptedModel } from "./fakes/scripted-model";
import { type AgentStack, startStack } from "./support/agent-stack";
import { jsonOf, type RunningAgent, readEvents } from "./support/start-agent";
import type { RunningMcp } from "./support/start-mcp";

let stack: AgentStack;
let model: ScriptedModel;
let mcp: RunningMcp;
let agent: RunningAgent;
let agentNotStreaming: RunningAgent;
let key: string;

beforeAll(async () => {
  stack = await startStack((config) => {
    config.agents = {
      looper: {
        description: "Test profile that never stops calling tools",
        instructions: "Keep looking customers up.",
        tools: ["crm_*"],
        maxTurns: 2,
      },
      reporter: {
        description: "Test profile answering in JSON",
        instructions: "Report as JSON.",
        tools: [],
        outputFormat: "json",
      },
    };
  });
  ({ model, mcp, agent, key } = stack);
  agentNotStreaming = await stack.startAgent((config) => {
    config.gateway.streaming = false;
  });
});

afterAll(async () => {
  await stack?.close();
});

const run = (target: RunningAgent, name: string, body: Record<string, unknown>) =>
  target.post(`/v1/agents/${name}/runs`, body, key);
const toolMessages = (request: { body: any }) => request.body.messages.filter((m: any) => m.role === "tool");

describe("the loop against open-model behaviour", () => {
  it("runs parallel tool calls whose deltas are split and interleaved, after text, despite a lying finish_reason", async () => {
    model.script("parallel", [
      {
        content: "Let me look both up. ",
        toolCalls: [
          { name: "platform__crm_get_customer", arguments: '{"customerId": "C-1"}' },
          { name: "platform__crm_get_customer", arguments: '{"customerId": "C-2"}' },
        ],
        finishReason: "stop",
        interleave: true,
        splitNames: true,
        argumentChunk: 3,
      },
      { content: "C-1 and C-2 are both gold customers." },
    ]);
    for (const target of [agent, agentNotStreaming]) {
      const before = model.requestsOf("parallel").length;
      const response = await run(target, "operations", { input: "[script:parallel] Look up C-1 and C-2" });
      expect(response.status).toBe(200);
      const result = await jsonOf(response);
      expect(result).toMatchObject({ object: "agent.run", status: "completed", agent: "operations" });
      expect(result.output).toBe("C-1 and C-2 are both gold customers.");
      expect(result.tool_calls.map((call: any) => [call.name, call.status])).toEqual([
        ["platform__crm_get_customer", "ok"],
        ["platform__crm_get_customer", "ok"],
      ]);
      const [first, second] = model.requestsOf("parallel").slice(before);
      expect(first?.body.stream ?? false).toBe(target === agent);
      expect(first?.body.tools.map((tool: any) => tool.function.name)).toEqual(
        expect.arrayContaining(["platform__crm_get_customer", "platform__notify_wecom", "handoff_to_agent"]),
      );
      const assistant = second?.body.messages.find((m: any) => m.role === "assistant");
      expect(assistant.content).toBe("Let me look both up. ");
      expect(
        assistant.tool_calls.map((call: any) => [call.function.name, JSON.parse(call.function.arguments)]),
      ).toEqual([
        ["platform__crm_get_customer", { customerId: "C-1" }],
        ["platform__crm_get_customer", { customerId: "C-2" }],
      ]);
      const results = toolMessages(second as { body: any });
      expect(results.map((m: any) => m.tool_call_id)).toEqual(
        assistant.tool_calls.map((call: any) => call.id),
      );
      expect(
        results.map((m: any) => JSON.parse(m.content).body?.customer ?? JSON.parse(m.content).customer),
      ).toEqual(["C-1", "C-2"]);
    }
    const crmCalls = mcp.upstreamCalls
      .filter((call) => call.path.startsWith("/customers/"))
      .map((call) => call.path);
    expect(crmCalls.filter((path) => path === "/customers/C-1")).toHaveLength(2);
  });

  it("returns empty, malformed and schema-violating arguments to the model, which fixes them", async () => {
    model.script("fix-args", [
      {
        toolCalls: [
          { name: "platform__knowledge_search", arguments: "" },
          { name: "platform__crm_get_customer", arguments: "{customerId: C-1" },
        ],
      },
      {
        toolCalls: [
          { name: "platform__knowledge_search", arguments: '{"query": "travel", "limit": "three"}' },
        ],
      },
      {
        toolCalls: [{ name: "platform__knowledge_search", arguments: '{"query": "travel policy flights"}' }],
      },
      { content: "Economy class for flights under six hours." },
    ]);
    const result = await jsonOf(await run(agent, "operations", { input: "[script:fix-args] Flight class?" }));
    expect(result.status).toBe("completed");
    expect(result.tool_calls.map((call: any) => call.status)).toEqual([
      "invalid_arguments",
      "invalid_arguments",
      "invalid_arguments",
      "ok",
    ]);
    const requests = model.requestsOf("fix-args");
    expect(requests).toHaveLength(4);
    const [emptyArguments, brokenJson] = toolMessages(requests[1] as { body: any });
    expect(emptyArguments.content).toMatch(/invalid arguments for platform__knowledge_search: query: /);
    expect(brokenJson.content).toMatch(/not a JSON object \(invalid JSON/);
    expect(brokenJson.content).toContain('"customerId"');
    expect(toolMessages(requests[2] as { body: any }).at(-1).content).toMatch(/limit: .*number/);
    expect(toolMessages(requests[3] as { body: any }).at(-1).content).toMatch(/economy class/i);
  });

  it("hands the run to another agent, which continues with its own instructions and tools", async () => {
    model.script("handoff", [
      {
        toolCalls: [
          { name: "handoff_to_agent", arguments: '{"agent": "knowledge", "reason": "policy question"}' },
        ],
      },
      { content: "The knowledge agent answers." },
    ]);
    const response = await run(agent, "data", {
      input: "[script:handoff] What is the leave policy?",
      stream: true,
    });
    const events = await readEvents(response);
    expect(events.find((e) => e.event === "agent.handoff")?.data).toMatchObject({
      from: "data",
      to: "knowledge",
      reason: "policy question",
    });
    const final = events.at(-1);
    expect(final?.event).toBe("run.final");
    expect(final?.data.result).toMatchObject({ agent: "knowledge", status: "completed" });
    const [first, second] = model.requestsOf("handoff");
    expect(first?.body.messages[0].content).toMatch(/data analyst/);
    expect(second?.body.messages[0].content).toMatch(/knowledge base/);
    const secondTools = second?.body.tools.map((tool: any) => tool.function.name);
    expect(secondTools).toContain("platform__knowledge_search");
    expect(secondTools).not.toContain("platform__crm_get_customer");
    const handoffTool = first?.body.tools.find((tool: any) => tool.function.name === "handoff_to_agent");
    expect(handoffTool.function.parameters.properties.agent.enum).toEqual(
      expect.arrayContaining(["general", "knowledge", "operations", "looper"]),
    );
    expect(handoffTool.function.parameters.properties.agent.enum).not.toContain("data");
  });

  it("stops at the turn limit with an incomplete result that says so", async () => {
    const lookUp = {
      toolCalls: [{ name: "platform__crm_get_customer", arguments: '{"customerId": "C-3"}' }],
    };
    model.script("loop", [
      { content: "Checking.", ...lookUp },
      { content: "Checking again.", ...lookUp },
      lookUp,
    ]);
    const result = await jsonOf(await run(agent, "looper", { input: "[script:loop] go" }));
    expect(result).toMatchObject({
      status: "incomplete",
      incomplete_reason: "max_turns",
      output: "Checking again.",
    });
    expect(result.message).toMatch(/turn limit of the looper agent \(2 model calls\)/);
    expect(result.usage.turns).toBe(2);
    expect(model.requestsOf("loop")).toHaveLength(2);
  });

  it("asks again when a JSON profile's answer is not one JSON object, and returns it parsed", async () => {
    model.script("json", [
      { content: 'Sure! Here it is: {"total": 3' },
      { content: '```json\n{"total": 3}\n```' },
    ]);
    const result = await jsonOf(await run(agent, "reporter", { input: "[script:json] count" }));
    expect(result).toMatchObject({ status: "completed", output_json: { total: 3 } });
    const [first, second] = model.requestsOf("json");
    expect(first?.body.messages[0].content).toMatch(/final answer as one JSON object/);
    expect(second?.body.messages.at(-1)).toMatchObject({ role: "user" });
    expect(second?.body.messages.at(-1).content).toMatch(/not a single JSON object/);
  });

  it("cancels a tool that does not answer in time and tells the model", async () => {
    model.script("timeout", [
      { toolCalls: [{ name: "platform__slow_report", arguments: "{}" }] },
      { content: "The report is not available right now." },
    ]);
    const started = Date.now();
    const result = await jsonOf(
      await run(agent, "operations", { input: "[script:timeout] quarterly report" }),
    );
    expect(result.status).toBe("completed");
    expect(result.tool_calls[0]).toMatchObject({ name: "platform__slow_report", status: "timeout" });
    expect(result.tool_calls[0].duration_ms).toBeGreaterThanOrEqual(490);
    expect(Date.now() - started).toBeLessThan(5_000);
    const message = toolMessages(model.requestsOf("timeout")[1] as { body: any })[0];
    expect(message.content).toMatch(/did not answer within 500 ms and was cancelled/);
  });
});

describe("responses", () => {
  it("streams step, delta, tool and final events in order, and the deltas make the answer", async () => {
    model.script("events", [
      {
        content: "Searching the handbook. ",
        toolCalls: [{ name: "platform__knowledge_search", arguments: '{"query":"leave days"}' }],
      },
      { content: "You have 28 days of paid leave." },
    ]);
    const response = await run(agent, "knowledge", {
      input: "[script:events] How many leave days?",
      stream: true,
    });
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const events = await readEvents(response);
    const kinds = events.map((e) => e.event).filter((kind, index, all) => kind !== all[index - 1]);
    expect(kinds).toEqual([
      "run.started",
      "step.started",
      "model.delta",
      "tool.call",
      "tool.result",
      "step.started",
      "model.delta",
      "run.final",
    ]);
    for (const event of events) expect(event.data.type).toBe(event.event);
    const secondStep = events.filter((e) => e.event === "model.delta" && e.data.step === 2);
    expect(secondStep.map((e) => e.data.content).join("")).toBe("You have 28 days of paid leave.");
    expect(secondStep.length).toBeGreaterThan(1);
    expect(events.find((e) => e.event === "tool.result")?.data.content).toMatch(/28 days/);
    expect(events.at(-1)?.data.result.output).toBe("You have 28 days of paid leave.");
  });

  it("puts the model calls' spend on the caller's virtual key", async () => {
    const spendOfKey = async () =>
      (await jsonOf(await stack.gateway.admin(`/spend/logs?key_id=${stack.keyId}&limit=1000`))).data;
    const before = await spendOfKey();
    model.script("spend", [
      { toolCalls: [{ name: "platform__knowledge_search", arguments: '{"query":"hotel"}' }] },
      { content: "ok" },
    ]);
    await run(agent, "general", { input: "[script:spend] hotel budget?" });
    const after = await spendOfKey();
    expect(after.length - before.length).toBe(2);
    expect(
      after.every((record: any) => record.key_id === stack.keyId && record.model === "qwen2.5-7b-instruct"),
    ).toBe(true);
  });
});
