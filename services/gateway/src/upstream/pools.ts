/** One keep-alive undici pool per upstream origin, shared by every deployment on that origin. */
import { type Dispatcher, Pool } from "undici";

export interface UpstreamCall {
  readonly url: string;
  readonly method?: "GET" | "POST";
  readonly headers: Record<string, string>;
  readonly body?: string | Buffer | AsyncIterable<Buffer> | NodeJS.ReadableStream;
  /** Milliseconds until response headers arrive. */
  readonly headersTimeoutMs: number;
  /** Milliseconds the body may stay silent between chunks. */
  readonly bodyTimeoutMs: number;
  readonly signal?: AbortSignal;
}

export class UpstreamPools {
  private readonly pools = new Map<string, Pool>();

  constructor(private readonly connectionsPerOrigin = 128) {}

  private pool(origin: string): Pool {
    let pool = this.pools.get(origin);
    if (!pool) {
      pool = new Pool(origin, {
        connections: this.connectionsPerOrigin,
        pipelining: 1,
        keepAliveTimeout: 30_000,
        keepAliveMaxTimeout: 600_000,
      });
      this.pools.set(origin, pool);
    }
    return pool;
  }

  request(call: UpstreamCall): Promise<Dispatcher.ResponseData> {
    const url = new URL(call.url);
    return this.pool(url.origin).request({
      path: `${url.pathname}${url.search}`,
      method: call.method ?? "POST",
      headers: call.headers,
      body: call.body as Dispatcher.DispatchOptions["body"],
      headersTimeout: call.headersTimeoutMs,
      bodyTimeout: call.bodyTimeoutMs,
      signal: call.signal,
    });
  }

  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].map((pool) => pool.close()));
    this.pools.clear();
  }
}
