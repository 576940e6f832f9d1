/**
 * Resident set size of another process, read from Linux's /proc (what the kernel charges it, the
 * figure a container memory limit applies to), sampled on an interval to catch the peak.
 */
import { readFileSync } from "node:fs";

/** RSS of `pid` in bytes. */
export function rssBytes(pid: number): number {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, "utf8");
  } catch (error) {
    throw new Error(`cannot read /proc/${pid}/status (Linux only; is the process alive?): ${error}`);
  }
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  if (!match) throw new Error(`/proc/${pid}/status has no VmRSS line`);
  return Number(match[1]) * 1024;
}

export class RssSampler {
  private readonly timer: NodeJS.Timeout;
  private peak: number;

  constructor(
    private readonly pid: number,
    intervalMs = 1000,
  ) {
    this.peak = rssBytes(pid);
    this.timer = setInterval(() => {
      this.peak = Math.max(this.peak, rssBytes(pid));
    }, intervalMs);
    this.timer.unref();
  }

  /** Stops sampling; returns the highest RSS seen, including a last sample now. */
  stop(): number {
    clearInterval(this.timer);
    return Math.max(this.peak, rssBytes(this.pid));
  }
}
