/**
 * Writes a chat/completions stream to the client as OpenAI SSE. A failure after the first byte
 * cannot be retried any more: the stream ends with an SSE error event, which the OpenAI SDK raises.
 */
import { once } from "node:events";
import type { ServerResponse } from "node:http";
import type { GatewayContext } from "../app/gateway-context";
import type { ChatCompletionChunk, Usage } from "../providers/types";
import { type OpenedStream, translateEvent } from "../upstream/call";
import { transportFailure } from "../upstream/upstream-failure";

/** Streams longer than this are not cached (a cache entry is one Redis value). */
const MAX_CACHED_CHUNKS = 4096;

export interface StreamOptions {
  readonly opened?: OpenedStream;
  readonly cached?: readonly ChatCompletionChunk[];
  /** The client asked for the usage chunk; the gateway always asks the upstream for it. */
  readonly includeUsage: boolean;
  readonly headers: Record<string, string>;
  /** Called once the stream ended; returns the request's cost for the trailer. */
  readonly onComplete?: (usage: Usage | undefined, chunks: ChatCompletionChunk[], failed: boolean) => number;
}

async function write(response: ServerResponse, text: string): Promise<void> {
  if (!response.write(text)) await Promise.race([once(response, "drain"), once(response, "close")]);
}

const isUsageOnly = (chunk: ChatCompletionChunk) => chunk.choices.length === 0 && chunk.usage != null;

export async function writeStream(
  context: GatewayContext,
  response: ServerResponse,
  options: StreamOptions,
): Promise<void> {
  response.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache",
    connection: "keep-alive",
    trailer: "x-gateway-cost",
    ...options.headers,
  });
  response.flushHeaders();
  const send = async (chunk: ChatCompletionChunk) => {
    if (!options.includeUsage && isUsageOnly(chunk)) return;
    await write(response, `data: ${JSON.stringify(chunk)}\n\n`);
  };

  if (options.cached) {
    for (const chunk of options.cached) await send(chunk);
    await write(response, "data: [DONE]\n\n");
    response.addTrailers({ "x-gateway-cost": "0" });
    response.end();
    return;
  }

  const opened = options.opened as OpenedStream;
  const collected: ChatCompletionChunk[] = [];
  let clientGone = false;
  response.once("close", () => {
    if (!response.writableFinished) {
      clientGone = true;
      opened.cancel();
    }
  });
  const keep = (chunks: ChatCompletionChunk[]) => {
    if (collected.length < MAX_CACHED_CHUNKS) collected.push(...chunks);
  };
  let failed = false;
  try {
    keep(opened.first);
    for (const chunk of opened.first) await send(chunk);
    while (!clientGone) {
      const next = await opened.events.next();
      if (next.done) break;
      const chunks = translateEvent(opened.translator, next.value);
      keep(chunks);
      for (const chunk of chunks) await send(chunk);
    }
  } catch (error) {
    failed = true;
    if (!clientGone) {
      const failure = transportFailure(error);
      context.logger.log("warn", "stream_failed_after_first_byte", {
        kind: failure.kind,
        status: failure.status,
      });
      const body = {
        error: {
          message: `The model stream failed: ${failure.message}`,
          type: "api_error",
          param: null,
          code: "stream_interrupted",
        },
      };
      await write(response, `data: ${JSON.stringify(body)}\n\n`).catch(() => {});
    }
  }
  const cost =
    options.onComplete?.(
      opened.translator.usage(),
      collected.length < MAX_CACHED_CHUNKS ? collected : [],
      failed || clientGone,
    ) ?? 0;
  if (clientGone) return;
  if (!failed) await write(response, "data: [DONE]\n\n").catch(() => {});
  response.addTrailers({ "x-gateway-cost": cost.toFixed(8) });
  response.end();
}
