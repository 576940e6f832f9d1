import type { ProviderProfile } from "../provider-profile";

/** Alibaba Cloud Model Studio (DashScope) compatible mode for Qwen. */
export const dashscope: ProviderProfile = {
  prefix: "dashscope",
  adapter: "openai",
  defaultBaseUrl: "https://dashscope.aliyuncs.com/compatible-mode/v1",
  dropParams: ["logit_bias"],
  renameParams: { max_completion_tokens: "max_tokens" },
  streamUsage: true,
  requiresApiKey: true,
};
