/**
 * Latency histogram in microseconds: exact below 2,048 µs (where gateway overheads live), then
 * 1,024 buckets per power of two (under 0.1% error), so a long soak costs a fixed ~100 KB.
 */

const EXACT_LIMIT = 2048;
const SUB_BUCKETS = 1024;
/** Values are clamped here: about 35 minutes, far beyond any request timeout. */
const MAX_MICROS = 2 ** 31 - 1;

function bucketOf(micros: number): number {
  if (micros < EXACT_LIMIT) return micros;
  // Shift so that micros >> shift lies in [1024, 2047].
  const shift = 32 - Math.clz32(micros) - 11;
  return EXACT_LIMIT + (shift - 1) * SUB_BUCKETS + ((micros >>> shift) - SUB_BUCKETS);
}

/** The middle of a bucket's value range. */
function bucketMiddle(bucket: number): number {
  if (bucket < EXACT_LIMIT) return bucket;
  const offset = bucket - EXACT_LIMIT;
  const shift = Math.floor(offset / SUB_BUCKETS) + 1;
  const lowest = (SUB_BUCKETS + (offset % SUB_BUCKETS)) * 2 ** shift;
  return lowest + (2 ** shift - 1) / 2;
}

export class LatencyHistogram {
  private readonly counts = new Uint32Array(bucketOf(MAX_MICROS) + 1);
  private total = 0;
  private sumMicros = 0;
  private maxMicros = 0;

  /** Records one latency given in milliseconds (fractions welcome). */
  recordMs(milliseconds: number): void {
    if (!Number.isFinite(milliseconds) || milliseconds < 0)
      throw new RangeError(`latency must be a finite, non-negative number of ms, got ${milliseconds}`);
    const micros = Math.min(Math.round(milliseconds * 1000), MAX_MICROS);
    const bucket = bucketOf(micros);
    this.counts[bucket] = (this.counts[bucket] ?? 0) + 1;
    this.total += 1;
    this.sumMicros += micros;
    this.maxMicros = Math.max(this.maxMicros, micros);
  }

  get count(): number {
    return this.total;
  }

  meanMs(): number {
    return this.total === 0 ? Number.NaN : this.sumMicros / this.total / 1000;
  }

  maxMs(): number {
    return this.total === 0 ? Number.NaN : this.maxMicros / 1000;
  }

  /** Nearest-rank percentile in ms (`percent` in (0, 100]); NaN when nothing was recorded. */
  percentileMs(percent: number): number {
    if (!(percent > 0 && percent <= 100))
      throw new RangeError(`percentile must be in (0, 100], got ${percent}`);
    if (this.total === 0) return Number.NaN;
    const rank = Math.ceil((percent / 100) * this.total);
    let seen = 0;
    for (let bucket = 0; bucket < this.counts.length; bucket++) {
      seen += this.counts[bucket] ?? 0;
      if (seen >= rank) return Math.min(bucketMiddle(bucket), this.maxMicros) / 1000;
    }
    return this.maxMicros / 1000;
  }
}
