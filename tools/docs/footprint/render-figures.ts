import { bytesIn, byteUnit, formatCores, type Limit } from "./quantities";
import type { Totals } from "./rows";

/**
 * The figure columns of a row at minimum and maximum scale: one value when both ends agree, else
 * `min–max` in one unit. Limits: `none` when nothing sets one, a trailing `+` when some pods set none.
 */

function range(min: number, max: number, format: (value: number) => string, unit = ""): string {
  if (max === 0) return "—";
  const [low, high] = [format(min), format(max)];
  return `${low === high ? low : `${low}–${high}`}${unit ? ` ${unit}` : ""}`;
}

const cores = (min: number, max: number) => range(min, max, formatCores);

function bytes(min: number, max: number, unit = byteUnit(max)): string {
  return range(min, max, (value) => bytesIn(value, unit), unit);
}

function limit(min: Limit, max: Limit, format: (min: number, max: number) => string): string {
  const unbounded = min.unbounded || max.unbounded;
  if (max.amount === 0) return unbounded ? "none" : "—";
  return `${format(min.amount, max.amount)}${unbounded ? "+" : ""}`;
}

export const FIGURE_HEADERS = [
  "CPU requests",
  "CPU limits",
  "memory requests",
  "memory limits",
  "storage",
  "GPUs",
] as const;

export function figureCells(min: Totals, max: Totals): string[] {
  return [
    cores(min.cpuRequest, max.cpuRequest),
    limit(min.cpuLimit, max.cpuLimit, cores),
    bytes(min.memoryRequest, max.memoryRequest),
    limit(min.memoryLimit, max.memoryLimit, bytes),
    bytes(min.storage, max.storage, "GiB"),
    range(min.gpus, max.gpus, String),
  ];
}

/** A pod count: `3`, or `1–2` for autoscaled workloads. */
export function podCells(min: number, max: number): string {
  return min === max ? String(min) : `${min}–${max}`;
}
