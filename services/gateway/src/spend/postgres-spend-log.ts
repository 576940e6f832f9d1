/**
 * Spend rows written to PostgreSQL in batches by a timer, never by a request: one multi-row INSERT
 * per flush. A failed flush keeps the rows (up to a cap) and tries again on the next tick.
 */
import type { Pool } from "pg";
import type { Logger } from "../observability/log";
import type { SpendFilter, SpendGrouping, SpendLog, SpendRecord, SpendTotal } from "./spend-log";

const FLUSH_INTERVAL_MS = 1000;
const MAX_BATCH = 1000;
const MAX_QUEUED = 200_000;

const COLUMNS = [
  "request_id",
  "created_at",
  "key_id",
  "team_id",
  "user_id",
  "model_group",
  "deployment_id",
  "provider",
  "operation",
  "prompt_tokens",
  "completion_tokens",
  "cost_usd",
  "status",
  "duration_ms",
  "cache_hit",
] as const;
const TYPES = [
  "text",
  "timestamptz",
  "text",
  "text",
  "text",
  "text",
  "text",
  "text",
  "text",
  "int",
  "int",
  "numeric",
  "int",
  "int",
  "bool",
];

const GROUP_COLUMN: Record<SpendGrouping, string> = { model: "model_group", key: "key_id", team: "team_id" };

function row(record: SpendRecord): unknown[] {
  return [
    record.requestId,
    record.createdAt,
    record.keyId ?? null,
    record.teamId ?? null,
    record.userId ?? null,
    record.modelGroup,
    record.deploymentId ?? null,
    record.provider ?? null,
    record.operation,
    record.promptTokens,
    record.completionTokens,
    record.costUsd,
    record.status,
    Math.round(record.durationMs),
    record.cacheHit,
  ];
}

function fromRow(r: Record<string, unknown>): SpendRecord {
  const text = (value: unknown) => (value === null ? undefined : (value as string));
  return {
    requestId: r.request_id as string,
    createdAt: r.created_at as Date,
    keyId: text(r.key_id),
    teamId: text(r.team_id),
    userId: text(r.user_id),
    modelGroup: r.model_group as string,
    deploymentId: text(r.deployment_id),
    provider: text(r.provider),
    operation: r.operation as string,
    promptTokens: r.prompt_tokens as number,
    completionTokens: r.completion_tokens as number,
    costUsd: Number(r.cost_usd),
    status: r.status as number,
    durationMs: r.duration_ms as number,
    cacheHit: r.cache_hit as boolean,
  };
}

export class PostgresSpendLog implements SpendLog {
  private queue: SpendRecord[] = [];
  private flushing: Promise<void> | undefined;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly pool: Pool,
    private readonly logger: Logger,
  ) {
    this.timer = setInterval(() => void this.flush(), FLUSH_INTERVAL_MS).unref();
  }

  record(record: SpendRecord): void {
    this.queue.push(record);
    if (this.queue.length > MAX_QUEUED) {
      const dropped = this.queue.length - MAX_QUEUED;
      this.queue.splice(0, dropped);
      this.logger.log("error", "spend_rows_dropped", {
        dropped,
        reason: "database unavailable for too long",
      });
    }
  }

  flush(): Promise<void> {
    this.flushing ??= this.drain().finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.slice(0, MAX_BATCH);
      // One INSERT ... SELECT FROM unnest(arrays): a single statement whatever the batch size.
      const columns = COLUMNS.map((_, index) => batch.map((record) => row(record)[index]));
      const unnest = COLUMNS.map((_, index) => `$${index + 1}::${TYPES[index]}[]`).join(", ");
      try {
        await this.pool.query(
          `INSERT INTO gateway_spend (${COLUMNS.join(", ")}) SELECT * FROM unnest(${unnest})`,
          columns,
        );
        this.queue.splice(0, batch.length);
      } catch (error) {
        this.logger.log("warn", "spend_flush_failed", {
          queued: this.queue.length,
          error: (error as Error).message,
        });
        return;
      }
    }
  }

  private where(filter: Omit<SpendFilter, "limit">): { sql: string; values: unknown[] } {
    const clauses: string[] = [];
    const values: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      values.push(value);
      clauses.push(sql.replace("?", `$${values.length}`));
    };
    if (filter.keyId) add("key_id = ?", filter.keyId);
    if (filter.teamId) add("team_id = ?", filter.teamId);
    if (filter.modelGroup) add("model_group = ?", filter.modelGroup);
    if (filter.start) add("created_at >= ?", filter.start);
    if (filter.end) add("created_at < ?", filter.end);
    return { sql: clauses.length > 0 ? `WHERE ${clauses.join(" AND ")}` : "", values };
  }

  async logs(filter: SpendFilter): Promise<SpendRecord[]> {
    const { sql, values } = this.where(filter);
    const { rows } = await this.pool.query(
      `SELECT * FROM gateway_spend ${sql} ORDER BY created_at DESC LIMIT $${values.length + 1}`,
      [...values, filter.limit],
    );
    return rows.map(fromRow);
  }

  async report(grouping: SpendGrouping, start?: Date, end?: Date): Promise<SpendTotal[]> {
    const { sql, values } = this.where({ start, end });
    const column = GROUP_COLUMN[grouping];
    const { rows } = await this.pool.query(
      `SELECT ${column} AS "group", count(*)::int AS requests, sum(prompt_tokens)::bigint AS prompt,
         sum(completion_tokens)::bigint AS completion, sum(cost_usd) AS cost
       FROM gateway_spend ${sql} GROUP BY ${column} ORDER BY cost DESC`,
      values,
    );
    return rows.map((r) => ({
      group: r.group,
      requests: r.requests,
      promptTokens: Number(r.prompt),
      completionTokens: Number(r.completion),
      costUsd: Number(r.cost),
    }));
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
