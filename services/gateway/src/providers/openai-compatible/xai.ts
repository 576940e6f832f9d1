import type { ProviderProfile } from "../provider-profile";

/** xAI Grok: OpenAI-compatible; rejects the penalties and `stop` on its reasoning models. */
export const xai: ProviderProfile = {
  prefix: "xai",
  adapter: "openai",
  defaultBaseUrl: "https://api.x.ai/v1",
  dropParams: ["presence_penalty", "frequency_penalty"],
  streamUsage: true,
  requiresApiKey: true,
};
