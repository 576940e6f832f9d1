/**
 * Stands in for @hono/node-server when Portkey's build/start-server.js imports it (see
 * portkey-process.ts). Portkey calls serve({ fetch: app.fetch, port }), which binds every interface;
 * here the same app is served on 127.0.0.1 only, on a free port reported to the bench parent.
 */
import { serve as honoServe } from "@hono/node-server";

export * from "@hono/node-server";

export function serve(options, listeningListener) {
  return honoServe({ ...options, hostname: "127.0.0.1", port: 0 }, (info) => {
    process.send?.({ type: "ready", url: `http://127.0.0.1:${info.port}` });
    listeningListener?.(info);
  });
}
