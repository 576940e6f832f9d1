import type { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { type AuditRecord, type AuditSink, argumentsDigest } from "../audit";
import type { Caller } from "../auth/caller";
import type { Metrics } from "../metrics";

export interface ToolCallRequest {
  readonly id: string | number;
  readonly tool: string;
  readonly arguments: unknown;
}

/** The `tools/call` requests in a JSON-RPC body (a single message or a batch). */
export function toolCallsIn(body: unknown): ToolCallRequest[] {
  const messages = Array.isArray(body) ? body : [body];
  return messages.flatMap((message) => {
    if (!message || typeof message !== "object") return [];
    const { method, id, params } = message as {
      method?: unknown;
      id?: unknown;
      params?: { name?: unknown; arguments?: unknown };
    };
    if (method !== "tools/call" || (typeof id !== "string" && typeof id !== "number")) return [];
    return [
      {
        id,
        tool: typeof params?.name === "string" ? params.name : "(none)",
        arguments: params?.arguments ?? {},
      },
    ];
  });
}

/**
 * Audits every tool call at the protocol boundary, where the response leaves: unknown tools and
 * invalid arguments are recorded like successful calls. Wraps the transport's `send`.
 */
export function observeToolCalls(
  transport: StreamableHTTPServerTransport,
  calls: readonly ToolCallRequest[],
  caller: Caller,
  audit: AuditSink,
  metrics: Metrics,
): void {
  if (calls.length === 0) return;
  const started = performance.now();
  const pending = new Map(calls.map((call) => [call.id, call]));
  const send = transport.send.bind(transport);
  transport.send = async (message: JSONRPCMessage, options) => {
    const id = "id" in message ? message.id : undefined;
    const call = id === undefined ? undefined : pending.get(id);
    if (call) {
      pending.delete(call.id);
      const outcome = outcomeOf(message);
      const durationMs = performance.now() - started;
      record(audit, metrics, caller, call, outcome, durationMs);
    }
    return send(message, options);
  };
}

export function record(
  audit: AuditSink,
  metrics: Metrics,
  caller: Caller,
  call: ToolCallRequest,
  outcome: AuditRecord["outcome"],
  durationMs: number,
  detail?: string,
): void {
  audit({
    type: "audit",
    time: new Date().toISOString(),
    caller: caller.id,
    tool: call.tool,
    argumentsSha256: argumentsDigest(call.arguments),
    durationMs: Math.round(durationMs * 1000) / 1000,
    outcome,
    ...(detail ? { detail } : {}),
  });
  metrics.operationDuration.observe({ method: "tools/call", tool: call.tool, outcome }, durationMs / 1000);
}

function outcomeOf(message: JSONRPCMessage): AuditRecord["outcome"] {
  if ("error" in message) return "protocol_error";
  const result = "result" in message ? (message.result as { isError?: boolean }) : undefined;
  return result?.isError ? "tool_error" : "ok";
}
