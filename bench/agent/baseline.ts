/**
 * The baselines the agent is compared with, in the same run:
 * - the same turns driven by hand with direct openai-SDK calls (same in-process model and tool, same
 *   messages), i.e. what an app would write without the agent service;
 * - one bare HTTP round trip on loopback (POST a JSON body, read a ~1 KB JSON answer), the cost of
 *   reaching any service over HTTP, which the agent's API call pays once per run.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import OpenAI from "openai";
import type { ChatCompletionMessageParam, ChatCompletionTool } from "openai/resources/chat/completions";
import type { Caller } from "../../services/agent/src/auth/caller";
import { toFunctionTool } from "../../services/agent/src/mcp/agent-tool";
import type { FakeModel } from "./fake-model";
import type { FakeTools } from "./fake-tools";

const CALLER: Caller = { kind: "anonymous", user: "user:bench", gatewayKey: "bench" };

export async function sdkTurns(model: FakeModel, tools: FakeTools, streaming: boolean, instructions: string) {
  const client = new OpenAI({
    apiKey: "bench",
    baseURL: "http://model.invalid/v1",
    fetch: model.fetch,
    maxRetries: 0,
  });
  const [tool] = (await tools.listTools(CALLER, ["bench"])).tools;
  if (!tool) throw new Error("the fake tool host lists no tool");
  const definitions = [toFunctionTool(tool)] as ChatCompletionTool[];
  return async (input: string): Promise<void> => {
    const messages: ChatCompletionMessageParam[] = [
      { role: "system", content: instructions },
      { role: "user", content: input },
    ];
    for (;;) {
      const request = {
        model: "bench-model",
        messages,
        tools: definitions,
        temperature: 0.2,
        max_tokens: 1024,
      };
      let content = "";
      let calls: { id: string; name: string; arguments: string }[] = [];
      if (streaming) {
        const stream = await client.chat.completions.create({
          ...request,
          stream: true,
          stream_options: { include_usage: true },
        });
        for await (const chunk of stream) {
          const delta = chunk.choices[0]?.delta;
          content += delta?.content ?? "";
          for (const part of delta?.tool_calls ?? []) {
            calls[part.index] ??= { id: "", name: "", arguments: "" };
            const call = calls[part.index] as { id: string; name: string; arguments: string };
            call.id ||= part.id ?? "";
            call.name += part.function?.name ?? "";
            call.arguments += part.function?.arguments ?? "";
          }
        }
      } else {
        const completion = await client.chat.completions.create(request);
        const message = completion.choices[0]?.message;
        content = message?.content ?? "";
        calls = (message?.tool_calls ?? []).flatMap((call) =>
          call.type === "function"
            ? [{ id: call.id, name: call.function.name, arguments: call.function.arguments }]
            : [],
        );
      }
      if (calls.length === 0) return;
      messages.push({
        role: "assistant",
        content: content || null,
        tool_calls: calls.map((call) => ({
          id: call.id,
          type: "function",
          function: { name: call.name, arguments: call.arguments },
        })),
      });
      for (const call of calls) {
        const output = await tools.callTool(
          CALLER,
          tool,
          JSON.parse(call.arguments),
          AbortSignal.timeout(30_000),
        );
        messages.push({ role: "tool", tool_call_id: call.id, content: output.text });
      }
    }
  };
}

/** A loopback server answering every POST with a fixed JSON body about the size of a run result. */
export async function startEchoServer(): Promise<{ url: string; close(): Promise<void> }> {
  const answer = JSON.stringify({ object: "echo", output: "x".repeat(900) });
  const server: Server = createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      response.writeHead(200, {
        "content-type": "application/json",
        "content-length": Buffer.byteLength(answer),
      });
      response.end(answer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
