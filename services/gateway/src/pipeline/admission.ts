/** Rate limits and budgets for one request: reserve before the call, settle after it. */
import { budgetExceeded, rateLimited } from "../http/errors";
import { budgetPeriod } from "../limits/budget-period";
import type { GatewayMetrics } from "../observability/metrics";
import { toNano } from "../spend/pricing";
import type { LimitScope, SharedState } from "../state/shared-state";
import type { Caller } from "./caller";

export interface Reservation {
  readonly scopes: readonly LimitScope[];
  readonly tokens: number;
  readonly costNano: number;
}

function scopeOf(
  id: string,
  limits: { rpm?: number; tpm?: number; maxBudgetUsd?: number; budgetDuration?: string },
  nowMs: number,
): LimitScope {
  const period = budgetPeriod(limits.budgetDuration, nowMs);
  return {
    id,
    rpm: limits.rpm,
    tpm: limits.tpm,
    budgetNano: limits.maxBudgetUsd === undefined ? undefined : toNano(limits.maxBudgetUsd),
    periodStartMs: period.startMs,
    periodMs: period.lengthMs,
  };
}

export function scopesFor(caller: Caller, nowMs: number): LimitScope[] {
  const scopes: LimitScope[] = [];
  if (caller.key) scopes.push(scopeOf(`key:${caller.key.id}`, caller.key, nowMs));
  if (caller.team) scopes.push(scopeOf(`team:${caller.team.id}`, caller.team, nowMs));
  return scopes;
}

export async function reserve(
  state: SharedState,
  metrics: GatewayMetrics,
  caller: Caller,
  tokens: number,
  costUsd: number,
  nowMs: number,
): Promise<Reservation> {
  const scopes = scopesFor(caller, nowMs);
  const costNano = toNano(costUsd);
  if (scopes.length === 0) return { scopes, tokens, costNano };
  const result = await state.admit(scopes, tokens, costNano, nowMs);
  if (result.ok) return { scopes, tokens, costNano };
  metrics.rejected(result.reason);
  const who = result.scope.startsWith("team:") ? "team" : "key";
  if (result.reason === "budget") {
    throw budgetExceeded(`The ${who}'s budget is used up for this period.`, result.retryAfterSeconds);
  }
  const limit = result.reason === "rpm" ? "requests per minute" : "tokens per minute";
  throw rateLimited(`Rate limit reached for this ${who}: ${limit}.`, result.retryAfterSeconds);
}

export async function settle(
  state: SharedState,
  reservation: Reservation,
  actualTokens: number,
  actualUsd: number,
): Promise<void> {
  if (reservation.scopes.length === 0) return;
  await state.settle(
    reservation.scopes,
    {
      reservedTokens: reservation.tokens,
      reservedNano: reservation.costNano,
      actualTokens,
      actualNano: toNano(actualUsd),
    },
    Date.now(),
  );
}
