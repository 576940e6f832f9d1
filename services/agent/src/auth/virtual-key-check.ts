/**
 * Virtual keys are the gateway's: a key is valid when the gateway lists models for it. Accepted keys
 * are remembered (by hash) for `keyCacheSeconds`, so a revoked key stops working within that time;
 * refusals are not remembered, so a new key works at once.
 */
import { createHash } from "node:crypto";
import { AgentError, unauthorized, upstreamUnavailable } from "../http/errors";

export interface VirtualKeyCheckOptions {
  readonly gatewayBaseUrl: string;
  readonly cacheSeconds: number;
  readonly fetch?: typeof fetch;
  readonly now?: () => number;
}

const MAX_REMEMBERED = 10_000;

export const keyHash = (key: string) => createHash("sha256").update(key).digest("hex");

export class VirtualKeyCheck {
  private readonly accepted = new Map<string, number>();
  private readonly fetch: typeof fetch;
  private readonly now: () => number;

  constructor(private readonly options: VirtualKeyCheckOptions) {
    this.fetch = options.fetch ?? fetch;
    this.now = options.now ?? Date.now;
  }

  /** Resolves when the gateway accepts `key`; 401 when it refuses, 502 when it cannot be asked. */
  async check(key: string): Promise<void> {
    const hash = keyHash(key);
    const until = this.accepted.get(hash);
    if (until !== undefined && until > this.now()) return;
    let status: number;
    try {
      const response = await this.fetch(`${this.options.gatewayBaseUrl.replace(/\/$/, "")}/models`, {
        headers: { authorization: `Bearer ${key}` },
        signal: AbortSignal.timeout(10_000),
      });
      status = response.status;
      await response.body?.cancel();
    } catch (error) {
      throw upstreamUnavailable(`The LLM gateway could not check the API key: ${(error as Error).message}`);
    }
    if (status === 401 || status === 403) throw unauthorized("Invalid API key (the LLM gateway refused it).");
    if (status !== 200)
      throw new AgentError(
        502,
        "api_error",
        `The LLM gateway answered ${status} to a key check.`,
        "gateway_error",
      );
    if (this.accepted.size >= MAX_REMEMBERED) this.accepted.clear();
    this.accepted.set(hash, this.now() + this.options.cacheSeconds * 1000);
  }
}
