/**
 * Closed-loop load: `concurrency` workers, each sending its next request as soon as the previous
 * answer is fully read, over one keep-alive undici pool per target. Latency is the full answer for
 * plain requests and the first body byte for streams.
 */
import { performance } from "node:perf_hooks";
import { Pool } from "undici";
import { LatencyHistogram } from "./histogram";

export interface RequestSpec {
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** An SSE stream: latency is time to first byte, and the answer must end with `[DONE]`. */
  readonly stream: boolean;
}

export interface LoadOptions {
  readonly concurrency: number;
  readonly durationMs: number;
}

export interface LoadResult {
  readonly concurrency: number;
  /** Successful answers. */
  readonly requests: number;
  readonly errors: number;
  /** The first failure, to tell a broken target from a slow one. */
  readonly firstError?: string;
  readonly elapsedMs: number;
  readonly histogram: LatencyHistogram;
}

const GIVE_UP_AFTER_ERRORS = 1000;

/** Keep-alive connections to one target; reused across load levels so connections stay warm. */
export class LoadClient {
  private readonly pool: Pool;

  constructor(origin: string, maxConnections = 64) {
    this.pool = new Pool(origin, {
      connections: maxConnections,
      pipelining: 1,
      keepAliveTimeout: 60_000,
      keepAliveMaxTimeout: 600_000,
    });
  }

  /** One request; resolves with the latency in ms or throws with the reason it failed. */
  async send(spec: RequestSpec): Promise<number> {
    const started = performance.now();
    const response = await this.pool.request({
      path: spec.path,
      method: "POST",
      headers: spec.headers,
      body: spec.body,
    });
    if (response.statusCode !== 200) {
      const text = await response.body.text();
      throw new Error(`HTTP ${response.statusCode}: ${text.slice(0, 300)}`);
    }
    if (!spec.stream) {
      await response.body.arrayBuffer();
      return performance.now() - started;
    }
    let firstByteMs: number | undefined;
    let tail = "";
    for await (const chunk of response.body) {
      firstByteMs ??= performance.now() - started;
      tail = (tail + (chunk as Buffer).toString("utf8")).slice(-64);
    }
    if (firstByteMs === undefined || !tail.includes("[DONE]"))
      throw new Error(`stream ended without [DONE] (last bytes: ${JSON.stringify(tail)})`);
    return firstByteMs;
  }

  /** Sends `specs` in turn (one after another per worker) until the duration is over. */
  async run(specs: readonly RequestSpec[], options: LoadOptions): Promise<LoadResult> {
    if (specs.length === 0) throw new Error("run needs at least one request spec");
    const histogram = new LatencyHistogram();
    let errors = 0;
    let firstError: string | undefined;
    let sent = 0;
    const started = performance.now();
    const deadline = started + options.durationMs;
    const worker = async () => {
      // A target that fails at once would otherwise spin; its first error is what matters.
      while (performance.now() < deadline && errors < GIVE_UP_AFTER_ERRORS) {
        const spec = specs[sent++ % specs.length] as RequestSpec;
        try {
          histogram.recordMs(await this.send(spec));
        } catch (error) {
          errors++;
          firstError ??= (error as Error).message;
        }
      }
    };
    await Promise.all(Array.from({ length: options.concurrency }, worker));
    return {
      concurrency: options.concurrency,
      requests: histogram.count,
      errors,
      firstError,
      elapsedMs: performance.now() - started,
      histogram,
    };
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
