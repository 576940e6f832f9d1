/** What one benchmark run measured: plain data, so the report and the goals can be checked alone. */
import type { LoadResult } from "./load-generator";

export const SYSTEM_IDS = ["direct", "gateway", "gatewayRedis", "portkey"] as const;
export type SystemId = (typeof SYSTEM_IDS)[number];

export const SYSTEM_LABELS: Readonly<Record<SystemId, string>> = {
  direct: "Direct to upstream (baseline)",
  gateway: "This gateway, in-memory",
  gatewayRedis: "This gateway, keys + Redis limits",
  portkey: "Portkey gateway",
};

export interface Measurement {
  /** Successful answers. */
  readonly requests: number;
  readonly errors: number;
  readonly firstError?: string;
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

export interface LevelMeasurements {
  readonly concurrency: number;
  readonly bySystem: Readonly<Record<SystemId, Measurement>>;
}

export interface SoakMeasurement {
  readonly system: SystemId;
  readonly rssAtStartBytes: number;
  readonly rssBeforeBytes: number;
  readonly rssAfterBytes: number;
  readonly rssPeakBytes: number;
  /** Live V8 heap after a full GC, read right after the RSS before and after the soak. */
  readonly heapBeforeBytes: number;
  readonly heapAfterBytes: number;
  readonly requests: number;
  readonly errors: number;
}

export interface BenchResults {
  readonly date: string;
  readonly machine: string;
  readonly command: string;
  readonly portkeyVersion: string;
  readonly durationSeconds: number;
  readonly soakSeconds: number;
  /** Non-streaming chat completions, one entry per concurrency level. */
  readonly levels: readonly LevelMeasurements[];
  /** Streaming chat completions at concurrency 1; p50/p99 are time to first byte. */
  readonly streaming: Readonly<Record<SystemId, Measurement>>;
  readonly soak: readonly SoakMeasurement[];
}

export function summarize(result: LoadResult): Measurement {
  return {
    requests: result.requests,
    errors: result.errors,
    firstError: result.firstError,
    requestsPerSecond: result.requests / (result.elapsedMs / 1000),
    p50Ms: result.histogram.percentileMs(50),
    p99Ms: result.histogram.percentileMs(99),
  };
}

/** RSS growth over the soak, in percent of the RSS before it. */
export function rssGrowthPercent(soak: SoakMeasurement): number {
  return ((soak.rssAfterBytes - soak.rssBeforeBytes) / soak.rssBeforeBytes) * 100;
}

export function levelAt(results: BenchResults, concurrency: number): LevelMeasurements {
  const level = results.levels.find((entry) => entry.concurrency === concurrency);
  if (!level) throw new Error(`no measurements at concurrency ${concurrency}`);
  return level;
}
