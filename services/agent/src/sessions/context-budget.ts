/**
 * Fitting a history into a model's context. Tokens are estimated as characters / 4 (plus a few per
 * message): no tokenizer per model family, and the estimate errs on the generous side for English
 * and code; CJK text is closer to 1–1.5 characters per token, so budgets for it should be set lower.
 * Whole exchanges (a user message and everything after it up to the next one) are dropped oldest
 * first, so a tool result never loses the assistant message that asked for it.
 */
import type { ChatMessage } from "../model/messages";

const CHARS_PER_TOKEN = 4;
const TOKENS_PER_MESSAGE = 4;
const REMOVED = "[removed to fit the model's context]";

export function estimateTokens(messages: readonly ChatMessage[]): number {
  let chars = 0;
  for (const message of messages) {
    chars += message.content?.length ?? 0;
    if (message.role === "assistant")
      for (const call of message.tool_calls ?? [])
        chars += call.function.name.length + call.function.arguments.length;
  }
  return Math.ceil(chars / CHARS_PER_TOKEN) + TOKENS_PER_MESSAGE * messages.length;
}

/** The newest part of `history` that fits `budgetTokens`; the last exchange is always kept, shrunk if needed. */
export function fitHistory(history: readonly ChatMessage[], budgetTokens: number): ChatMessage[] {
  const exchanges: ChatMessage[][] = [];
  for (const message of history) {
    if (message.role === "user" || exchanges.length === 0) exchanges.push([message]);
    else exchanges.at(-1)?.push(message);
  }
  let kept = exchanges.flat();
  while (exchanges.length > 1 && estimateTokens(kept) > budgetTokens) {
    exchanges.shift();
    kept = exchanges.flat();
  }
  // A history never starts with tool results or a dangling answer.
  while (kept.length > 1 && kept[0]?.role !== "user") kept.shift();
  if (estimateTokens(kept) <= budgetTokens) return kept;
  // One exchange alone is too long: empty its oldest tool results first.
  kept = [...kept];
  for (let index = 0; index < kept.length && estimateTokens(kept) > budgetTokens; index++) {
    const message = kept[index] as ChatMessage;
    if (message.role === "tool" && message.content !== REMOVED)
      kept[index] = { ...message, content: REMOVED };
  }
  return kept;
}

/** Cuts `text` to `maxChars`, saying how much was cut so the model knows the result is partial. */
export function truncateWithMarker(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  return `${text.slice(0, maxChars)}\n…[truncated: ${text.length - maxChars} more characters not shown]`;
}
