/**
 * Kubernetes resource quantities (`500m`, `1.5Gi`, `2G`, `1e3`) as exact integers: CPU in millicores,
 * memory and storage in bytes. Kubernetes itself rounds CPU up to 1m and bytes up to 1, so sums stay
 * exact integers instead of drifting floats.
 */

const SUFFIX_FACTORS: Record<string, number> = {
  "": 1,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

const QUANTITY = /^(\+?(?:\d+(?:\.\d*)?|\.\d+))(?:[eE]([+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]))?$/;

/** A quantity in its base unit (cores, bytes); throws naming `where` when it is not one. */
export function parseQuantity(value: unknown, where: string): number {
  if (typeof value === "number" && Number.isFinite(value) && value >= 0) return value;
  const match = typeof value === "string" ? QUANTITY.exec(value.trim()) : null;
  if (!match) throw new Error(`${where}: ${JSON.stringify(value)} is not a Kubernetes quantity`);
  const [, mantissa, exponent, suffix] = match;
  const factor = exponent !== undefined ? 10 ** Number(exponent) : SUFFIX_FACTORS[suffix ?? ""];
  return Number(mantissa) * (factor ?? 1);
}

/** CPU as whole millicores, rounded up as Kubernetes does (`500m` → 500, `1.5` → 1500). */
export function parseMillicores(value: unknown, where: string): number {
  return Math.ceil(roundFloat(parseQuantity(value, where) * 1000));
}

/** Memory or storage as whole bytes (`1.5Gi` → 1610612736, `2G` → 2000000000). */
export function parseBytes(value: unknown, where: string): number {
  return Math.ceil(roundFloat(parseQuantity(value, where)));
}

/** Strips float noise such as 0.1 * 3 = 0.30000000000000004 before rounding up. */
function roundFloat(value: number): number {
  return Number(value.toPrecision(12));
}

/** A limit summed over containers: `unbounded` when one of them sets none (the sum is then a floor). */
export interface Limit {
  readonly amount: number;
  readonly unbounded: boolean;
}

export const NO_LIMIT: Limit = { amount: 0, unbounded: true };
export const ZERO_LIMIT: Limit = { amount: 0, unbounded: false };

export function addLimits(a: Limit, b: Limit): Limit {
  return { amount: a.amount + b.amount, unbounded: a.unbounded || b.unbounded };
}

export function maxLimit(a: Limit, b: Limit): Limit {
  return { amount: Math.max(a.amount, b.amount), unbounded: a.unbounded || b.unbounded };
}

export function scaleLimit(limit: Limit, times: number): Limit {
  return times === 0 ? ZERO_LIMIT : { amount: limit.amount * times, unbounded: limit.unbounded };
}

/** Millicores as cores: 2350 → "2.35". */
export function formatCores(millicores: number): string {
  return String(millicores / 1000);
}

const UNITS = { MiB: 2 ** 20, GiB: 2 ** 30 } as const;
export type ByteUnit = keyof typeof UNITS;

/** MiB below 1 GiB, else GiB: the unit a figure (or the larger end of a range) reads best in. */
export function byteUnit(bytes: number): ByteUnit {
  return bytes < UNITS.GiB ? "MiB" : "GiB";
}

/** Bytes as a number of `unit`, at most two decimals: 1.5 GiB → "1.5", 2G in GiB → "1.86". */
export function bytesIn(bytes: number, unit: ByteUnit): string {
  return String(Number((bytes / UNITS[unit]).toFixed(2)));
}

/** "512 MiB", "1.5 GiB", "1.86 GiB" (2G). */
export function formatBytes(bytes: number): string {
  const unit = byteUnit(bytes);
  return `${bytesIn(bytes, unit)} ${unit}`;
}
