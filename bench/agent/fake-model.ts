/**
 * A zero-latency model in the benchmark's own process: a `fetch` the openai SDK calls instead of the
 * network, answering chat completions (JSON or an SSE chunk stream) from memory. Each conversation
 * calls the tool `toolTurns` times, then answers. The time spent in here is counted, to be excluded.
 */
export interface FakeModel {
  readonly fetch: typeof fetch;
  /** Model calls answered and the milliseconds spent answering them. */
  readonly stats: { calls: number; ms: number };
}

export const TOOL_NAME = "bench__echo";
const FINAL_ANSWER = "All three look-ups are done; here is the summary you asked for.";

export function fakeModel(toolTurns: number): FakeModel {
  const stats = { calls: 0, ms: 0 };
  const encoder = new TextEncoder();
  const fakeFetch = (async (_url: string | URL | Request, init?: RequestInit) => {
    const started = performance.now();
    const body = JSON.parse(String(init?.body ?? "{}"));
    const messages: { role: string }[] = body.messages ?? [];
    const lastUser = messages.map((message) => message.role).lastIndexOf("user");
    const turn = messages.slice(lastUser + 1).filter((message) => message.role === "assistant").length;
    const toolCall =
      turn < toolTurns
        ? {
            id: `call_${turn}`,
            type: "function",
            function: { name: TOOL_NAME, arguments: `{"text":"look-up ${turn}"}` },
          }
        : undefined;
    const base = { id: `chatcmpl-${stats.calls}`, created: 1_700_000_000, model: body.model };
    const usage = { prompt_tokens: 50, completion_tokens: 10, total_tokens: 60 };
    let response: Response;
    if (!body.stream) {
      const message = {
        role: "assistant",
        content: toolCall ? null : FINAL_ANSWER,
        ...(toolCall ? { tool_calls: [toolCall] } : {}),
      };
      const payload = {
        ...base,
        object: "chat.completion",
        choices: [{ index: 0, message, finish_reason: toolCall ? "tool_calls" : "stop" }],
        usage,
      };
      response = new Response(JSON.stringify(payload), { headers: { "content-type": "application/json" } });
    } else {
      const chunk = (delta: object, finish: string | null = null) =>
        `data: ${JSON.stringify({ ...base, object: "chat.completion.chunk", choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
      const parts = [chunk({ role: "assistant", content: "" })];
      if (toolCall) {
        parts.push(
          chunk({
            tool_calls: [
              { index: 0, id: toolCall.id, type: "function", function: { name: TOOL_NAME, arguments: "" } },
            ],
          }),
        );
        parts.push(
          chunk({ tool_calls: [{ index: 0, function: { arguments: toolCall.function.arguments } }] }),
        );
        parts.push(chunk({}, "tool_calls"));
      } else {
        for (const word of FINAL_ANSWER.split(/(?<= )/)) parts.push(chunk({ content: word }));
        parts.push(chunk({}, "stop"));
      }
      parts.push(
        `data: ${JSON.stringify({ ...base, object: "chat.completion.chunk", choices: [], usage })}\n\ndata: [DONE]\n\n`,
      );
      response = new Response(encoder.encode(parts.join("")), {
        headers: { "content-type": "text/event-stream" },
      });
    }
    stats.calls++;
    stats.ms += performance.now() - started;
    return response;
  }) as typeof fetch;
  return { fetch: fakeFetch, stats };
}
