/**
 * The chat messages a session keeps: OpenAI chat-completions messages, narrowed to what the loop
 * writes (structurally what the openai SDK sends). System prompts are not stored: each model call
 * rebuilds them from the current profile.
 */
export interface ToolCall {
  readonly id: string;
  readonly type: "function";
  readonly function: { readonly name: string; readonly arguments: string };
}

export type ChatMessage =
  | { readonly role: "system"; readonly content: string }
  | { readonly role: "user"; readonly content: string }
  | { readonly role: "assistant"; readonly content: string | null; readonly tool_calls?: readonly ToolCall[] }
  | { readonly role: "tool"; readonly tool_call_id: string; readonly content: string };

/** An OpenAI function tool as sent in `tools`. */
export interface FunctionTool {
  readonly type: "function";
  readonly function: { readonly name: string; readonly description: string; readonly parameters: object };
}

/** One model answer, however it arrived (stream or not). */
export interface ModelTurn {
  readonly content: string;
  readonly toolCalls: readonly ToolCall[];
  /** As reported; never trusted for control flow (tool calls present = tools to run). */
  readonly finishReason: string | null;
  readonly usage?: { readonly promptTokens: number; readonly completionTokens: number };
}
