/** LiteLLM's `budget_duration` (`30s`, `15m`, `1h`, `7d`, `1mo`) as a period start and length. */
const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
export const DURATION_PATTERN = /^(\d+)(s|m|h|d|mo)$/;

export interface BudgetPeriod {
  readonly startMs: number;
  /** Undefined for a budget that never resets. */
  readonly lengthMs?: number;
}

export function budgetPeriod(duration: string | undefined, nowMs: number): BudgetPeriod {
  if (!duration) return { startMs: 0 };
  const match = DURATION_PATTERN.exec(duration);
  if (!match) throw new Error(`invalid budget duration "${duration}" (use e.g. 30d, 12h, 1mo)`);
  const count = Number(match[1]);
  const unit = match[2] as string;
  if (unit === "mo") {
    // Calendar months in UTC, counted from the epoch so every replica agrees on the boundaries.
    const now = new Date(nowMs);
    const monthIndex = now.getUTCFullYear() * 12 + now.getUTCMonth();
    const startIndex = monthIndex - (monthIndex % count);
    const startMs = Date.UTC(Math.floor(startIndex / 12), startIndex % 12, 1);
    const endMs = Date.UTC(Math.floor((startIndex + count) / 12), (startIndex + count) % 12, 1);
    return { startMs, lengthMs: endMs - startMs };
  }
  const lengthMs = count * (UNIT_MS[unit] as number);
  return { startMs: Math.floor(nowMs / lengthMs) * lengthMs, lengthMs };
}
