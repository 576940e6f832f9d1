import { setTimeout as sleep } from "node:timers/promises";
import type { AuditRecord, AuditSink } from "../audit";
import type { Metrics } from "../metrics";
import { type BridgeProducerOptions, KafkaBridgeProducer } from "./bridge-producer";

export interface KafkaAuditOptions extends BridgeProducerOptions {
  /** Longest a record waits before its batch is sent. */
  readonly flushIntervalMs: number;
  /** A batch is sent as soon as this many records wait; also the most records per POST. */
  readonly batchSize: number;
  /** Records waiting beyond this push the oldest out (counted as `queue_full`). */
  readonly maxQueueRecords: number;
  /** Tries per batch on 5xx and connection errors before it is given up (`undeliverable`). */
  readonly maxAttempts: number;
  /** First retry delay; doubled per attempt up to `MAX_BACKOFF_MS`, with jitter. */
  readonly retryBackoffMs: number;
  /** How long `close` keeps delivering what is queued before it gives the rest up (`shutdown`). */
  readonly shutdownTimeoutMs: number;
  readonly metrics: Pick<
    Metrics,
    "auditKafkaSent" | "auditKafkaDropped" | "auditKafkaFailures" | "auditKafkaQueued"
  >;
  readonly log: (line: Record<string, unknown>) => void;
}

const MAX_BACKOFF_MS = 10_000;

/**
 * Audit records to Kafka through the Strimzi Kafka Bridge, off the request path: `enqueue` only appends to
 * a bounded queue; batches leave on a timer or when full, one POST at a time, keyed by caller (one caller's
 * records stay in order on one partition). Stdout keeps every record regardless: Kafka is the convenient
 * copy, the log pipeline the record of last resort.
 */
export class KafkaAuditSink {
  readonly sink: AuditSink = (record) => this.enqueue(record);
  private readonly producer: KafkaBridgeProducer;
  private readonly queue: AuditRecord[] = [];
  private readonly stop = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private flushing?: Promise<void>;
  private closed = false;
  /** Set after a drop is logged, cleared by the next delivery: one log line per overflow, not per record. */
  private overflowing = false;

  constructor(private readonly options: KafkaAuditOptions) {
    this.producer = new KafkaBridgeProducer(options);
    this.timer = setInterval(() => {
      if (this.queue.length > 0) void this.flush();
    }, options.flushIntervalMs);
    this.timer.unref();
  }

  enqueue(record: AuditRecord): void {
    if (this.closed) {
      this.drop(1, "shutdown");
      return;
    }
    if (this.queue.length >= this.options.maxQueueRecords) {
      this.queue.shift();
      this.drop(1, "queue_full");
    }
    this.queue.push(record);
    this.options.metrics.auditKafkaQueued.set(this.queue.length);
    if (this.queue.length >= this.options.batchSize) void this.flush();
  }

  /** Sends everything queued (one flush at a time); resolves when the queue is empty or given up. */
  flush(): Promise<void> {
    this.flushing ??= this.drain().finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  /** Stops taking records and delivers the queue, for at most `shutdownTimeoutMs`. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    const deadline = setTimeout(() => this.stop.abort(), this.options.shutdownTimeoutMs);
    try {
      await this.flush();
    } finally {
      clearTimeout(deadline);
      this.drop(this.queue.splice(0).length, "shutdown");
      await this.producer.close();
    }
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0 && !this.stop.signal.aborted) {
      const batch = this.queue.splice(0, this.options.batchSize);
      this.options.metrics.auditKafkaQueued.set(this.queue.length);
      await this.deliver(batch).catch((error: Error) => {
        this.drop(batch.length, "undeliverable", error.message);
      });
    }
  }

  /** Sends `batch`, retrying what may succeed later; whatever is given up is counted and logged. */
  private async deliver(batch: readonly AuditRecord[]): Promise<void> {
    let pending = batch;
    for (let attempt = 1; pending.length > 0; attempt++) {
      const outcome = await this.producer.send(
        pending.map((record) => ({ key: record.caller, value: record })),
        this.stop.signal,
      );
      if (outcome.kind === "rejected") return this.drop(pending.length, "rejected", outcome.reason);
      let reason: string;
      if (outcome.kind === "sent") {
        const failed = outcome.failed.filter((f) => f.index < pending.length);
        const retryable = new Set(failed.filter((f) => f.code >= 500).map((f) => f.index));
        const rejected = failed.filter((f) => f.code < 500);
        this.options.metrics.auditKafkaSent.inc(pending.length - failed.length);
        this.overflowing = false;
        if (rejected.length > 0) this.drop(rejected.length, "rejected", rejected[0]?.message);
        if (retryable.size === 0) return;
        this.options.metrics.auditKafkaFailures.inc({ kind: "record" }, retryable.size);
        pending = pending.filter((_, index) => retryable.has(index));
        reason = failed.find((f) => retryable.has(f.index))?.message ?? "record error";
      } else {
        this.options.metrics.auditKafkaFailures.inc({ kind: "request" });
        reason = outcome.reason;
      }
      if (this.stop.signal.aborted) return this.drop(pending.length, "shutdown", reason);
      if (attempt >= this.options.maxAttempts) return this.drop(pending.length, "undeliverable", reason);
      const backoff = Math.min(MAX_BACKOFF_MS, this.options.retryBackoffMs * 2 ** (attempt - 1));
      const slept = await sleep(backoff * (0.5 + Math.random() / 2), true, {
        signal: this.stop.signal,
      }).catch(() => false);
      if (!slept) return this.drop(pending.length, "shutdown", reason);
    }
  }

  private drop(count: number, reason: string, detail?: string): void {
    if (count === 0) return;
    this.options.metrics.auditKafkaDropped.inc({ reason }, count);
    if (reason === "queue_full") {
      if (this.overflowing) return;
      this.overflowing = true;
    }
    this.options.log({ type: "audit_kafka", event: "dropped", reason, records: count, detail });
  }
}
