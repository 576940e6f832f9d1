/** One adapter for every OpenAI-compatible upstream; provider differences come from its profile. */
import type { ProviderProfile } from "../provider-profile";
import type {
  ChatAdapter,
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionRequest,
  SseEvent,
  StreamTranslator,
  UpstreamErrorInfo,
  UpstreamRequest,
  UpstreamTarget,
  Usage,
} from "../types";

export function upstreamHeaders(target: UpstreamTarget): Record<string, string> {
  const headers: Record<string, string> = { "content-type": "application/json", ...target.headers };
  if (target.apiKey) headers.authorization = `Bearer ${target.apiKey}`;
  return headers;
}

/** The request body with the upstream's model name and the profile's renames and drops applied. */
export function shapeBody(
  body: Record<string, unknown>,
  target: UpstreamTarget,
  profile: ProviderProfile,
): Record<string, unknown> {
  const shaped: Record<string, unknown> = { ...body, model: target.model };
  for (const [from, to] of Object.entries(profile.renameParams ?? {})) {
    if (from in shaped) {
      if (!(to in shaped)) shaped[to] = shaped[from];
      delete shaped[from];
    }
  }
  for (const field of profile.dropParams ?? []) delete shaped[field];
  return shaped;
}

const CONTEXT_WINDOW =
  /context length|context window|maximum context|too many tokens|prompt is too long|max_tokens.*too large/i;
const CONTENT_POLICY = /content[ _-]?(policy|filter|management)|safety system|sensitive/i;

export function classifyOpenAIError(status: number, body: string): UpstreamErrorInfo {
  let message = body.slice(0, 500);
  try {
    const parsed = JSON.parse(body) as {
      error?: { message?: string } | string;
      message?: string;
      detail?: string;
    };
    const candidate =
      typeof parsed.error === "string"
        ? parsed.error
        : (parsed.error?.message ?? parsed.message ?? parsed.detail);
    if (typeof candidate === "string") message = candidate;
  } catch {
    // Not JSON: keep the (truncated) text.
  }
  const kind =
    status === 429
      ? "rate_limit"
      : CONTEXT_WINDOW.test(message)
        ? "context_window_exceeded"
        : CONTENT_POLICY.test(message)
          ? "content_policy"
          : "other";
  return { status, message, kind };
}

class PassThroughStream implements StreamTranslator {
  private lastUsage: Usage | undefined;

  constructor(private readonly model: string) {}

  push(event: SseEvent): ChatCompletionChunk[] {
    if (event.data === "[DONE]") return [];
    const chunk = JSON.parse(event.data) as ChatCompletionChunk & { error?: { message?: string } };
    if (chunk.error)
      throw Object.assign(new Error(chunk.error.message ?? "upstream stream error"), { status: 502 });
    if (chunk.usage) this.lastUsage = chunk.usage;
    chunk.model = this.model;
    return [chunk];
  }

  usage(): Usage | undefined {
    return this.lastUsage;
  }
}

export function openAICompatibleAdapter(profile: ProviderProfile): ChatAdapter {
  return {
    chatRequest(request: ChatCompletionRequest, target: UpstreamTarget): UpstreamRequest {
      const body = shapeBody(request, target, profile);
      if (request.stream) {
        if (profile.streamUsage)
          body.stream_options = { ...(request.stream_options ?? {}), include_usage: true };
        else delete body.stream_options;
      }
      return { path: "/chat/completions", headers: upstreamHeaders(target), body: JSON.stringify(body) };
    },
    chatResponse(body: unknown, model: string): ChatCompletion {
      const completion = body as ChatCompletion;
      return { ...completion, model };
    },
    chatStream: (model: string) => new PassThroughStream(model),
    error: classifyOpenAIError,
  };
}
