import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LatencyHistogram } from "../../bench/histogram";

/** Nearest-rank percentile of raw values, the definition the histogram approximates. */
function exactPercentile(values: readonly number[], percent: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.ceil((percent / 100) * sorted.length) - 1] as number;
}

function histogramOf(values: readonly number[]): LatencyHistogram {
  const histogram = new LatencyHistogram();
  for (const value of values) histogram.recordMs(value);
  return histogram;
}

/** Whole microseconds, around the exact range's edge as well as far beyond it (fc.double favours tiny values). */
const latencyMs = fc
  .oneof(fc.integer({ min: 0, max: 5_000 }), fc.integer({ min: 0, max: 600_000_000 }))
  .map((micros) => micros / 1000);

describe("LatencyHistogram", () => {
  it("is exact to the microsecond below 2 ms", () => {
    const histogram = histogramOf([0.25, 0.5, 0.75, 1.0, 1.999]);
    expect(histogram.percentileMs(20)).toBe(0.25);
    expect(histogram.percentileMs(50)).toBe(0.75);
    expect(histogram.percentileMs(60)).toBe(0.75);
    expect(histogram.percentileMs(61)).toBe(1.0);
    expect(histogram.percentileMs(100)).toBe(1.999);
    expect(histogram.count).toBe(5);
    expect(histogram.meanMs()).toBeCloseTo((0.25 + 0.5 + 0.75 + 1 + 1.999) / 5, 6);
  });

  it("uses nearest rank: p99 of 100 values is the 99th, not an interpolation", () => {
    const values = Array.from({ length: 100 }, (_, index) => (index + 1) / 100);
    const histogram = histogramOf(values);
    expect(histogram.percentileMs(99)).toBe(0.99);
    expect(histogram.percentileMs(50)).toBe(0.5);
    expect(histogram.maxMs()).toBe(1);
  });

  it("stays within 0.1% of the exact percentile for any latencies up to ten minutes", () => {
    fc.assert(
      fc.property(
        fc.array(latencyMs, { minLength: 1, maxLength: 300 }),
        fc.constantFrom(1, 50, 90, 99, 99.9, 100),
        (values, percent) => {
          const exact = exactPercentile(values, percent);
          const approximate = histogramOf(values).percentileMs(percent);
          expect(Math.abs(approximate - exact)).toBeLessThanOrEqual(Math.max(exact * 0.001, 0.0005));
        },
      ),
    );
  });

  it("never reports more than the largest value recorded", () => {
    const histogram = histogramOf([3.0001, 3.0002]);
    expect(histogram.percentileMs(100)).toBeLessThanOrEqual(3.0002);
  });

  it("has no percentile before anything is recorded, and rejects bad input", () => {
    const histogram = new LatencyHistogram();
    expect(histogram.percentileMs(50)).toBeNaN();
    expect(histogram.meanMs()).toBeNaN();
    expect(() => histogram.percentileMs(0)).toThrow(/percentile must be in \(0, 100\]/);
    expect(() => histogram.percentileMs(101)).toThrow(/percentile/);
    expect(() => histogram.recordMs(-1)).toThrow(/non-negative/);
    expect(() => histogram.recordMs(Number.NaN)).toThrow(/finite/);
  });
});
