/**
 * The provider adapter contract. An adapter only translates: it turns an OpenAI-shaped request into
 * the upstream's HTTP request and the upstream's answer back into OpenAI shapes. Transport (undici
 * pools, timeouts, retries, cooldowns, metrics) lives in one place outside the adapters.
 */

/** An OpenAI chat completions request body as the client sent it (validated, unknown fields kept). */
export interface ChatCompletionRequest {
  model: string;
  messages: ChatMessage[];
  stream?: boolean | null;
  stream_options?: { include_usage?: boolean | null } | null;
  max_tokens?: number | null;
  max_completion_tokens?: number | null;
  temperature?: number | null;
  top_p?: number | null;
  stop?: string | string[] | null;
  tools?: ChatTool[] | null;
  tool_choice?: unknown;
  parallel_tool_calls?: boolean | null;
  user?: string | null;
  [field: string]: unknown;
}

export type ChatRole = "system" | "developer" | "user" | "assistant" | "tool" | "function";

export interface ChatContentPart {
  type: string;
  text?: string;
  image_url?: { url: string; detail?: string };
  [field: string]: unknown;
}

export interface ChatToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

export interface ChatMessage {
  role: ChatRole;
  content?: string | ChatContentPart[] | null;
  name?: string;
  tool_calls?: ChatToolCall[];
  tool_call_id?: string;
  [field: string]: unknown;
}

export interface ChatTool {
  type: "function";
  function: {
    name: string;
    description?: string;
    parameters?: Record<string, unknown>;
    strict?: boolean | null;
  };
}

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: { cached_tokens?: number };
}

export type FinishReason = "stop" | "length" | "tool_calls" | "content_filter" | "function_call";

export interface ChatCompletion {
  id: string;
  object: "chat.completion";
  created: number;
  model: string;
  choices: Array<{
    index: number;
    message: {
      role: "assistant";
      content: string | null;
      tool_calls?: ChatToolCall[];
      refusal?: string | null;
    };
    finish_reason: FinishReason | null;
    logprobs?: unknown;
  }>;
  usage?: Usage;
  [field: string]: unknown;
}

export interface ChatCompletionChunk {
  id: string;
  object: "chat.completion.chunk";
  created: number;
  model: string;
  choices: Array<{
    index: number;
    delta: {
      role?: "assistant";
      content?: string | null;
      tool_calls?: Array<{
        index: number;
        id?: string;
        type?: "function";
        function?: { name?: string; arguments?: string };
      }>;
    };
    finish_reason: FinishReason | null;
    logprobs?: unknown;
  }>;
  usage?: Usage | null;
  [field: string]: unknown;
}

/** Where one deployment of a model group lives, resolved from the operator's config. */
export interface UpstreamTarget {
  /** Base URL including the version path, e.g. `http://vllm-qwen.ai:8000/v1` or `https://api.anthropic.com/v1`. */
  readonly baseUrl: string;
  /** The model name the upstream knows (LiteLLM's `litellm_params.model` without the provider prefix). */
  readonly model: string;
  /** Resolved secret; never logged. */
  readonly apiKey?: string;
  /** Extra headers the operator configured. */
  readonly headers: Readonly<Record<string, string>>;
}

/** One HTTP request for the transport to send; `path` is appended to the target's base URL. */
export interface UpstreamRequest {
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** One server-sent event as read off the upstream stream. */
export interface SseEvent {
  readonly event?: string;
  readonly data: string;
}

/** Turns one upstream stream into OpenAI chunks; keeps whatever state the translation needs. */
export interface StreamTranslator {
  /** Chunks to send for one upstream event (possibly none). Throws UpstreamError for an error event. */
  push(event: SseEvent): ChatCompletionChunk[];
  /** Usage seen so far in the stream, if the upstream reported any. */
  usage(): Usage | undefined;
}

/** A failure the upstream reported in its own shape, translated to a status and message. */
export interface UpstreamErrorInfo {
  readonly status: number;
  readonly message: string;
  /** LiteLLM-style classification that decides which fallback list applies. */
  readonly kind?: "context_window_exceeded" | "content_policy" | "rate_limit" | "other";
}

/** A chat adapter: the three translations one provider needs. */
export interface ChatAdapter {
  /** Build the upstream request for `request` aimed at `target` (`request.model` is the client's name). */
  chatRequest(request: ChatCompletionRequest, target: UpstreamTarget): UpstreamRequest;
  /** Translate a non-streamed upstream answer; `model` is the name to report to the client. */
  chatResponse(body: unknown, model: string): ChatCompletion;
  /** A translator for one streamed answer; `model` is the name to report to the client. */
  chatStream(model: string): StreamTranslator;
  /** Classify an upstream error response body. */
  error(status: number, body: string): UpstreamErrorInfo;
}
