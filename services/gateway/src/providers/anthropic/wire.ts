/**
 * The parts of Anthropic's Messages API wire format the adapter reads and writes (API version
 * 2023-06-01). Declared here rather than imported from the SDK so the gateway has no runtime or
 * build dependency on it; the tests check these shapes against the official SDK.
 */

export const ANTHROPIC_VERSION = "2023-06-01";

export interface TextBlock {
  type: "text";
  text: string;
}

export interface ImageBlock {
  type: "image";
  source: { type: "base64"; media_type: string; data: string } | { type: "url"; url: string };
}

export interface ToolUseBlock {
  type: "tool_use";
  id: string;
  name: string;
  input: Record<string, unknown>;
}

export interface ToolResultBlock {
  type: "tool_result";
  tool_use_id: string;
  content: string | Array<TextBlock | ImageBlock>;
}

export type ContentBlockParam = TextBlock | ImageBlock | ToolUseBlock | ToolResultBlock;

export interface MessageParam {
  role: "user" | "assistant";
  content: ContentBlockParam[];
}

export interface ToolParam {
  name: string;
  description?: string;
  input_schema: Record<string, unknown>;
}

export type ToolChoiceParam =
  | { type: "auto" | "any"; disable_parallel_tool_use?: boolean }
  | { type: "tool"; name: string; disable_parallel_tool_use?: boolean }
  | { type: "none" };

export interface MessagesRequest {
  model: string;
  max_tokens: number;
  messages: MessageParam[];
  system?: TextBlock[];
  tools?: ToolParam[];
  tool_choice?: ToolChoiceParam;
  stop_sequences?: string[];
  temperature?: number;
  top_p?: number;
  metadata?: { user_id: string };
  /** Structured output: the answer's text is JSON matching `schema`. */
  output_config?: { format: { type: "json_schema"; schema: Record<string, unknown> } };
  stream?: boolean;
}

/** Token counts as Anthropic reports them; input_tokens excludes the cached parts. */
export interface AnthropicUsage {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
}

/** A response content block; only `text` and `tool_use` carry anything a chat completion shows. */
export interface ResponseBlock {
  type: string;
  text?: string;
  id?: string;
  name?: string;
  input?: unknown;
}

export interface Message {
  id: string;
  type: "message";
  role: "assistant";
  model: string;
  content: ResponseBlock[];
  stop_reason: string | null;
  stop_sequence?: string | null;
  stop_details?: { type: string; explanation?: string | null } | null;
  usage: AnthropicUsage;
}

/** The `error` object of an error response body and of a streamed `error` event. */
export interface AnthropicErrorBody {
  type: "error";
  error: { type: string; message: string };
}
