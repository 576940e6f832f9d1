import type * as pulumi from "@pulumi/pulumi";

/** What an inference endpoint serves; the gateway maps each kind to its OpenAI route. */
export type ModelEndpointKind =
  | "chat"
  | "completion"
  | "embeddings"
  | "rerank"
  | "audio-transcription"
  | "audio-speech";

/**
 * One model endpoint the inference area declares, as the LLM gateway consumes it.
 * `url` is the in-cluster base URL (ending in `/v1` for OpenAI-compatible servers).
 */
export interface ModelEndpoint {
  /** The model name clients send (`model` in OpenAI requests). */
  readonly name: string;
  /** In-cluster base URL, e.g. `http://qwen2-5-7b.ai.svc.cluster.local:8000/v1`. */
  readonly url: pulumi.Output<string> | string;
  readonly kind: ModelEndpointKind;
  /** Maximum context length in tokens, for chat/completion/embeddings models. */
  readonly contextLength?: number;
  /** Wire protocol: OpenAI-compatible, or the ChatTTS server's own API (the gateway translates). */
  readonly api: "openai" | "chattts";
  /** The model id to send upstream when it differs from `name` (speaches: the faster-whisper repo). */
  readonly upstreamModel?: string;
  /**
   * Request fields the gateway fills in when the client leaves them out: Whisper's `language` and
   * `prompt` (hot words); ChatTTS's seeds, sampling and emotion prompts (see README, "Inference").
   */
  readonly requestDefaults?: Readonly<Record<string, string | number | boolean>>;
}
