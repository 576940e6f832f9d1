import { createHash } from "node:crypto";
import { type Loopback, readBody, serveOnLoopback } from "./loopback";

/** A record as the bridge stored it in a partition of a topic. */
export interface StoredRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly key: unknown;
  readonly value: unknown;
}

/**
 * A stand-in for the Strimzi Kafka Bridge's producer endpoint `POST /topics/{topic}` in the JSON embedded
 * format: checks the content type and the `{"records":[{key?, value}]}` body, answers 200 with
 * `{"offsets":[{"partition","offset"}]}` (content type `application/vnd.kafka.v2+json`), 404 for an unknown
 * topic and 422 for an invalid body with the bridge's `{"error_code","message"}`. Failures are scripted.
 */
export interface FakeKafkaBridge extends Loopback {
  readonly records: StoredRecord[];
  /** Every POST, answered or not: its topic, record count and the status sent back. */
  readonly requests: { topic: string; count: number; status: number }[];
  /** The next `count` POSTs are answered `status` with the bridge's error body. */
  failNext(count: number, status: number): void;
  /** In the next 200, these record indexes come back as per-record errors with `errorCode`. */
  failRecordsNext(indexes: readonly number[], errorCode: number): void;
  /** POSTs that arrived, answered or still held. */
  received(): number;
  /** Holds every answer until `release()` (a bridge that accepted the connection and hangs). */
  hold(): void;
  release(): void;
  /** Forgets records, requests and scripted failures, and releases held answers: a clean bridge per test. */
  reset(): void;
}

const PARTITIONS = 3;
const KAFKA_JSON = "application/vnd.kafka.json.v2+json";

export async function startFakeKafkaBridge(topics: readonly string[]): Promise<FakeKafkaBridge> {
  const records: StoredRecord[] = [];
  const requests: FakeKafkaBridge["requests"] = [];
  const offsets = new Map<string, number>();
  let failures: { count: number; status: number } = { count: 0, status: 500 };
  let recordFailures: { indexes: Set<number>; code: number } | undefined;
  let held: (() => void)[] | undefined;
  let received = 0;

  const release = () => {
    const waiting = held ?? [];
    held = undefined;
    for (const resolve of waiting) resolve();
  };
  const server = await serveOnLoopback(async (request, response) => {
    const text = await readBody(request);
    received++;
    if (held) await new Promise<void>((resolve) => held?.push(resolve));
    const topic = decodeURIComponent(/^\/topics\/([^/]+)$/.exec(request.url ?? "")?.[1] ?? "");
    const answer = (status: number, body: unknown) => {
      const count = (() => {
        try {
          return (JSON.parse(text) as { records: unknown[] }).records.length;
        } catch {
          return 0;
        }
      })();
      requests.push({ topic, count, status });
      response.writeHead(status, { "content-type": "application/vnd.kafka.v2+json" });
      response.end(JSON.stringify(body));
    };
    const error = (status: number, message: string) => answer(status, { error_code: status, message });
    if (request.method !== "POST" || !topic) return error(404, "Not Found");
    if (request.headers["content-type"] !== KAFKA_JSON)
      return error(415, `Unsupported media type ${request.headers["content-type"]}`);
    if (failures.count > 0) {
      failures.count--;
      return error(failures.status, "Kafka producer unavailable");
    }
    if (!topics.includes(topic)) return error(404, "The specified topic was not found.");
    let body: { records?: { key?: unknown; value?: unknown; partition?: unknown }[] };
    try {
      body = JSON.parse(text);
    } catch {
      return error(422, "The record list is not valid.");
    }
    if (!Array.isArray(body.records) || body.records.some((record) => record?.value === undefined))
      return error(422, "The record list is not valid.");
    const failing = recordFailures;
    recordFailures = undefined;
    const results = body.records.map((record, index) => {
      if (failing?.indexes.has(index))
        return { error_code: failing.code, message: "Broker: request timed out" };
      const partition = partitionOf(record.key);
      const slot = `${topic}/${partition}`;
      const offset = offsets.get(slot) ?? 0;
      offsets.set(slot, offset + 1);
      records.push({ topic, partition, offset, key: record.key, value: record.value });
      return { partition, offset };
    });
    answer(200, { offsets: results });
  });

  return {
    ...server,
    records,
    requests,
    failNext(count, status) {
      failures = { count, status };
    },
    failRecordsNext(indexes, code) {
      recordFailures = { indexes: new Set(indexes), code };
    },
    received: () => received,
    hold() {
      held = [];
    },
    release,
    reset() {
      release();
      records.length = 0;
      requests.length = 0;
      offsets.clear();
      received = 0;
      failures = { count: 0, status: 500 };
      recordFailures = undefined;
    },
  };
}

/** Kafka's default partitioner keeps one key on one partition; any stable hash shows the same. */
function partitionOf(key: unknown): number {
  const digest = createHash("sha256")
    .update(JSON.stringify(key ?? null))
    .digest();
  return digest.readUInt32BE(0) % PARTITIONS;
}
