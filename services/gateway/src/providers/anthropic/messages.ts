/**
 * An OpenAI conversation as Anthropic's `system` plus alternating user/assistant turns: system and
 * developer messages move to `system`, tool answers become `tool_result` blocks in a user turn,
 * assistant tool calls become `tool_use` blocks, and consecutive turns of one role are merged.
 */
import type { ChatMessage, ChatToolCall } from "../types";
import { contentBlocks, textBlocks } from "./content";
import { AdapterRequestError } from "./errors";
import type { ContentBlockParam, MessageParam, TextBlock, ToolUseBlock } from "./wire";

export interface Conversation {
  system: TextBlock[];
  messages: MessageParam[];
}

/** Arguments as the tool_use `input` object; agents send `""` for a call without arguments. */
function toolInput(call: ChatToolCall, param: string): Record<string, unknown> {
  const raw = call.function?.arguments;
  if (raw === undefined || raw === null || (typeof raw === "string" && raw.trim() === "")) return {};
  if (typeof raw !== "string") throw new AdapterRequestError(`${param} must be a JSON string`, param);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new AdapterRequestError(`${param} is not valid JSON`, param);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new AdapterRequestError(`${param} must encode a JSON object`, param);
  }
  return parsed as Record<string, unknown>;
}

function toolUseBlocks(calls: ChatToolCall[] | undefined, param: string): ToolUseBlock[] {
  return (calls ?? []).map((call, index) => {
    const at = `${param}[${index}]`;
    if (typeof call.id !== "string" || call.id === "")
      throw new AdapterRequestError(`${at}.id is required`, `${at}.id`);
    const name = call.function?.name;
    if (typeof name !== "string" || name === "") {
      throw new AdapterRequestError(`${at}.function.name is required`, `${at}.function.name`);
    }
    return { type: "tool_use", id: call.id, name, input: toolInput(call, `${at}.function.arguments`) };
  });
}

function turnOf(message: ChatMessage, param: string): MessageParam | undefined {
  switch (message.role) {
    case "user":
      return { role: "user", content: contentBlocks(message.content, `${param}.content`, true) };
    case "assistant":
      return {
        role: "assistant",
        content: [
          ...contentBlocks(message.content, `${param}.content`, false),
          ...toolUseBlocks(message.tool_calls, `${param}.tool_calls`),
        ],
      };
    case "tool": {
      if (typeof message.tool_call_id !== "string" || message.tool_call_id === "") {
        throw new AdapterRequestError(`${param}.tool_call_id is required`, `${param}.tool_call_id`);
      }
      const blocks = contentBlocks(message.content, `${param}.content`, true);
      const content = blocks.length === 1 && blocks[0]?.type === "text" ? blocks[0].text : blocks;
      return { role: "user", content: [{ type: "tool_result", tool_use_id: message.tool_call_id, content }] };
    }
    default:
      throw new AdapterRequestError(
        `${param}.role '${message.role}' is not supported for Anthropic models (use tools instead of functions)`,
        `${param}.role`,
      );
  }
}

/** tool_result blocks must open a user turn, before any text the client sent after them. */
function toolResultsFirst(content: ContentBlockParam[]): ContentBlockParam[] {
  return [
    ...content.filter((block) => block.type === "tool_result"),
    ...content.filter((b) => b.type !== "tool_result"),
  ];
}

export function conversation(messages: ChatMessage[]): Conversation {
  const system: TextBlock[] = [];
  const turns: MessageParam[] = [];
  messages.forEach((message, index) => {
    const param = `messages[${index}]`;
    if (message.role === "system" || message.role === "developer") {
      system.push(...textBlocks(message.content, `${param}.content`));
      return;
    }
    const turn = turnOf(message, param);
    if (!turn || turn.content.length === 0) return;
    const previous = turns.at(-1);
    if (previous?.role === turn.role) previous.content.push(...turn.content);
    else turns.push(turn);
  });
  for (const turn of turns) if (turn.role === "user") turn.content = toolResultsFirst(turn.content);
  if (turns.length === 0) {
    throw new AdapterRequestError(
      "messages must hold at least one user, assistant or tool message",
      "messages",
    );
  }
  return { system, messages: turns };
}
