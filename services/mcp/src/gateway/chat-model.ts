import { request } from "undici";

export interface ChatMessage {
  readonly role: "system" | "user" | "assistant";
  readonly content: string;
}

/** A chat model behind the LLM gateway's `/v1/chat/completions`. */
export interface ChatModel {
  readonly model: string;
  complete(messages: readonly ChatMessage[], signal?: AbortSignal): Promise<string>;
}

export function gatewayChatModel(options: { baseUrl: string; model: string; apiKey?: string }): ChatModel {
  return {
    model: options.model,
    async complete(messages, signal) {
      const response = await request(`${options.baseUrl.replace(/\/$/, "")}/chat/completions`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
        },
        body: JSON.stringify({ model: options.model, messages, temperature: 0.2 }),
        headersTimeout: 120_000,
        bodyTimeout: 120_000,
        signal,
      });
      const body = (await response.body.json().catch(() => undefined)) as
        | { choices?: { message?: { content?: string | null } }[]; error?: { message?: string } }
        | undefined;
      const content = body?.choices?.[0]?.message?.content;
      if (response.statusCode !== 200 || typeof content !== "string") {
        throw new Error(
          `chat completion failed with ${response.statusCode}: ${body?.error?.message ?? "no content"}`,
        );
      }
      return content.trim();
    },
  };
}
