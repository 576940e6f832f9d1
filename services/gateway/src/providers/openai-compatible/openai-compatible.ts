import type { ProviderProfile } from "../provider-profile";

/**
 * Any other OpenAI-compatible server (llama.cpp's llama-server, speaches for Whisper, TEI...).
 * llama-server predates `max_completion_tokens`, so the newer name is sent as `max_tokens`.
 */
export const openaiCompatible: ProviderProfile = {
  prefix: "openai_compatible",
  adapter: "openai",
  renameParams: { max_completion_tokens: "max_tokens" },
  streamUsage: true,
  requiresApiKey: false,
};
