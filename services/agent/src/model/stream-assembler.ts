/**
 * Rebuilds one assistant message from chat-completion chunks as open models stream them: text and
 * tool calls interleaved, a call's arguments split over many chunks, ids or indexes missing, the
 * function name repeated in every chunk by some servers and split by others.
 */
import type { ModelTurn, ToolCall } from "./messages";

export interface ToolCallDelta {
  readonly index?: number | null;
  readonly id?: string | null;
  readonly function?: { readonly name?: string | null; readonly arguments?: string | null } | null;
}

export interface ChunkLike {
  readonly choices?: ReadonlyArray<{
    readonly delta?: {
      readonly content?: string | null;
      readonly tool_calls?: readonly ToolCallDelta[] | null;
    };
    readonly finish_reason?: string | null;
  }>;
  readonly usage?: { readonly prompt_tokens?: number; readonly completion_tokens?: number } | null;
}

interface PartialCall {
  id: string;
  name: string;
  arguments: string;
}

export class StreamAssembler {
  private content = "";
  private readonly calls: PartialCall[] = [];
  private finishReason: string | null = null;
  private usage: ModelTurn["usage"];

  /** Adds one chunk; returns its text delta (empty when it carried none). */
  add(chunk: ChunkLike): string {
    if (chunk.usage)
      this.usage = {
        promptTokens: chunk.usage.prompt_tokens ?? 0,
        completionTokens: chunk.usage.completion_tokens ?? 0,
      };
    const choice = chunk.choices?.[0];
    if (!choice) return "";
    if (choice.finish_reason) this.finishReason = choice.finish_reason;
    for (const delta of choice.delta?.tool_calls ?? []) this.addToolCall(delta);
    const text = choice.delta?.content ?? "";
    this.content += text;
    return text;
  }

  private addToolCall(delta: ToolCallDelta): void {
    const call = this.callFor(delta);
    const name = delta.function?.name;
    // Split names arrive in pieces; some servers repeat the whole name in every chunk instead.
    if (name && name !== call.name) call.name += name;
    call.arguments += delta.function?.arguments ?? "";
  }

  private callFor(delta: ToolCallDelta): PartialCall {
    if (typeof delta.index === "number") {
      while (this.calls.length <= delta.index)
        this.calls.push({ id: delta.id ?? "", name: "", arguments: "" });
      const call = this.calls[delta.index] as PartialCall;
      if (delta.id && !call.id) call.id = delta.id;
      return call;
    }
    // No index: a new id starts a new call, anything else continues the last one.
    const last = this.calls.at(-1);
    if (last && (!delta.id || delta.id === last.id)) return last;
    const call = { id: delta.id ?? "", name: "", arguments: "" };
    this.calls.push(call);
    return call;
  }

  result(): ModelTurn {
    return {
      content: this.content,
      toolCalls: normaliseToolCalls(this.calls.filter((call) => call.name || call.arguments)),
      finishReason: this.finishReason,
      usage: this.usage,
    };
  }
}

/** Unique, non-empty ids (some servers send none, or the same one twice). */
export function normaliseToolCalls(
  calls: ReadonlyArray<{ id?: string | null; name: string; arguments: string }>,
): ToolCall[] {
  const seen = new Set<string>();
  return calls.map((call, index) => {
    let id = call.id || `call_${index}`;
    while (seen.has(id)) id = `${id}_${index}`;
    seen.add(id);
    return { id, type: "function", function: { name: call.name, arguments: call.arguments } };
  });
}
