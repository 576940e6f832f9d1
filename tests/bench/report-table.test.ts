import { describe, expect, it } from "vitest";
import { BENCH_DEFAULTS, parseBenchOptions } from "../../bench/bench-options";
import { checkGoals } from "../../bench/goals";
import { markdownTable, renderReport } from "../../bench/report-table";
import type { BenchResults, Measurement, SoakMeasurement, SystemId } from "../../bench/results";

const MB = 1024 * 1024;

function measurement(p50Ms: number, p99Ms: number, requestsPerSecond: number, errors = 0): Measurement {
  return { requests: requestsPerSecond * 10, errors, requestsPerSecond, p50Ms, p99Ms };
}

function soak(system: SystemId, beforeMb: number, afterMb: number): SoakMeasurement {
  return {
    system,
    rssAtStartBytes: 90 * MB,
    rssBeforeBytes: beforeMb * MB,
    rssAfterBytes: afterMb * MB,
    rssPeakBytes: afterMb * MB,
    heapBeforeBytes: 20 * MB,
    heapAfterBytes: 21 * MB,
    requests: 1000,
    errors: 0,
  };
}

type Level = Record<SystemId, Measurement>;

function results(
  overrides: { single?: Partial<Level>; high?: Partial<Level>; soaks?: SoakMeasurement[] } = {},
) {
  const single: Level = {
    direct: measurement(0.1, 0.3, 9000),
    gateway: measurement(0.35, 1.2, 3000),
    gatewayRedis: measurement(0.9, 2.5, 1500),
    portkey: measurement(0.8, 4, 1100),
    ...overrides.single,
  };
  const middle: Level = {
    direct: measurement(0.5, 2, 20000),
    gateway: measurement(2, 10, 5000),
    gatewayRedis: measurement(4, 15, 3000),
    portkey: measurement(8, 20, 1800),
  };
  const high: Level = {
    direct: measurement(1, 5, 50000),
    gateway: measurement(4, 21, 11000),
    gatewayRedis: measurement(11, 35, 4800),
    portkey: measurement(23, 50, 2500),
    ...overrides.high,
  };
  return {
    date: "2026-11-23 21:00 UTC",
    machine: "2 cores (test CPU)",
    command: "npm run bench:gateway",
    portkeyVersion: "1.15.2",
    durationSeconds: 10,
    soakSeconds: 300,
    levels: [
      { concurrency: 1, bySystem: single },
      { concurrency: 16, bySystem: middle },
      { concurrency: 64, bySystem: high },
    ],
    streaming: {
      direct: measurement(0.05, 0.1, 10000),
      gateway: measurement(0.3, 4, 2000),
      gatewayRedis: measurement(0.7, 5, 900),
      portkey: measurement(28.6, 33, 34),
    },
    soak: overrides.soaks ?? [soak("gateway", 100, 105), soak("gatewayRedis", 100, 109)],
  } satisfies BenchResults;
}

const byGoal = (checks: ReturnType<typeof checkGoals>, fragment: string) => {
  const check = checks.find((entry) => entry.goal.includes(fragment));
  if (!check) throw new Error(`no goal mentions ${fragment}`);
  return check;
};

describe("checkGoals", () => {
  it("passes every target when the gateway meets them", () => {
    const checks = checkGoals(results());
    expect(checks).toHaveLength(6);
    expect(checks.filter((check) => !check.pass)).toEqual([]);
    expect(byGoal(checks, "(in-memory)").measured).toBe("0.25 ms");
    expect(byGoal(checks, "Throughput").measured).toBe("11,000 req/s vs 2,500 req/s");
  });

  it("fails added latency at 1 ms in memory and 2 ms with Redis limits, measured against direct", () => {
    const checks = checkGoals(
      results({ single: { gateway: measurement(1.1, 2, 3000), gatewayRedis: measurement(2.2, 3, 1000) } }),
    );
    expect(byGoal(checks, "(in-memory)")).toMatchObject({ measured: "1.00 ms", pass: false });
    expect(byGoal(checks, "Redis limits")).toMatchObject({ measured: "2.10 ms", pass: false });
  });

  it("fails p99 and throughput when Portkey does better at 64", () => {
    const checks = checkGoals(results({ high: { portkey: measurement(3, 20, 12000) } }));
    expect(byGoal(checks, "p99").pass).toBe(false);
    expect(byGoal(checks, "Throughput").pass).toBe(false);
  });

  it("does not count a figure measured with errors as met", () => {
    const checks = checkGoals(results({ single: { gateway: measurement(0.2, 1, 3000, 7) } }));
    expect(byGoal(checks, "(in-memory)")).toMatchObject({ measured: "0.10 ms (7 errors)", pass: false });
  });

  it("fails RSS growth of 10% or more over the soak, per gateway", () => {
    const checks = checkGoals(
      results({ soaks: [soak("gateway", 100, 109.9), soak("gatewayRedis", 100, 110)] }),
    );
    const rss = checks.filter((check) => check.goal.startsWith("RSS growth"));
    expect(rss.map((check) => [check.measured, check.pass])).toEqual([
      ["9.9 %", true],
      ["10.0 %", false],
    ]);
  });
});

describe("renderReport", () => {
  it("puts every system beside the direct baseline with the latency it adds", () => {
    const report = renderReport(results());
    expect(report).toContain(
      "| Non-streaming | Direct to upstream (baseline) | This gateway, in-memory | This gateway, keys + Redis limits | Portkey gateway 1.15.2 |",
    );
    expect(report).toContain("| c=1 p50 ms | 0.10 | 0.35 (+0.25) | 0.90 (+0.80) | 0.80 (+0.70) |");
    expect(report).toContain("| c=64 req/s | 50,000 | 11,000 | 4,800 | 2,500 |");
    expect(report).toContain("| first byte p50 ms | 0.05 | 0.30 (+0.25) | 0.70 (+0.65) | 28.60 (+28.55) |");
    expect(report).toContain("| RSS growth | 5.0 % | 9.0 % |");
    expect(report).toContain("2 cores (test CPU)");
  });

  it("marks failed targets and lists the first error of a system that failed", () => {
    const failing = results({
      high: { gateway: { ...measurement(4, 60, 2000, 3), firstError: "HTTP 502: upstream down" } },
    });
    const report = renderReport(failing);
    expect(report).toMatch(
      /\| p99 latency at concurrency 64 vs Portkey \| 60\.00 ms vs 50\.00 ms \(3 errors\) \| .* \| \*\*fail\*\* \|/,
    );
    expect(report).toContain("- gateway at c=64: HTTP 502: upstream down");
  });
});

describe("markdownTable", () => {
  it("escapes pipes in cells and refuses rows that do not match the header", () => {
    expect(markdownTable(["a", "b"], [["x|y", "z"]])).toBe("| a | b |\n| --- | --- |\n| x\\|y | z |");
    expect(() => markdownTable(["a", "b"], [["only one"]])).toThrow(/row has 1 cells, the header 2/);
  });
});

describe("parseBenchOptions", () => {
  it("uses the defaults and accepts a short soak", () => {
    expect(parseBenchOptions([])).toEqual(BENCH_DEFAULTS);
    expect(parseBenchOptions(["--soak-seconds", "30", "--duration-seconds=3"])).toEqual({
      ...BENCH_DEFAULTS,
      soakSeconds: 30,
      durationSeconds: 3,
    });
  });

  it("names every bad option at once", () => {
    expect(() => parseBenchOptions(["--duration-seconds", "0", "--soak-seconds", "soon"])).toThrow(
      /--duration-seconds must be a number of seconds >= 1, got "0"\n--soak-seconds must be .* got "soon"/,
    );
    expect(() => parseBenchOptions(["--seconds", "3"])).toThrow(/Unknown option '--seconds'/);
  });
});
