import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import type { Route } from "../app";
import type { AuditSink } from "../audit";
import { hasScopes } from "../auth/caller";
import { HttpError, sendJson } from "../http/http-error";
import { readJsonBody } from "../http/read-body";
import type { FederationRegistry } from "./registry";

const registration = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9_-]{0,40}$/, "lower-case letters, digits, _ and -"),
  url: z.url(),
  allowedTools: z.array(z.string().min(1)).min(1),
  /** Name of a credential declared in the config (`federation.credentials`); admins never send secrets. */
  credential: z.string().optional(),
});

/**
 * The federation admin API, for callers holding the admin scope:
 * GET /admin/servers · POST /admin/servers · POST /admin/servers/{name}/check ·
 * POST /admin/servers/{name}/approve · DELETE /admin/servers/{name}
 */
export function federationAdminRoutes(
  registry: FederationRegistry,
  options: { adminScope: string; credentials: ReadonlySet<string>; audit: AuditSink },
): Route {
  return async (request, response, authenticate) => {
    const path = new URL(request.url ?? "/", "http://localhost").pathname;
    const match = /^\/admin\/servers(?:\/([a-z][a-z0-9_-]*))?(?:\/(check|approve))?$/.exec(path);
    if (!match) return false;
    const caller = await authenticate();
    if (!hasScopes(caller, [options.adminScope])) {
      throw new HttpError(403, "insufficient_scope", `the admin API needs scope ${options.adminScope}`);
    }
    const [, name, action] = match;
    const started = performance.now();
    const result = await handle(request, response, name, action);
    options.audit({
      type: "audit",
      time: new Date().toISOString(),
      caller: caller.id,
      tool: `admin:${request.method} ${path}`,
      argumentsSha256: "",
      durationMs: Math.round(performance.now() - started),
      outcome: "ok",
    });
    return result;
  };

  async function handle(
    request: IncomingMessage,
    response: ServerResponse,
    name?: string,
    action?: string,
  ): Promise<true> {
    if (!name && request.method === "GET") return ok(response, 200, { servers: registry.list() });
    if (!name && request.method === "POST") {
      const parsed = registration.safeParse(await readJsonBody(request, 100_000));
      if (!parsed.success) {
        const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
        throw new HttpError(400, "invalid_registration", problems.join("; "));
      }
      const { credential, ...spec } = parsed.data;
      if (credential && !options.credentials.has(credential)) {
        throw new HttpError(
          400,
          "unknown_credential",
          `no credential named ${credential} in federation.credentials`,
        );
      }
      try {
        await registry.register({ ...spec, credential });
      } catch (error) {
        throw new HttpError(422, "registration_failed", (error as Error).message);
      }
      return ok(
        response,
        201,
        registry.list().find((server) => server.name === spec.name),
      );
    }
    if (name && !action && request.method === "DELETE") {
      if (!(await registry.remove(name))) throw notFound(name);
      return ok(response, 200, { removed: name });
    }
    if (name && action === "check" && request.method === "POST") {
      if (!(await registry.checkServer(name))) throw notFound(name);
      return ok(
        response,
        200,
        registry.list().find((server) => server.name === name),
      );
    }
    if (name && action === "approve" && request.method === "POST") {
      const body = z
        .object({ tools: z.array(z.string()).optional() })
        .safeParse(await readJsonBody(request, 10_000).catch(() => ({})));
      if (!body.success) throw new HttpError(400, "invalid_request", 'expected {"tools": [names]}');
      try {
        return ok(response, 200, { approved: await registry.approve(name, body.data.tools) });
      } catch {
        throw notFound(name);
      }
    }
    throw new HttpError(405, "method_not_allowed", `${request.method} is not supported on ${request.url}`);
  }
}

function ok(response: ServerResponse, status: number, body: unknown): true {
  sendJson(response, status, body);
  return true;
}

function notFound(name: string): HttpError {
  return new HttpError(404, "unknown_server", `no remote server named ${name}`);
}
