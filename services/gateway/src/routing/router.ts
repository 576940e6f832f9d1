/**
 * Picks a deployment, calls it, and on failure retries with backoff (honouring Retry-After), skips
 * deployments whose breaker is open, and falls back to other model groups as LiteLLM does.
 */
import type { Deployment, RouterSettings } from "../config/gateway-config";
import { GatewayError } from "../http/errors";
import type { GatewayMetrics } from "../observability/metrics";
import type { SharedState } from "../state/shared-state";
import { UpstreamFailure } from "../upstream/upstream-failure";
import { DeploymentStats } from "./deployment-stats";
import { STRATEGIES, underCaps } from "./strategies";

const MAX_BACKOFF_MS = 10_000;

export interface RouteRequest {
  readonly group: string;
  readonly stream: boolean;
  readonly estimatedTokens: number;
  /** Groups the caller may use; fallbacks outside it are skipped. */
  readonly allowed: (group: string) => boolean;
  /** False for a request body that cannot be sent twice: one attempt, no fallbacks. */
  readonly replayable?: boolean;
}

export type Attempt<T> = (deployment: Deployment, attempt: number) => Promise<T>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class Router {
  readonly stats: DeploymentStats;
  private readonly groups = new Map<string, Deployment[]>();

  constructor(
    deployments: readonly Deployment[],
    private readonly settings: RouterSettings,
    private readonly state: SharedState,
    private readonly metrics: GatewayMetrics,
    private readonly random: () => number = Math.random,
  ) {
    this.stats = new DeploymentStats(settings.latencyEwmaAlpha);
    for (const deployment of deployments) {
      const group = this.groups.get(deployment.group) ?? [];
      group.push(deployment);
      this.groups.set(deployment.group, group);
    }
  }

  /** Per-minute usage is counted in the shared store only where caps or the strategy read it. */
  tracksUsage(deployment: Deployment): boolean {
    return (
      this.settings.strategy.startsWith("usage-based") ||
      deployment.rpm !== undefined ||
      deployment.tpm !== undefined
    );
  }

  groupNames(): string[] {
    return [...this.groups.keys()];
  }

  deploymentsOf(group: string): readonly Deployment[] | undefined {
    return this.groups.get(group);
  }

  /** Healthy deployments: breaker closed, or half-open and this replica won the probe. */
  private async healthy(candidates: readonly Deployment[], nowMs: number): Promise<Deployment[]> {
    const open = this.state.openBreakers();
    const result: Deployment[] = [];
    for (const deployment of candidates) {
      const until = open.get(deployment.id);
      if (until === undefined) result.push(deployment);
      else if (until <= nowMs && (await this.state.acquireProbe(deployment.id, deployment.timeoutMs)))
        result.push(deployment);
    }
    return result;
  }

  private async pick(group: readonly Deployment[], request: RouteRequest, tried: ReadonlySet<string>) {
    const now = Date.now();
    const fresh = group.filter((deployment) => !tried.has(deployment.id));
    const healthy = await this.healthy(fresh.length > 0 ? fresh : group, now);
    if (healthy.length === 0) return undefined;
    const usage = healthy.some((deployment) => this.tracksUsage(deployment))
      ? await this.state.deploymentUsage(
          healthy.map((deployment) => deployment.id),
          now,
        )
      : new Map();
    const capped = underCaps(healthy, usage, request.estimatedTokens);
    if (capped.length === 0) return undefined;
    return STRATEGIES[this.settings.strategy](capped, {
      stats: this.stats,
      usage,
      stream: request.stream,
      estimatedTokens: request.estimatedTokens,
      random: this.random,
    });
  }

  private backoffMs(attempt: number, failure: UpstreamFailure): number {
    const exponential = this.settings.retryBaseMs * 2 ** attempt * (0.5 + this.random());
    return Math.min(MAX_BACKOFF_MS, Math.max(exponential, failure.retryAfterMs ?? 0));
  }

  private async recordOutcome(deployment: Deployment, ok: boolean): Promise<void> {
    const change = await this.state
      .recordOutcome(deployment.id, ok, this.settings, Date.now())
      .catch(() => undefined);
    if (change) this.metrics.cooldown(deployment, change.openUntilMs !== undefined);
  }

  /** Tries one group: the first attempt plus `numRetries`, each on the best healthy deployment. */
  private async tryGroup<T>(group: string, request: RouteRequest, attempt: Attempt<T>): Promise<T> {
    const deployments = this.groups.get(group);
    if (!deployments)
      throw new GatewayError(
        404,
        "not_found_error",
        `Model ${group} does not exist.`,
        "model_not_found",
        "model",
      );
    const tried = new Set<string>();
    let lastFailure: UpstreamFailure | undefined;
    const retries = request.replayable === false ? 0 : this.settings.numRetries;
    for (let number = 0; number <= retries; number++) {
      const deployment = await this.pick(deployments, request, tried);
      if (!deployment) break;
      tried.add(deployment.id);
      if (number > 0) this.metrics.retry(deployment);
      this.stats.started(deployment.id);
      try {
        const result = await attempt(deployment, number);
        void this.recordOutcome(deployment, true);
        return result;
      } catch (error) {
        if (!(error instanceof UpstreamFailure)) throw error;
        lastFailure = error;
        if (error.deploymentFault) void this.recordOutcome(deployment, false);
        if (!error.retryable || number === retries) break;
        await sleep(this.backoffMs(number, error));
      } finally {
        this.stats.finished(deployment.id);
      }
    }
    throw lastFailure ?? noHealthyDeployment(group, this.earliestRecoveryMs(deployments));
  }

  private earliestRecoveryMs(deployments: readonly Deployment[]): number {
    const open = this.state.openBreakers();
    const untils = deployments
      .map((deployment) => open.get(deployment.id))
      .filter((u): u is number => u !== undefined);
    return untils.length > 0 ? Math.max(0, Math.min(...untils) - Date.now()) : 1000;
  }

  private fallbacksFor(group: string, failure: unknown): readonly string[] {
    const kind = failure instanceof UpstreamFailure ? failure.kind : undefined;
    const specific =
      kind === "context_window_exceeded"
        ? this.settings.contextWindowFallbacks[group]
        : kind === "content_policy"
          ? this.settings.contentPolicyFallbacks[group]
          : undefined;
    if (specific) return specific;
    const retryable = !(failure instanceof UpstreamFailure) || failure.retryable;
    return retryable ? (this.settings.fallbacks[group] ?? []) : [];
  }

  /** Runs `attempt` against the group, then against its fallbacks; throws the last failure. */
  async route<T>(request: RouteRequest, attempt: Attempt<T>): Promise<T> {
    try {
      return await this.tryGroup(request.group, request, attempt);
    } catch (failure) {
      if ((failure instanceof GatewayError && failure.status === 404) || request.replayable === false)
        throw failure;
      let last: unknown = failure;
      for (const fallback of this.fallbacksFor(request.group, failure)) {
        if (!request.allowed(fallback)) continue;
        this.metrics.fallback(request.group, fallback);
        try {
          return await this.tryGroup(fallback, { ...request, group: fallback }, attempt);
        } catch (error) {
          last = error;
        }
      }
      throw last;
    }
  }
}

function noHealthyDeployment(group: string, retryAfterMs: number): GatewayError {
  return new GatewayError(
    503,
    "service_unavailable_error",
    `No healthy deployment of ${group} is available (all cooling down or at their rate caps).`,
    "no_healthy_deployment",
    null,
    Math.ceil(retryAfterMs / 1000),
  );
}
