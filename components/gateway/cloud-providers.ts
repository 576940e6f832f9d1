/**
 * The cloud model providers the gateway can call, as its config names them (LiteLLM's provider prefixes):
 * the environment variable that carries each one's API key, and its public API base.
 */
export const CLOUD_PROVIDERS = {
  openai: { apiKeyEnv: "OPENAI_API_KEY", apiBase: "https://api.openai.com/v1" },
  anthropic: { apiKeyEnv: "ANTHROPIC_API_KEY", apiBase: "https://api.anthropic.com/v1" },
  xai: { apiKeyEnv: "XAI_API_KEY", apiBase: "https://api.x.ai/v1" },
  /** Zhipu GLM (BigModel open platform); the international Z.ai endpoint is `https://api.z.ai/api/paas/v4`. */
  zai: { apiKeyEnv: "ZAI_API_KEY", apiBase: "https://open.bigmodel.cn/api/paas/v4" },
  /** Qwen through DashScope's OpenAI-compatible mode (Beijing region; `dashscope-intl` for Singapore). */
  dashscope: { apiKeyEnv: "DASHSCOPE_API_KEY", apiBase: "https://dashscope.aliyuncs.com/compatible-mode/v1" },
} as const;

export type CloudProvider = keyof typeof CLOUD_PROVIDERS;

export const isCloudProvider = (name: string): name is CloudProvider => Object.hasOwn(CLOUD_PROVIDERS, name);
