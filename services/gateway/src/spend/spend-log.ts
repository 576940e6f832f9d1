/** One row per request: who spent what on which model. Recorded off the request path. */
export interface SpendRecord {
  readonly requestId: string;
  readonly createdAt: Date;
  readonly keyId?: string;
  readonly teamId?: string;
  readonly userId?: string;
  readonly modelGroup: string;
  readonly deploymentId?: string;
  readonly provider?: string;
  readonly operation: string;
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly costUsd: number;
  readonly status: number;
  readonly durationMs: number;
  readonly cacheHit: boolean;
}

export interface SpendFilter {
  readonly keyId?: string;
  readonly teamId?: string;
  readonly modelGroup?: string;
  readonly start?: Date;
  readonly end?: Date;
  readonly limit: number;
}

export type SpendGrouping = "model" | "key" | "team";

export interface SpendTotal {
  readonly group: string | null;
  readonly requests: number;
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly costUsd: number;
}

export interface SpendLog {
  /** Queues the record; never waits on storage. */
  record(record: SpendRecord): void;
  /** Writes what is queued (at shutdown, and on a timer). */
  flush(): Promise<void>;
  logs(filter: SpendFilter): Promise<SpendRecord[]>;
  report(grouping: SpendGrouping, start?: Date, end?: Date): Promise<SpendTotal[]>;
  close(): Promise<void>;
}

const matches = (record: SpendRecord, filter: Omit<SpendFilter, "limit">) =>
  (!filter.keyId || record.keyId === filter.keyId) &&
  (!filter.teamId || record.teamId === filter.teamId) &&
  (!filter.modelGroup || record.modelGroup === filter.modelGroup) &&
  (!filter.start || record.createdAt >= filter.start) &&
  (!filter.end || record.createdAt < filter.end);

/**
 * Spend in memory, capped so a long-running single replica does not grow without bound: a ring
 * buffer, so recording stays constant-time once it is full.
 */
export class MemorySpendLog implements SpendLog {
  private readonly ring: SpendRecord[] = [];
  private next = 0;

  constructor(private readonly capacity = 100_000) {}

  record(record: SpendRecord): void {
    if (this.ring.length < this.capacity) this.ring.push(record);
    else this.ring[this.next] = record;
    this.next = (this.next + 1) % this.capacity;
  }

  /** Oldest first. */
  private get records(): SpendRecord[] {
    return this.ring.length < this.capacity
      ? this.ring
      : [...this.ring.slice(this.next), ...this.ring.slice(0, this.next)];
  }

  async flush(): Promise<void> {}

  async logs(filter: SpendFilter): Promise<SpendRecord[]> {
    return this.records
      .filter((record) => matches(record, filter))
      .slice(-filter.limit)
      .reverse();
  }

  async report(grouping: SpendGrouping, start?: Date, end?: Date): Promise<SpendTotal[]> {
    const totals = new Map<string | null, SpendTotal>();
    for (const record of this.records) {
      if (!matches(record, { start, end })) continue;
      const group =
        grouping === "model"
          ? record.modelGroup
          : grouping === "key"
            ? (record.keyId ?? null)
            : (record.teamId ?? null);
      const total = totals.get(group) ?? {
        group,
        requests: 0,
        promptTokens: 0,
        completionTokens: 0,
        costUsd: 0,
      };
      totals.set(group, {
        group,
        requests: total.requests + 1,
        promptTokens: total.promptTokens + record.promptTokens,
        completionTokens: total.completionTokens + record.completionTokens,
        costUsd: total.costUsd + record.costUsd,
      });
    }
    return [...totals.values()].sort((a, b) => b.costUsd - a.costUsd);
  }

  async close(): Promise<void> {}
}
