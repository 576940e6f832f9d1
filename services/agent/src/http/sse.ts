/**
 * Server-sent events for run streams. Each event is named (`event: model.delta`) and its JSON data
 * repeats the name as `type`, so clients that read only `data:` (the openai SDK's stream) still see it.
 */
import { once } from "node:events";
import type { ServerResponse } from "node:http";

const KEEP_ALIVE_MS = 15_000;

export interface SseWriter {
  send(type: string, data: Record<string, unknown>): Promise<void>;
  end(): void;
  readonly closed: boolean;
}

export function openSse(response: ServerResponse, headers: Record<string, string> = {}): SseWriter {
  response.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache",
    connection: "keep-alive",
    "x-accel-buffering": "no",
    ...headers,
  });
  response.flushHeaders();
  let closed = false;
  response.once("close", () => {
    closed = true;
    clearInterval(keepAlive);
  });
  // Proxies drop idle connections; a comment line keeps a long tool call's stream open.
  const keepAlive = setInterval(() => {
    if (!closed) response.write(": keep-alive\n\n");
  }, KEEP_ALIVE_MS);
  keepAlive.unref();
  return {
    get closed() {
      return closed;
    },
    async send(type, data) {
      if (closed) return;
      const ok = response.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
      if (!ok) await Promise.race([once(response, "drain"), once(response, "close")]);
    },
    end() {
      clearInterval(keepAlive);
      if (!closed) response.end();
    },
  };
}
