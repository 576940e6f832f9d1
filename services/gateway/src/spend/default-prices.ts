/**
 * USD per million tokens for the cloud models teams use most, as published on the providers' price
 * pages in November 2026. Operators override them per deployment with `model_info.*_cost_per_token`;
 * self-hosted models cost nothing per token unless priced.
 */
export const DEFAULT_PRICES: Readonly<Record<string, { readonly input: number; readonly output: number }>> = {
  "gpt-4o": { input: 2.5, output: 10 },
  "gpt-4o-mini": { input: 0.15, output: 0.6 },
  "gpt-4.1": { input: 2, output: 8 },
  "gpt-4.1-mini": { input: 0.4, output: 1.6 },
  "text-embedding-3-small": { input: 0.02, output: 0 },
  "text-embedding-3-large": { input: 0.13, output: 0 },
  "claude-sonnet-4-5": { input: 3, output: 15 },
  "claude-haiku-4-5": { input: 1, output: 5 },
  "claude-opus-4-1": { input: 15, output: 75 },
  "grok-4": { input: 3, output: 15 },
  "grok-3-mini": { input: 0.3, output: 0.5 },
  "glm-4.5": { input: 0.6, output: 2.2 },
  "glm-4.5-air": { input: 0.2, output: 1.1 },
  "qwen-plus": { input: 0.4, output: 1.2 },
  "qwen-max": { input: 1.6, output: 6.4 },
  "qwen-turbo": { input: 0.05, output: 0.2 },
};
