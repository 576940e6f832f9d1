/** Cost of a call from its usage and the deployment's prices; and the estimate a budget reserves. */
import type { Deployment, Prices } from "../config/gateway-config";
import { DEFAULT_PRICES } from "./default-prices";

export const NANO_PER_USD = 1e9;
/** Completion tokens reserved when a request sets no max_tokens. */
export const DEFAULT_COMPLETION_RESERVE = 1024;

export interface TokenUsage {
  readonly promptTokens: number;
  readonly completionTokens: number;
}

/** The deployment's own prices, else the shipped defaults for well-known cloud models. */
export function pricesFor(deployment: Deployment): Prices {
  const own = deployment.prices;
  if (own.inputPerToken > 0 || own.outputPerToken > 0 || own.inputPerSecond > 0 || own.inputPerCharacter > 0)
    return own;
  const fallback = DEFAULT_PRICES[deployment.upstreamModel];
  return fallback
    ? { ...own, inputPerToken: fallback.input / 1e6, outputPerToken: fallback.output / 1e6 }
    : own;
}

export function tokenCostUsd(prices: Prices, usage: TokenUsage): number {
  return usage.promptTokens * prices.inputPerToken + usage.completionTokens * prices.outputPerToken;
}

/** Chat templates add a few tokens per message and to prime the reply (OpenAI counts 3 + 3). */
const TOKENS_PER_MESSAGE = 4;
const REPLY_PRIMING_TOKENS = 3;

/**
 * A cheap token estimate that errs high (three characters per token, where English averages four),
 * so budget reservations cover what calls really cost.
 */
export function estimatePromptTokens(input: unknown): number {
  const messages = Array.isArray(input) ? input.length : 1;
  return (
    Math.ceil(JSON.stringify(input ?? "").length / 3) + messages * TOKENS_PER_MESSAGE + REPLY_PRIMING_TOKENS
  );
}

export const toNano = (usd: number) => Math.ceil(usd * NANO_PER_USD);
