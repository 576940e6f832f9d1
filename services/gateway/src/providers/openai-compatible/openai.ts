import type { ProviderProfile } from "../provider-profile";

export const openai: ProviderProfile = {
  prefix: "openai",
  adapter: "openai",
  defaultBaseUrl: "https://api.openai.com/v1",
  streamUsage: true,
  requiresApiKey: true,
};
