import { Agent, request } from "undici";

/** One Kafka record as the bridge's JSON embedded format takes it. */
export interface BridgeRecord {
  readonly key: string;
  readonly value: unknown;
}

/** A record the bridge answered with an error inside a 200 (the broker refused that one record). */
export interface FailedRecord {
  readonly index: number;
  readonly code: number;
  readonly message: string;
}

/**
 * One POST's result. `retry`: the bridge or the network failed (5xx, 408, 429, connection, timeout), the same
 * records may succeed later. `rejected`: any other 4xx (unknown topic, invalid records), they never will.
 */
export type SendOutcome =
  | { readonly kind: "sent"; readonly failed: readonly FailedRecord[] }
  | { readonly kind: "retry"; readonly reason: string }
  | { readonly kind: "rejected"; readonly reason: string };

export interface BridgeProducerOptions {
  /** Base URL of the Strimzi Kafka Bridge's HTTP API, e.g. `http://audit-bridge-service.kafka.svc:8080`. */
  readonly bridgeUrl: string;
  readonly topic: string;
  readonly requestTimeoutMs: number;
}

/** The JSON embedded format: keys and values are JSON, not base64. */
const CONTENT_TYPE = "application/vnd.kafka.json.v2+json";
const ACCEPT = "application/vnd.kafka.v2+json";

/** Produces to one topic through the bridge's `POST /topics/{topic}`, with undici. */
export class KafkaBridgeProducer {
  private readonly url: string;
  private readonly agent = new Agent({ keepAliveTimeout: 30_000 });

  constructor(private readonly options: BridgeProducerOptions) {
    this.url = `${options.bridgeUrl.replace(/\/+$/, "")}/topics/${encodeURIComponent(options.topic)}`;
  }

  async send(records: readonly BridgeRecord[], abort?: AbortSignal): Promise<SendOutcome> {
    const timeout = AbortSignal.timeout(this.options.requestTimeoutMs);
    let response: Awaited<ReturnType<typeof request>>;
    try {
      response = await request(this.url, {
        method: "POST",
        dispatcher: this.agent,
        headers: { "content-type": CONTENT_TYPE, accept: ACCEPT },
        body: JSON.stringify({ records }),
        signal: abort ? AbortSignal.any([abort, timeout]) : timeout,
      });
    } catch (error) {
      return { kind: "retry", reason: `bridge unreachable: ${(error as Error).message}` };
    }
    const text = await response.body.text().catch(() => "");
    const status = response.statusCode;
    if (status >= 200 && status < 300) return { kind: "sent", failed: failedRecords(text) };
    const reason = `bridge answered ${status}: ${errorMessage(text)}`;
    return status >= 500 || status === 408 || status === 429
      ? { kind: "retry", reason }
      : { kind: "rejected", reason };
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}

/** `{"offsets":[{"partition","offset"} | {"error_code","message"}]}`: the entries that carry an error. */
function failedRecords(text: string): FailedRecord[] {
  let offsets: unknown;
  try {
    offsets = (JSON.parse(text) as { offsets?: unknown }).offsets;
  } catch {
    return [];
  }
  if (!Array.isArray(offsets)) return [];
  return offsets.flatMap((entry: { error_code?: unknown; message?: unknown; error?: unknown }, index) =>
    typeof entry?.error_code === "number"
      ? [{ index, code: entry.error_code, message: String(entry.message ?? entry.error ?? "") }]
      : [],
  );
}

/** The bridge's `{"error_code","message"}` body, or the start of whatever came back. */
function errorMessage(text: string): string {
  try {
    const body = JSON.parse(text) as { message?: unknown };
    if (typeof body.message === "string") return body.message;
  } catch {
    // not JSON: a proxy's error page, say
  }
  return text.slice(0, 200) || "(empty body)";
}
