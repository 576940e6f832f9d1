/** Command-line options of the gateway benchmark, parsed once; defaults written here only. */
import { parseArgs } from "node:util";

export interface BenchOptions {
  /** Measured seconds per target and concurrency level. */
  readonly durationSeconds: number;
  /** Seconds of unmeasured load before each measurement (JIT, connection pools). */
  readonly warmupSeconds: number;
  /** Seconds of mixed load on the gateways between the two RSS readings. */
  readonly soakSeconds: number;
}

export const BENCH_DEFAULTS: BenchOptions = { durationSeconds: 10, warmupSeconds: 2, soakSeconds: 300 };

export const CONCURRENCY_LEVELS = [1, 16, 64] as const;

const USAGE = "usage: gateway-bench.ts [--duration-seconds 10] [--warmup-seconds 2] [--soak-seconds 300]";

/** Parses argv (without node and the script); throws one error listing every bad option. */
export function parseBenchOptions(argv: readonly string[]): BenchOptions {
  let values: Record<string, string | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        "duration-seconds": { type: "string" },
        "warmup-seconds": { type: "string" },
        "soak-seconds": { type: "string" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${USAGE}`);
  }
  const problems: string[] = [];
  const seconds = (name: string, fallback: number, minimum: number): number => {
    const raw = values[name];
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (raw.trim() === "" || !Number.isFinite(value) || value < minimum)
      problems.push(`--${name} must be a number of seconds >= ${minimum}, got "${raw}"`);
    return value;
  };
  const options = {
    durationSeconds: seconds("duration-seconds", BENCH_DEFAULTS.durationSeconds, 1),
    warmupSeconds: seconds("warmup-seconds", BENCH_DEFAULTS.warmupSeconds, 0),
    soakSeconds: seconds("soak-seconds", BENCH_DEFAULTS.soakSeconds, 1),
  };
  if (problems.length > 0) throw new Error(`${problems.join("\n")}\n${USAGE}`);
  return options;
}
