/** A Messages API answer as an OpenAI chat completion. */
import type { ChatCompletion, ChatToolCall, FinishReason, Usage } from "../types";
import { UpstreamStreamError } from "./errors";
import type { AnthropicUsage, Message } from "./wire";

const FINISH_REASONS: Readonly<Record<string, FinishReason>> = {
  end_turn: "stop",
  stop_sequence: "stop",
  pause_turn: "stop",
  max_tokens: "length",
  model_context_window_exceeded: "length",
  tool_use: "tool_calls",
  refusal: "content_filter",
};

/** OpenAI's finish_reason for Anthropic's stop_reason; a reason added later reads as a plain stop. */
export function finishReason(stopReason: string | null | undefined): FinishReason | null {
  if (stopReason === null || stopReason === undefined) return null;
  return FINISH_REASONS[stopReason] ?? "stop";
}

/** Anthropic counts cached input apart from `input_tokens`; OpenAI's prompt_tokens includes it. */
export function openAIUsage(usage: AnthropicUsage): Usage {
  const cacheRead = usage.cache_read_input_tokens ?? 0;
  const promptTokens = (usage.input_tokens ?? 0) + (usage.cache_creation_input_tokens ?? 0) + cacheRead;
  const completionTokens = usage.output_tokens ?? 0;
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
    prompt_tokens_details: { cached_tokens: cacheRead },
  };
}

function isMessage(body: unknown): body is Message {
  const message = body as Partial<Message> | null;
  return (
    typeof message === "object" &&
    message !== null &&
    message.type === "message" &&
    typeof message.id === "string" &&
    Array.isArray(message.content) &&
    typeof message.usage === "object"
  );
}

export function chatCompletion(body: unknown, model: string): ChatCompletion {
  if (!isMessage(body))
    throw new UpstreamStreamError("Anthropic answered with something that is not a Message", 502);
  const texts: string[] = [];
  const toolCalls: ChatToolCall[] = [];
  for (const block of body.content) {
    if (block.type === "text" && typeof block.text === "string") texts.push(block.text);
    if (block.type === "tool_use" && block.id && block.name) {
      toolCalls.push({
        id: block.id,
        type: "function",
        function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) },
      });
    }
  }
  const refused = body.stop_reason === "refusal";
  return {
    id: body.id,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [
      {
        index: 0,
        message: {
          role: "assistant",
          content: texts.length > 0 ? texts.join("") : null,
          ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
          refusal: refused ? (body.stop_details?.explanation ?? "The model declined to answer.") : null,
        },
        // A finished Message always has a stop_reason; OpenAI's completion type never has a null one.
        finish_reason: finishReason(body.stop_reason) ?? "stop",
        logprobs: null,
      },
    ],
    usage: openAIUsage(body.usage),
  };
}
