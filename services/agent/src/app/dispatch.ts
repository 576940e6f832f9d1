/** Finds the route for a request; unknown paths are 404, known paths with another method 405. */
import type { IncomingMessage, ServerResponse } from "node:http";
import { AgentError, notFound } from "../http/errors";
import { sendError } from "../http/respond";
import type { AppContext, Route } from "../routes/route";

export function buildDispatcher(routes: readonly Route[]) {
  return async (context: AppContext, request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const path = new URL(request.url ?? "/", "http://localhost").pathname;
    let label = "other";
    response.once("finish", () =>
      context.metrics.httpRequests.inc({ route: label, status: String(response.statusCode) }),
    );
    try {
      const matching = routes.flatMap((route) => {
        const match = route.pattern.exec(path);
        return match ? [{ route, params: { ...match.groups } }] : [];
      });
      const found = matching.find((candidate) => candidate.route.method === request.method);
      if (!found) {
        request.resume();
        if (matching.length === 0)
          throw notFound(`No route for ${request.method} ${path}.`, "route_not_found");
        const allow = [...new Set(matching.map((candidate) => candidate.route.method))].join(", ");
        throw new AgentError(
          405,
          "invalid_request_error",
          `${request.method} is not allowed on ${path}; use ${allow}.`,
          "method_not_allowed",
          null,
          { allow },
        );
      }
      label = found.route.name;
      await found.route.handle(context, request, response, found.params as Record<string, string>);
    } catch (error) {
      if (!(error instanceof AgentError)) {
        context.metrics.errors.inc({ kind: "internal" });
        context.logger.log("error", "request_failed", { route: label, error: (error as Error).message });
      }
      sendError(response, error);
    }
  };
}
