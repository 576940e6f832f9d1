/** GET /v1/sessions/{id}, GET /v1/agents, GET /healthz and GET /metrics. */
import { notFound } from "../http/errors";
import { sendJson } from "../http/respond";
import type { Route } from "./route";

export const INFO_ROUTES: readonly Route[] = [
  {
    method: "GET",
    pattern: /^\/v1\/sessions\/(?<id>[^/]+)$/,
    name: "session",
    async handle(context, request, response, params) {
      const caller = await context.authenticate(request);
      const id = decodeURIComponent(params.id ?? "");
      // Sessions are looked up under the caller's own id: another user's session is simply not found.
      const session = await context.sessions.get(caller.user, id);
      if (!session) throw notFound(`No session ${id}.`, "session_not_found");
      sendJson(response, 200, {
        id: session.id,
        object: "agent.session",
        agent: session.agent ?? null,
        created_at: session.createdAt,
        updated_at: session.updatedAt,
        messages: session.messages,
        awaiting_confirmation: session.paused
          ? {
              run_id: session.paused.runId,
              confirmation_id: session.paused.confirmationId,
              tool: session.paused.pendingCalls[0]?.function.name,
            }
          : null,
      });
    },
  },
  {
    method: "GET",
    pattern: /^\/v1\/agents$/,
    name: "agents",
    async handle(context, request, response) {
      await context.authenticate(request);
      const data = [...context.config.profiles.values()].map((profile) => ({
        name: profile.name,
        object: "agent",
        description: profile.description,
        model: profile.model,
        output_format: profile.outputFormat,
      }));
      sendJson(response, 200, { object: "list", data });
    },
  },
  {
    method: "GET",
    pattern: /^\/healthz$/,
    name: "healthz",
    async handle(context, _request, response) {
      const sessionsOk = await context.sessions.ping();
      sendJson(response, sessionsOk ? 200 : 503, {
        status: sessionsOk ? "ok" : "degraded",
        sessions: { store: context.sessions.kind, ok: sessionsOk },
      });
    },
  },
  {
    method: "GET",
    pattern: /^\/metrics$/,
    name: "metrics",
    async handle(context, _request, response) {
      const body = await context.metrics.registry.metrics();
      response.writeHead(200, { "content-type": context.metrics.registry.contentType });
      response.end(body);
    },
  },
];
