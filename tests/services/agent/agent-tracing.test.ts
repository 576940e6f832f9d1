/**
 * OpenTelemetry: with `telemetry.otlpEndpoint` set, a run exports one trace (run, routing, model
 * calls, tool calls as child spans) as OTLP/HTTP JSON to a collector, without message content.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeCollector, startFakeCollector } from "./fakes/otlp-collector";
import { type AgentStack, startStack } from "./support/agent-stack";
import { jsonOf } from "./support/start-agent";

let stack: AgentStack;
let collector: FakeCollector;

beforeAll(async () => {
  [stack, collector] = await Promise.all([startStack(), startFakeCollector()]);
});

afterAll(async () => {
  await stack?.close();
  await collector?.close();
});

describe("traces", () => {
  it("exports a span per step, nested under the run, to the OTLP endpoint", async () => {
    const traced = await stack.startAgent((config) => {
      config.telemetry = { otlpEndpoint: collector.endpoint, serviceName: "agent-service-test" };
    });
    stack.model.routerReplies({ text: '{"agent": "knowledge", "confidence": 0.8}' });
    stack.model.script("traced", [
      {
        toolCalls: [
          { name: "platform__knowledge_search", arguments: '{"query":"secret travel question"}' },
          { name: "platform__knowledge_search", arguments: "{}" },
        ],
      },
      { content: "A confidential answer." },
    ]);
    const result = await jsonOf(
      await traced.post("/v1/runs", { input: "[script:traced] secret travel question" }, stack.key),
    );
    expect(result.status).toBe("completed");
    await traced.close(); // flushes the batch processor

    const spans = collector.spans();
    expect(collector.contentTypes.every((type) => type.startsWith("application/json"))).toBe(true);
    const root = spans.find((span) => span.name === "invoke_agent");
    expect(root).toBeDefined();
    expect(root?.parentSpanId).toBeUndefined();
    expect(root?.serviceName).toBe("agent-service-test");
    expect(root?.attributes).toMatchObject({ "gen_ai.agent.name": "knowledge", "agent.run.id": result.id });
    const children = spans.filter((span) => span.parentSpanId === root?.spanId);
    expect(children.map((span) => span.name).sort()).toEqual([
      "chat qwen2.5-7b-instruct",
      "chat qwen2.5-7b-instruct",
      "execute_tool knowledge_search",
      "route",
    ]);
    for (const span of spans) expect(span.traceId).toBe(root?.traceId);
    const chat = children.find((span) => span.name.startsWith("chat"));
    expect(chat?.attributes).toMatchObject({
      "gen_ai.operation.name": "chat",
      "gen_ai.request.model": "qwen2.5-7b-instruct",
      "gen_ai.usage.input_tokens": 20,
      "gen_ai.usage.output_tokens": 7,
    });
    const tool = children.find((span) => span.name.startsWith("execute_tool"));
    expect(tool?.attributes).toMatchObject({
      "gen_ai.tool.name": "knowledge_search",
      "agent.tool.outcome": "ok",
    });
    // Only one of the two calls ran: the one without a query went back to the model unrun.
    expect(result.tool_calls.map((call: any) => call.status)).toEqual(["ok", "invalid_arguments"]);
    expect(JSON.stringify(spans)).not.toMatch(/secret travel question|confidential answer/);
  });

  it("exports nothing when no endpoint is configured", async () => {
    const before = collector.spans().length;
    stack.model.script("untraced", [{ content: "ok" }]);
    await stack.agent.post("/v1/agents/general/runs", { input: "[script:untraced] hi" }, stack.key);
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect(collector.spans()).toHaveLength(before);
  });
});
