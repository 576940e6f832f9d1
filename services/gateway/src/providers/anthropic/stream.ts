/**
 * Anthropic's streamed events as OpenAI chat completion chunks. Content blocks are numbered across
 * text and tool_use alike; OpenAI numbers tool calls among themselves, so the translator keeps its
 * own count of tool_use blocks.
 */
import type { ChatCompletionChunk, SseEvent, StreamTranslator, Usage } from "../types";
import { streamedError, UpstreamStreamError } from "./errors";
import { finishReason, openAIUsage } from "./response";
import type { AnthropicUsage, Message, ResponseBlock } from "./wire";

type Delta = ChatCompletionChunk["choices"][number]["delta"];

interface StreamedEvent {
  type?: string;
  message?: Partial<Message>;
  index?: number;
  content_block?: ResponseBlock;
  delta?: { type?: string; text?: string; partial_json?: string; stop_reason?: string | null };
  usage?: AnthropicUsage;
}

export class AnthropicStreamTranslator implements StreamTranslator {
  private id = `msg_${Date.now().toString(36)}`;
  private readonly created = Math.floor(Date.now() / 1000);
  private readonly toolIndexByBlock = new Map<number, number>();
  private roleSent = false;
  private tokens: AnthropicUsage | undefined;

  constructor(private readonly model: string) {}

  push(event: SseEvent): ChatCompletionChunk[] {
    let payload: StreamedEvent | null;
    try {
      payload = JSON.parse(event.data) as StreamedEvent | null;
    } catch {
      payload = null;
    }
    if (typeof payload !== "object" || payload === null) {
      throw new UpstreamStreamError(
        `Anthropic sent a ${event.event ?? "stream"} event that is not a JSON object`,
        502,
      );
    }
    switch (event.event ?? payload.type) {
      case "message_start":
        if (typeof payload.message?.id === "string") this.id = payload.message.id;
        this.addUsage(payload.message?.usage);
        // The role goes out with the first content instead: an error event right after
        // message_start (Anthropic's usual overload) then still finds the stream unstarted and retryable.
        return [];
      case "content_block_start":
        return this.blockStart(payload.index ?? 0, payload.content_block);
      case "content_block_delta":
        return this.blockDelta(payload.index ?? 0, payload.delta);
      case "message_delta":
        this.addUsage(payload.usage);
        return [this.chunk({}, finishReason(payload.delta?.stop_reason) ?? "stop")];
      case "error":
        throw streamedError(payload);
      default:
        // ping, content_block_stop, message_stop, and event types added to the API later.
        return [];
    }
  }

  usage(): Usage | undefined {
    return this.tokens ? openAIUsage(this.tokens) : undefined;
  }

  private blockStart(index: number, block: ResponseBlock | undefined): ChatCompletionChunk[] {
    if (block?.type === "text") return block.text ? [this.chunk({ content: block.text })] : [];
    if (block?.type !== "tool_use") return [];
    const toolIndex = this.toolIndexByBlock.size;
    this.toolIndexByBlock.set(index, toolIndex);
    const call = {
      index: toolIndex,
      id: block.id,
      type: "function" as const,
      function: { name: block.name, arguments: "" },
    };
    return [this.chunk({ tool_calls: [call] })];
  }

  private blockDelta(index: number, delta: StreamedEvent["delta"]): ChatCompletionChunk[] {
    if (delta?.type === "text_delta" && delta.text) return [this.chunk({ content: delta.text })];
    const toolIndex = this.toolIndexByBlock.get(index);
    if (delta?.type === "input_json_delta" && delta.partial_json && toolIndex !== undefined) {
      return [
        this.chunk({ tool_calls: [{ index: toolIndex, function: { arguments: delta.partial_json } }] }),
      ];
    }
    // thinking, signature and citation deltas have no place in a chat completion chunk.
    return [];
  }

  /** message_start carries the input counts, message_delta the cumulative output (and, lately, input) counts. */
  private addUsage(usage: AnthropicUsage | undefined): void {
    if (!usage) return;
    const merged: AnthropicUsage = { ...this.tokens };
    for (const [field, value] of Object.entries(usage) as Array<[keyof AnthropicUsage, unknown]>) {
      if (typeof value === "number") merged[field] = value;
    }
    this.tokens = merged;
  }

  private chunk(
    delta: Delta,
    finish: ChatCompletionChunk["choices"][number]["finish_reason"] = null,
  ): ChatCompletionChunk {
    const withRole: Delta = this.roleSent ? delta : { role: "assistant", ...delta };
    this.roleSent = true;
    return {
      id: this.id,
      object: "chat.completion.chunk",
      created: this.created,
      model: this.model,
      choices: [{ index: 0, delta: withRole, finish_reason: finish, logprobs: null }],
    };
  }
}
