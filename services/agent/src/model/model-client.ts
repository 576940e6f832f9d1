/**
 * Model calls through the LLM gateway with the official openai SDK (chat completions, so vLLM and
 * llama.cpp models work). One SDK client per gateway key, reused (the caller's virtual key, so spend
 * lands on it, or the service's own). Streamed or not per `gateway.streaming`; both give a ModelTurn.
 */
import OpenAI from "openai";
import type { ChatMessage, FunctionTool, ModelTurn } from "./messages";
import { normaliseToolCalls, StreamAssembler } from "./stream-assembler";

export interface ModelClientOptions {
  readonly baseUrl: string;
  readonly streaming: boolean;
  readonly timeoutMs: number;
  /** Replaces the SDK's fetch (the benchmark's in-process model). */
  readonly fetch?: typeof fetch;
}

export interface ModelRequest {
  readonly model: string;
  readonly messages: readonly ChatMessage[];
  readonly tools?: readonly FunctionTool[];
  readonly temperature?: number;
  readonly maxTokens?: number;
  readonly responseFormat?: Record<string, unknown>;
  /** OpenAI `user`: the end user the gateway records spend for. */
  readonly user?: string;
  /** Overrides `gateway.streaming` (the router always asks for one JSON answer). */
  readonly stream?: boolean;
  readonly signal?: AbortSignal;
  readonly onDelta?: (text: string) => void;
}

const MAX_CLIENTS = 1_000;

export class ModelClient {
  private readonly clients = new Map<string, OpenAI>();

  constructor(private readonly options: ModelClientOptions) {}

  async complete(apiKey: string, request: ModelRequest): Promise<ModelTurn> {
    const client = this.clientFor(apiKey);
    const body = {
      model: request.model,
      messages: request.messages as OpenAI.Chat.ChatCompletionMessageParam[],
      ...(request.tools && request.tools.length > 0
        ? { tools: request.tools as OpenAI.Chat.ChatCompletionTool[], tool_choice: "auto" as const }
        : {}),
      ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
      ...(request.maxTokens !== undefined ? { max_tokens: request.maxTokens } : {}),
      ...(request.responseFormat
        ? { response_format: request.responseFormat as unknown as OpenAI.ResponseFormatJSONSchema }
        : {}),
      ...(request.user ? { user: request.user } : {}),
    };
    const requestOptions = { signal: request.signal };
    if (!(request.stream ?? this.options.streaming)) {
      const completion = await client.chat.completions.create({ ...body, stream: false }, requestOptions);
      const choice = completion.choices[0];
      const message = choice?.message;
      const content = message?.content ?? "";
      if (content) request.onDelta?.(content);
      const calls = (message?.tool_calls ?? []).flatMap((call) =>
        call.type === "function"
          ? [{ id: call.id, name: call.function.name, arguments: call.function.arguments ?? "" }]
          : [],
      );
      return {
        content,
        toolCalls: normaliseToolCalls(calls),
        finishReason: choice?.finish_reason ?? null,
        usage: completion.usage
          ? {
              promptTokens: completion.usage.prompt_tokens,
              completionTokens: completion.usage.completion_tokens,
            }
          : undefined,
      };
    }
    const stream = await client.chat.completions.create(
      { ...body, stream: true, stream_options: { include_usage: true } },
      requestOptions,
    );
    const assembler = new StreamAssembler();
    for await (const chunk of stream) {
      const text = assembler.add(chunk);
      if (text) request.onDelta?.(text);
    }
    return assembler.result();
  }

  private clientFor(apiKey: string): OpenAI {
    let client = this.clients.get(apiKey);
    if (client) return client;
    if (this.clients.size >= MAX_CLIENTS) this.clients.delete(this.clients.keys().next().value as string);
    client = new OpenAI({
      apiKey,
      baseURL: this.options.baseUrl,
      timeout: this.options.timeoutMs,
      // The gateway already retries and falls back across deployments.
      maxRetries: 0,
      ...(this.options.fetch ? { fetch: this.options.fetch } : {}),
    });
    this.clients.set(apiKey, client);
    return client;
  }
}
