/** Admin handlers: authenticated as admin, JSON body or query in, `[status, body]` out. */
import type { GatewayContext } from "../../app/gateway-context";
import { authenticateAdmin } from "../../auth/admin-auth";
import type { Limits } from "../../auth/virtual-keys";
import { readJsonObject } from "../../http/body";
import { sendJson } from "../../http/respond";
import { budgetPeriod } from "../../limits/budget-period";
import type { Route } from "../route";

const ADMIN_BODY_LIMIT = 64 * 1024;

type AdminHandler = (
  context: GatewayContext,
  input: { body: Record<string, unknown>; url: URL },
) => Promise<[number, unknown]>;

export function adminRoute(method: "GET" | "POST", path: string, handler: AdminHandler): Route {
  return {
    method,
    paths: [path],
    name: `admin${path.replace(/\//g, "_")}`,
    handler: async (context, request, response, info) => {
      const { config } = context.runtime;
      const identity = await authenticateAdmin(request.headers, config.masterKey, config.adminJwt);
      const body = method === "POST" ? await readJsonObject(request, ADMIN_BODY_LIMIT) : {};
      const [status, result] = await handler(context, { body, url: info.url });
      context.logger.log("info", "admin_action", { path, admin: identity.subject ?? identity.kind, status });
      sendJson(response, status, result);
    },
  };
}

/** LiteLLM's limit fields as stored limits; `null` clears a limit on update. */
export function limitsFrom(input: {
  models?: string[];
  rpm_limit?: number | null;
  tpm_limit?: number | null;
  max_budget?: number | null;
  budget_duration?: string | null;
}): Partial<Limits> {
  const pick = <T>(value: T | null | undefined) => (value === null ? undefined : value);
  const limits: Record<string, unknown> = {};
  if (input.models !== undefined) limits.models = input.models;
  if (input.rpm_limit !== undefined) limits.rpm = pick(input.rpm_limit);
  if (input.tpm_limit !== undefined) limits.tpm = pick(input.tpm_limit);
  if (input.max_budget !== undefined) limits.maxBudgetUsd = pick(input.max_budget);
  if (input.budget_duration !== undefined) limits.budgetDuration = pick(input.budget_duration);
  return limits as Partial<Limits>;
}

/** A key lifetime (`30d`) as an expiry timestamp. */
export function expiryFrom(duration: string | undefined): string | undefined {
  if (!duration) return undefined;
  const now = Date.now();
  const { lengthMs } = budgetPeriod(duration, now);
  return new Date(now + (lengthMs ?? 0)).toISOString();
}
