import type { ProviderProfile } from "../provider-profile";

/** vLLM's OpenAI server; needs `api_base`. It accepts `max_completion_tokens` and stream usage. */
export const hostedVllm: ProviderProfile = {
  prefix: "hosted_vllm",
  adapter: "openai",
  streamUsage: true,
  requiresApiKey: false,
};
