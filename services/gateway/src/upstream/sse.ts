/** A server-sent events reader: bytes in, events out, split across chunks however the network splits them. */
import type { SseEvent } from "../providers/types";

export async function* readSseEvents(body: AsyncIterable<Buffer | Uint8Array>): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder();
  let buffer = "";
  let eventName: string | undefined;
  let data: string[] = [];
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true });
    let newline = buffer.indexOf("\n");
    while (newline !== -1) {
      let line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      if (line.endsWith("\r")) line = line.slice(0, -1);
      if (line === "") {
        if (data.length > 0) yield { event: eventName, data: data.join("\n") };
        eventName = undefined;
        data = [];
      } else if (line.startsWith("data:")) {
        data.push(line.slice(line.charCodeAt(5) === 32 ? 6 : 5));
      } else if (line.startsWith("event:")) {
        eventName = line.slice(6).trim();
      }
      newline = buffer.indexOf("\n");
    }
  }
  if (data.length > 0) yield { event: eventName, data: data.join("\n") };
}
