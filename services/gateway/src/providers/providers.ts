import { dashscope } from "./openai-compatible/dashscope";
import { hostedVllm } from "./openai-compatible/hosted-vllm";
import { openai } from "./openai-compatible/openai";
import { openaiCompatible } from "./openai-compatible/openai-compatible";
import { xai } from "./openai-compatible/xai";
import { zai } from "./openai-compatible/zai";
import type { ProviderProfile } from "./provider-profile";

const anthropic: ProviderProfile = {
  prefix: "anthropic",
  adapter: "anthropic",
  defaultBaseUrl: "https://api.anthropic.com/v1",
  requiresApiKey: true,
};

/** ChatTTS server deployed by the inference area; only `/v1/audio/speech` is routed to it. */
const chattts: ProviderProfile = { prefix: "chattts", adapter: "chattts", requiresApiKey: false };

const PROFILES: readonly ProviderProfile[] = [
  openai,
  hostedVllm,
  openaiCompatible,
  xai,
  zai,
  dashscope,
  anthropic,
  chattts,
];

/** LiteLLM's other names for the same providers. */
const ALIASES: Readonly<Record<string, string>> = {
  vllm: "hosted_vllm",
  "openai-compatible": "openai_compatible",
  llamacpp: "openai_compatible",
  zhipuai: "zai",
  glm: "zai",
  qwen: "dashscope",
};

export const PROVIDER_PREFIXES = [...PROFILES.map((profile) => profile.prefix), ...Object.keys(ALIASES)];

export function providerProfile(prefix: string): ProviderProfile | undefined {
  const name = ALIASES[prefix] ?? prefix;
  return PROFILES.find((profile) => profile.prefix === name);
}
