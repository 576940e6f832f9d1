/** Finds the route for a request and turns every failure into an OpenAI-shaped error response. */
import type { IncomingMessage, ServerResponse } from "node:http";
import { GatewayError } from "../http/errors";
import { sendError } from "../http/respond";
import type { Route } from "../routes/route";
import type { GatewayContext } from "./gateway-context";

export function buildDispatcher(routes: readonly Route[]) {
  const table = new Map<string, Map<string, Route>>();
  for (const route of routes) {
    for (const path of route.paths) {
      const methods = table.get(path) ?? new Map<string, Route>();
      methods.set(route.method, route);
      table.set(path, methods);
    }
  }

  return async (
    context: GatewayContext,
    request: IncomingMessage,
    response: ServerResponse,
  ): Promise<void> => {
    const startedMs = Date.now();
    const startedPerf = performance.now();
    let url: URL;
    try {
      url = new URL(request.url ?? "/", "http://gateway");
    } catch {
      url = new URL("http://gateway/");
    }
    const methods = table.get(url.pathname.replace(/\/+$/, "") || "/");
    const route = methods?.get(request.method ?? "GET");
    const name = route?.name ?? "unknown";
    try {
      if (!methods)
        throw new GatewayError(404, "not_found_error", `No route for ${url.pathname}.`, "unknown_url");
      if (!route) {
        throw new GatewayError(
          405,
          "invalid_request_error",
          `Method ${request.method} is not allowed on ${url.pathname}.`,
          "method_not_allowed",
        );
      }
      await route.handler(context, request, response, { url, startedMs, startedPerf });
    } catch (error) {
      if (!(error instanceof GatewayError)) {
        context.logger.log("error", "unhandled_error", {
          route: name,
          error: (error as Error)?.message ?? String(error),
        });
      }
      // Leave nothing unread on a keep-alive connection.
      if (!request.readableEnded) request.resume();
      sendError(response, error);
    } finally {
      context.metrics.request(name, response.statusCode);
    }
  };
}
