import { sendJson } from "../http/respond";
import type { Route } from "./route";

export const HEALTH_ROUTES: readonly Route[] = [
  {
    method: "GET",
    paths: ["/health/liveliness", "/health/liveness"],
    name: "health",
    handler: async (_context, _request, response) => sendJson(response, 200, { status: "alive" }),
  },
  {
    method: "GET",
    paths: ["/health/readiness"],
    name: "health",
    /** Ready when every configured store answers; the body says which one does not. */
    handler: async (context, _request, response) => {
      const check = async (probe?: () => Promise<boolean>) =>
        probe ? ((await probe().catch(() => false)) ? "connected" : "disconnected") : "not configured";
      const [redis, postgres] = await Promise.all([
        check(context.health.redis),
        check(context.health.postgres),
      ]);
      const ready = redis !== "disconnected" && postgres !== "disconnected";
      sendJson(response, ready ? 200 : 503, {
        status: ready ? "ready" : "not ready",
        redis,
        postgres,
        models: context.runtime.router.groupNames().length,
      });
    },
  },
  {
    method: "GET",
    paths: ["/metrics"],
    name: "metrics",
    handler: async (context, _request, response) => {
      const body = await context.metrics.registry.metrics();
      response.writeHead(200, { "content-type": context.metrics.registry.contentType });
      response.end(body);
    },
  },
];
