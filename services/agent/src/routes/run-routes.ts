/**
 * POST /v1/agents/{name}/runs (a named agent), POST /v1/runs (routed, or `agent` in the body) and
 * POST /v1/runs/{id}/confirm (approve or deny the tool call a paused run waits on).
 */

import type { IncomingMessage, ServerResponse } from "node:http";
import { readJsonObject } from "../http/body";
import { invalidRequest } from "../http/errors";
import { confirmBodySchema, parseBody, runBodySchema } from "./request-schemas";
import type { AppContext, Route } from "./route";
import { respondWithRun } from "./run-response";

async function startRun(
  context: AppContext,
  request: IncomingMessage,
  response: ServerResponse,
  agent: string | undefined,
): Promise<void> {
  const caller = await context.authenticate(request);
  const body = parseBody(runBodySchema, await readJsonObject(request, context.config.server.maxBodyBytes));
  if (agent !== undefined && body.agent !== undefined)
    throw invalidRequest(
      "'agent' is only accepted on POST /v1/runs; the path already names the agent.",
      "unknown_parameter",
      "agent",
    );
  const limit = context.config.server.maxInputChars;
  if (body.input.length > limit)
    throw invalidRequest(
      `input is ${body.input.length} characters long; the limit is ${limit}.`,
      "input_too_long",
      "input",
    );
  const prepared = await context.runs.prepareStart({
    caller,
    agent: agent ?? body.agent,
    input: body.input,
    sessionId: body.session_id,
  });
  await respondWithRun(context, response, prepared, body.stream);
}

export const RUN_ROUTES: readonly Route[] = [
  {
    method: "POST",
    pattern: /^\/v1\/agents\/(?<name>[^/]+)\/runs$/,
    name: "agent_runs",
    handle: (context, request, response, params) =>
      startRun(context, request, response, decodeURIComponent(params.name ?? "")),
  },
  {
    method: "POST",
    pattern: /^\/v1\/runs$/,
    name: "runs",
    handle: (context, request, response) => startRun(context, request, response, undefined),
  },
  {
    method: "POST",
    pattern: /^\/v1\/runs\/(?<id>[^/]+)\/confirm$/,
    name: "confirm",
    async handle(context, request, response, params) {
      const caller = await context.authenticate(request);
      const body = parseBody(
        confirmBodySchema,
        await readJsonObject(request, context.config.server.maxBodyBytes),
      );
      const prepared = await context.runs.prepareConfirm(
        caller,
        decodeURIComponent(params.id ?? ""),
        body.confirmation_id,
        body.decision === "approve",
      );
      await respondWithRun(context, response, prepared, body.stream);
    },
  },
];
