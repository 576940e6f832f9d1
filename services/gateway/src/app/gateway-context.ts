/** Everything a request handler needs. `runtime` is swapped whole on a config reload. */
import type { KeyStore } from "../auth/key-store";
import type { Deployment, GatewayConfig } from "../config/gateway-config";
import type { Logger } from "../observability/log";
import type { GatewayMetrics } from "../observability/metrics";
import type { GatewayTracing } from "../observability/tracing";
import { anthropicAdapter } from "../providers/anthropic";
import { openAICompatibleAdapter } from "../providers/openai-compatible/adapter";
import { providerProfile } from "../providers/providers";
import type { ChatAdapter } from "../providers/types";
import type { Router } from "../routing/router";
import type { SpendLog } from "../spend/spend-log";
import type { SharedState } from "../state/shared-state";
import type { UpstreamPools } from "../upstream/pools";

export interface Runtime {
  readonly config: GatewayConfig;
  readonly router: Router;
}

export interface Health {
  readonly redis?: () => Promise<boolean>;
  readonly postgres?: () => Promise<boolean>;
}

export class GatewayContext {
  private readonly pending = new Set<Promise<unknown>>();
  private readonly adapters = new Map<string, ChatAdapter>();

  constructor(
    public runtime: Runtime,
    readonly state: SharedState,
    readonly keys: KeyStore,
    readonly spend: SpendLog,
    readonly metrics: GatewayMetrics,
    readonly logger: Logger,
    readonly pools: UpstreamPools,
    readonly health: Health,
    readonly tracing: GatewayTracing,
  ) {}

  adapterFor(deployment: Deployment): ChatAdapter {
    let adapter = this.adapters.get(deployment.provider);
    if (!adapter) {
      const profile = providerProfile(deployment.provider);
      adapter =
        profile?.adapter === "anthropic"
          ? anthropicAdapter
          : openAICompatibleAdapter(
              profile ?? { prefix: deployment.provider, adapter: "openai", requiresApiKey: false },
            );
      this.adapters.set(deployment.provider, adapter);
    }
    return adapter;
  }

  /** Work that finishes after the response (settling, spend): awaited at shutdown, errors logged. */
  background(task: Promise<unknown>, what: string): void {
    const tracked = task.catch((error) =>
      this.logger.log("warn", "background_task_failed", { what, error: (error as Error).message }),
    );
    this.pending.add(tracked);
    void tracked.finally(() => this.pending.delete(tracked));
  }

  async drainBackground(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }
}
