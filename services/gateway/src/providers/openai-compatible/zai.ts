import type { ProviderProfile } from "../provider-profile";

/**
 * Zhipu GLM (BigModel open platform, OpenAI-compatible under /api/paas/v4). It reports usage on the
 * last stream chunk unasked and rejects `stream_options`, `n` and the penalties.
 */
export const zai: ProviderProfile = {
  prefix: "zai",
  adapter: "openai",
  defaultBaseUrl: "https://open.bigmodel.cn/api/paas/v4",
  dropParams: ["stream_options", "n", "presence_penalty", "frequency_penalty", "logit_bias"],
  renameParams: { max_completion_tokens: "max_tokens" },
  streamUsage: false,
  requiresApiKey: true,
};
