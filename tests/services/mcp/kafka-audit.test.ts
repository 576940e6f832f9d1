import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { Counter } from "prom-client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { AuditRecord } from "../../../services/mcp/src/audit";
import { parseConfig } from "../../../services/mcp/src/config";
import { type KafkaAuditOptions, KafkaAuditSink } from "../../../services/mcp/src/kafka/kafka-audit-sink";
import { createMetrics, type Metrics } from "../../../services/mcp/src/metrics";
import { freePort } from "../../harness/test-servers";
import { type FakeKafkaBridge, startFakeKafkaBridge } from "./support/fake-kafka-bridge";
import { connectClient } from "./support/mcp-client";
import { type Replica, startReplica } from "./support/start-replica";

const TOPIC = "mcp.audit";
let bridge: FakeKafkaBridge;
let downBridgeUrl: string;
const sinks: KafkaAuditSink[] = [];

beforeAll(async () => {
  bridge = await startFakeKafkaBridge([TOPIC]);
  downBridgeUrl = `http://127.0.0.1:${await freePort()}`; // nothing listens there
});
afterEach(async () => {
  bridge.release();
  await Promise.all(sinks.splice(0).map((sink) => sink.close()));
  bridge.reset();
});
afterAll(async () => {
  await bridge?.close();
});

function record(caller: string, index: number): AuditRecord {
  return {
    type: "audit",
    time: new Date(1_700_000_000_000 + index).toISOString(),
    caller,
    tool: "knowledge_search",
    argumentsSha256: String(index).padStart(64, "0"),
    durationMs: index,
    outcome: "ok",
  };
}

/** A sink with test-sized timings; `metrics` and `logs` are where its counts and log lines land. */
function sink(overrides: Partial<KafkaAuditOptions> = {}) {
  const metrics = createMetrics();
  const logs: Record<string, unknown>[] = [];
  const created = new KafkaAuditSink({
    bridgeUrl: bridge.url,
    topic: TOPIC,
    flushIntervalMs: 60_000,
    batchSize: 100,
    maxQueueRecords: 1000,
    maxAttempts: 5,
    retryBackoffMs: 5,
    requestTimeoutMs: 2000,
    shutdownTimeoutMs: 2000,
    metrics,
    log: (line) => logs.push(line),
    ...overrides,
  });
  sinks.push(created);
  return { sink: created, metrics, logs };
}

async function total(counter: Counter<string>, labels: Record<string, string> = {}): Promise<number> {
  const { values } = await counter.get();
  return values
    .filter((value) => Object.entries(labels).every(([key, label]) => value.labels[key] === label))
    .reduce((sum, value) => sum + value.value, 0);
}

const dropped = (metrics: Metrics, reason: string) => total(metrics.auditKafkaDropped, { reason });
const poll = { timeout: 3000, interval: 10 };

describe("audit records to Kafka through the bridge", () => {
  it("sends a batch as soon as batchSize records wait, keyed by caller, in the bridge's JSON format", async () => {
    const { sink: subject, metrics } = sink({ batchSize: 3 });
    const sent = [record("alice", 1), record("bob", 2), record("alice", 3)];
    for (const item of sent) subject.enqueue(item);
    await expect.poll(() => total(metrics.auditKafkaSent), poll).toBe(3);
    expect(bridge.requests).toEqual([{ topic: TOPIC, count: 3, status: 200 }]);
    expect(bridge.records.map(({ key, value }) => ({ key, value }))).toEqual(
      sent.map((item) => ({ key: item.caller, value: item })),
    );
    // One caller's records share a partition, in order.
    const alice = bridge.records.filter((stored) => stored.key === "alice");
    expect(alice[0]?.partition).toBe(alice[1]?.partition);
    expect(alice[1]?.offset).toBe((alice[0]?.offset ?? 0) + 1);
  });

  it("sends what waits every flushIntervalMs", async () => {
    const { sink: subject } = sink({ flushIntervalMs: 30 });
    subject.enqueue(record("alice", 1));
    subject.enqueue(record("alice", 2));
    expect(bridge.records).toEqual([]);
    await expect.poll(() => bridge.records.length, poll).toBe(2);
    expect(bridge.requests).toHaveLength(1);
  });

  it("retries a batch after a 5xx, then delivers it once", async () => {
    const { sink: subject, metrics } = sink({ batchSize: 2 });
    bridge.failNext(1, 503);
    subject.enqueue(record("alice", 1));
    subject.enqueue(record("alice", 2));
    await expect.poll(() => bridge.records.length, poll).toBe(2);
    expect(bridge.requests.map((request) => request.status)).toEqual([503, 200]);
    expect(await total(metrics.auditKafkaFailures, { kind: "request" })).toBe(1);
    expect(await total(metrics.auditKafkaDropped)).toBe(0);
  });

  it("retries only the records the broker failed inside a 200", async () => {
    const { sink: subject, metrics } = sink({ batchSize: 3 });
    bridge.failRecordsNext([1], 500);
    for (const index of [1, 2, 3]) subject.enqueue(record("alice", index));
    await expect.poll(() => bridge.records.length, poll).toBe(3);
    expect(bridge.requests.map((request) => request.count)).toEqual([3, 1]);
    expect(bridge.records.map((stored) => (stored.value as AuditRecord).durationMs)).toEqual([1, 3, 2]);
    expect(await total(metrics.auditKafkaFailures, { kind: "record" })).toBe(1);
  });

  it("gives up at once on a 4xx (an unknown topic will not appear by retrying) and says why", async () => {
    const { sink: subject, metrics, logs } = sink({ topic: "no.such.topic", batchSize: 2 });
    subject.enqueue(record("alice", 1));
    subject.enqueue(record("alice", 2));
    await expect.poll(() => dropped(metrics, "rejected"), poll).toBe(2);
    expect(bridge.requests).toEqual([{ topic: "no.such.topic", count: 2, status: 404 }]);
    expect(logs).toEqual([
      expect.objectContaining({
        event: "dropped",
        reason: "rejected",
        records: 2,
        detail: "bridge answered 404: The specified topic was not found.",
      }),
    ]);
  });

  it("with the bridge down, gives a batch up after maxAttempts with backoff", async () => {
    const { sink: subject, metrics } = sink({ bridgeUrl: downBridgeUrl, batchSize: 2, maxAttempts: 3 });
    const started = performance.now();
    subject.enqueue(record("alice", 1));
    subject.enqueue(record("alice", 2));
    expect(performance.now() - started).toBeLessThan(20); // enqueue never waits for the network
    await expect.poll(() => dropped(metrics, "undeliverable"), poll).toBe(2);
    expect(await total(metrics.auditKafkaFailures, { kind: "request" })).toBe(3);
  });

  it("bounds the queue: when full the oldest record goes, counted and logged once", async () => {
    const { sink: subject, metrics, logs } = sink({ batchSize: 2, maxQueueRecords: 4 });
    bridge.hold();
    subject.enqueue(record("alice", 1));
    subject.enqueue(record("alice", 2)); // this batch is in flight, held by the bridge
    await expect.poll(() => bridge.received(), poll).toBe(1);
    for (const index of [3, 4, 5, 6, 7, 8]) subject.enqueue(record("alice", index));
    expect(await dropped(metrics, "queue_full")).toBe(2);
    expect((await metrics.auditKafkaQueued.get()).values[0]?.value).toBe(4);
    bridge.release();
    await expect.poll(() => bridge.records.length, poll).toBe(6);
    expect(bridge.records.map((stored) => (stored.value as AuditRecord).durationMs)).toEqual([
      1, 2, 5, 6, 7, 8,
    ]);
    expect(logs.filter((line) => line.reason === "queue_full")).toHaveLength(1);
  });

  it("flushes what is queued on close, and takes nothing after", async () => {
    const { sink: subject, metrics } = sink();
    for (const index of [1, 2, 3, 4, 5]) subject.enqueue(record("alice", index));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(bridge.records).toEqual([]);
    await subject.close();
    expect(bridge.records).toHaveLength(5);
    subject.enqueue(record("alice", 6));
    expect(await dropped(metrics, "shutdown")).toBe(1);
  });

  it("closes within shutdownTimeoutMs when the bridge is down, counting what it gave up", async () => {
    const { sink: subject, metrics } = sink({
      bridgeUrl: downBridgeUrl,
      maxAttempts: 100,
      retryBackoffMs: 1000,
      shutdownTimeoutMs: 200,
    });
    for (const index of [1, 2, 3]) subject.enqueue(record("alice", index));
    const started = performance.now();
    await subject.close();
    expect(performance.now() - started).toBeLessThan(1000);
    expect(await dropped(metrics, "shutdown")).toBe(3);
  });
});

describe("the server's audit with audit.kafka configured", () => {
  let replica: Replica | undefined;
  let client: Client | undefined;
  afterEach(async () => {
    await client?.close();
    await replica?.close();
    client = undefined;
    replica = undefined;
  });

  async function start(kafka: Record<string, unknown>) {
    replica = await startReplica({ audit: { kafka: { bridgeUrl: bridge.url, topic: TOPIC, ...kafka } } });
    client = await connectClient(replica.mcpUrl);
    return { replica, client };
  }

  it("copies every tool call's record to Kafka; the stdout sink keeps them all", async () => {
    const { replica, client } = await start({ flushIntervalMs: 20 });
    await client.callTool({ name: "knowledge_search", arguments: { query: "travel" } });
    await client.callTool({
      name: "document_extract",
      arguments: { content: "# Title\n\nText.", format: "markdown" },
    });
    await client.callTool({ name: "knowledge_search", arguments: {} });
    expect(replica.audit.map((item) => item.outcome)).toEqual(["ok", "ok", "tool_error"]);
    await expect.poll(() => bridge.records.length, poll).toBe(3);
    expect(bridge.records.map((stored) => stored.value)).toEqual(replica.audit);
    expect(bridge.records.map((stored) => stored.key)).toEqual(Array(3).fill("local-developer"));
  });

  it("delivers queued records when the server closes", async () => {
    const { replica, client } = await start({ flushIntervalMs: 60_000 });
    await client.callTool({ name: "knowledge_search", arguments: { query: "travel" } });
    await client.callTool({ name: "knowledge_search", arguments: { query: "hotel" } });
    expect(bridge.records).toEqual([]);
    await client.close();
    await replica.close();
    expect(bridge.records.map((stored) => stored.value)).toEqual(replica.audit);
    expect(replica.audit).toHaveLength(2);
  });

  it("a bridge that hangs or is down neither fails nor holds up tool calls", async () => {
    const search = (query: string) => client?.callTool({ name: "knowledge_search", arguments: { query } });
    bridge.hold(); // accepts the POSTs and never answers: a tool call that waited on it would never finish
    const hung = await start({ flushIntervalMs: 10, batchSize: 1, shutdownTimeoutMs: 100 });
    for (let i = 0; i < 5; i++) expect((await search(`q${i}`))?.isError).toBeFalsy();
    await expect.poll(() => bridge.received(), poll).toBeGreaterThan(0);
    expect(bridge.records).toEqual([]);
    expect(hung.replica.audit).toHaveLength(5);
    await hung.client.close();
    await hung.replica.close();

    const down = await start({
      bridgeUrl: downBridgeUrl,
      flushIntervalMs: 10,
      batchSize: 1,
      shutdownTimeoutMs: 100,
    });
    for (let i = 0; i < 5; i++) expect((await search(`q${i}`))?.isError).toBeFalsy();
    expect(down.replica.audit).toHaveLength(5);
    await expect
      .poll(() => down.replica.metric('mcp_audit_kafka_send_failures_total{kind="request"}'), poll)
      .toBeGreaterThan(0);
  });
});

describe("audit.kafka configuration", () => {
  const base = {
    server: { host: "127.0.0.1", publicUrl: "http://127.0.0.1:8080/mcp" },
    auth: { mode: "none" },
  };

  it("is off by default and fills its batching defaults when set", () => {
    expect(parseConfig(base).audit).toEqual({});
    expect(
      parseConfig({ ...base, audit: { kafka: { bridgeUrl: "http://bridge:8080", topic: TOPIC } } }).audit
        .kafka,
    ).toEqual({
      bridgeUrl: "http://bridge:8080",
      topic: TOPIC,
      flushIntervalMs: 1000,
      batchSize: 200,
      maxQueueRecords: 10_000,
      maxAttempts: 8,
      retryBackoffMs: 250,
      requestTimeoutMs: 10_000,
      shutdownTimeoutMs: 5000,
    });
  });

  it("names every bad key", () => {
    const kafka = (fields: Record<string, unknown>) => () =>
      parseConfig({
        ...base,
        audit: { kafka: { bridgeUrl: "http://bridge:8080", topic: TOPIC, ...fields } },
      });
    expect(kafka({ bridgeUrl: "kafka://bridge", topic: "audit topic" })).toThrow(
      /audit\.kafka\.bridgeUrl: [\s\S]*audit\.kafka\.topic: a Kafka topic name/,
    );
    expect(kafka({ batchSize: 50, maxQueueRecords: 10 })).toThrow(
      "audit.kafka.maxQueueRecords: must be at least batchSize",
    );
  });
});
