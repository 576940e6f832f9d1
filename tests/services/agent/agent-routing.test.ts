/**
 * POST /v1/runs: intent routing by a small model through the gateway with a JSON-schema-constrained
 * answer, and the keyword rules when that model fails, answers nonsense or is unsure. Also the
 * client pattern the README shows: the official openai SDK pointed at the agent service.
 */
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AgentStack, startStack } from "./support/agent-stack";
import { jsonOf } from "./support/start-agent";

let stack: AgentStack;

beforeAll(async () => {
  stack = await startStack();
});

afterAll(async () => {
  await stack?.close();
});

const routed = async (input: string) => jsonOf(await stack.agent.post("/v1/runs", { input }, stack.key));
const routerRequests = () =>
  stack.model.requests.filter((request) => request.body.response_format?.type === "json_schema");

describe("intent routing", () => {
  it("asks the router model for a constrained JSON answer and runs the agent it picks", async () => {
    stack.model.routerReplies({ text: '{"agent": "knowledge", "confidence": 0.92}' });
    stack.model.script("routed", [{ content: "From the handbook: 28 days." }]);
    const before = routerRequests().length;
    const result = await routed("[script:routed] How many leave days do I get?");
    expect(result).toMatchObject({
      status: "completed",
      agent: "knowledge",
      routing: { agent: "knowledge", method: "model", confidence: 0.92 },
    });
    const request = routerRequests()[before]?.body;
    expect(request.model).toBe("router-small-upstream");
    expect(request.response_format.json_schema.strict).toBe(true);
    expect(request.response_format.json_schema.schema.properties.agent.enum.sort()).toEqual([
      "data",
      "general",
      "knowledge",
      "operations",
    ]);
    expect(request.messages.at(-1).content).toContain("How many leave days");
    // The chosen agent answered, with its own instructions.
    expect(stack.model.requestsOf("routed")[0]?.body.messages[0].content).toMatch(/knowledge base/);
  });

  it("falls back to keyword rules when the router model fails", async () => {
    stack.model.failRouter(503);
    stack.model.script("fallback", [{ content: "Revenue was 100." }]);
    const result = await routed(
      "[script:fallback] Query the sales database for total revenue by month",
    ).finally(() => stack.model.failRouter(undefined));
    expect(result).toMatchObject({ agent: "data", routing: { method: "keywords", confidence: null } });
  });

  it("ignores answers that are not the asked-for JSON or name no agent, and low-confidence answers", async () => {
    stack.model.routerReplies(
      { text: "I think the data agent" },
      { text: '{"agent": "finance", "confidence": 0.99}' },
      { text: '{"agent": "data", "confidence": 0.2}' },
    );
    stack.model.script("nonsense", [{ content: "ok" }]);
    const prose = await routed("[script:nonsense] Send a notification about the incident");
    expect(prose.routing).toMatchObject({ agent: "operations", method: "keywords" });
    const unknown = await routed("[script:nonsense] Hello there");
    expect(unknown.routing).toMatchObject({ agent: "general", method: "default" });
    const unsure = await routed("[script:nonsense] Where is the travel policy document?");
    expect(unsure.routing).toMatchObject({ agent: "knowledge", method: "keywords" });
  });

  it("takes an explicit agent on POST /v1/runs without asking the router", async () => {
    stack.model.script("explicit", [{ content: "ok" }]);
    const before = routerRequests().length;
    const response = await stack.agent.post(
      "/v1/runs",
      { input: "[script:explicit] hi", agent: "data" },
      stack.key,
    );
    expect((await jsonOf(response)).agent).toBe("data");
    expect(routerRequests()).toHaveLength(before);
  });
});

describe("the openai SDK as the agent service's client", () => {
  // The pattern of the README: the SDK's generic post() for the agent routes, with its SSE parsing.
  const agentClient = () =>
    new OpenAI({ apiKey: stack.key, baseURL: `${stack.agent.url}/v1`, maxRetries: 0, timeout: 20_000 });

  it("reads a streamed run as typed events", async () => {
    stack.model.script("sdk-stream", [
      { toolCalls: [{ name: "platform__knowledge_search", arguments: '{"query":"hotel per night"}' }] },
      { content: "Hotels up to 150 EUR per night." },
    ]);
    const stream = await agentClient().post<AsyncIterable<{ type: string; [key: string]: any }>>(
      "/agents/knowledge/runs",
      { body: { input: "[script:sdk-stream] Hotel budget?", stream: true }, stream: true },
    );
    const types: string[] = [];
    let answer = "";
    let final: any;
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === "model.delta") answer += event.content;
      if (event.type === "run.final") final = event.result;
    }
    expect(types[0]).toBe("run.started");
    expect(types).toContain("tool.result");
    expect(answer).toBe("Hotels up to 150 EUR per night.");
    expect(final).toMatchObject({ status: "completed", output: answer });
  });

  it("raises a run that fails mid-stream (run.error) as an APIError while iterating", async () => {
    stack.model.script("sdk-error", [{ status: 400 }]);
    const stream = await agentClient().post<AsyncIterable<{ type: string }>>("/agents/general/runs", {
      body: { input: "[script:sdk-error] hi", stream: true },
      stream: true,
    });
    const seen: string[] = [];
    const failure = await (async () => {
      for await (const event of stream) seen.push(event.type);
    })().catch((error: unknown) => error);
    expect(seen).toEqual(["run.started", "step.started"]);
    expect(failure).toBeInstanceOf(OpenAI.APIError);
    expect((failure as InstanceType<typeof OpenAI.APIError>).error).toMatchObject({ code: "model_error" });
  });

  it("reads a JSON run, and raises the service's errors as APIError", async () => {
    stack.model.script("sdk-json", [{ content: "Hi!" }]);
    const result = await agentClient().post<{ status: string; output: string; session_id: string }>(
      "/agents/general/runs",
      { body: { input: "[script:sdk-json] hi" } },
    );
    expect(result).toMatchObject({ status: "completed", output: "Hi!" });
    const failure = await agentClient()
      .post("/agents/nobody/runs", { body: { input: "hi" } })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OpenAI.NotFoundError);
    expect((failure as InstanceType<typeof OpenAI.NotFoundError>).error).toMatchObject({
      code: "agent_not_found",
    });
  });
});
