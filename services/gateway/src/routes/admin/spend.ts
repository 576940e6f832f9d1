/** Spend queries over the request ledger (PostgreSQL when configured). */
import { invalidRequest } from "../../http/errors";
import type { SpendGrouping, SpendRecord } from "../../spend/spend-log";
import type { Route } from "../route";
import { adminRoute } from "./admin-route";

const MAX_LIMIT = 1000;

function dateParam(url: URL, name: string): Date | undefined {
  const value = url.searchParams.get(name);
  if (!value) return undefined;
  const date = new Date(value);
  if (Number.isNaN(date.getTime()))
    throw invalidRequest(`'${name}' must be an ISO date, e.g. 2026-11-01.`, name);
  return date;
}

const recordView = (record: SpendRecord) => ({
  request_id: record.requestId,
  created_at: record.createdAt.toISOString(),
  key_id: record.keyId ?? null,
  team_id: record.teamId ?? null,
  user_id: record.userId ?? null,
  model: record.modelGroup,
  deployment_id: record.deploymentId ?? null,
  operation: record.operation,
  prompt_tokens: record.promptTokens,
  completion_tokens: record.completionTokens,
  spend: record.costUsd,
  status: record.status,
  duration_ms: record.durationMs,
  cache_hit: record.cacheHit,
});

export const SPEND_ROUTES: readonly Route[] = [
  adminRoute("GET", "/spend/logs", async (context, { url }) => {
    const limit = Number(url.searchParams.get("limit") ?? 100);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT)
      throw invalidRequest(`'limit' must be 1-${MAX_LIMIT}.`, "limit");
    await context.spend.flush();
    const records = await context.spend.logs({
      keyId: url.searchParams.get("key_id") ?? undefined,
      teamId: url.searchParams.get("team_id") ?? undefined,
      modelGroup: url.searchParams.get("model") ?? undefined,
      start: dateParam(url, "start_date"),
      end: dateParam(url, "end_date"),
      limit,
    });
    return [200, { data: records.map(recordView) }];
  }),
  adminRoute("GET", "/spend/report", async (context, { url }) => {
    const groupBy = url.searchParams.get("group_by") ?? "model";
    if (!["model", "key", "team"].includes(groupBy))
      throw invalidRequest("'group_by' must be model, key or team.", "group_by");
    await context.spend.flush();
    const totals = await context.spend.report(
      groupBy as SpendGrouping,
      dateParam(url, "start_date"),
      dateParam(url, "end_date"),
    );
    return [
      200,
      {
        group_by: groupBy,
        data: totals.map((total) => ({
          [groupBy]: total.group,
          requests: total.requests,
          prompt_tokens: total.promptTokens,
          completion_tokens: total.completionTokens,
          spend: total.costUsd,
        })),
      },
    ];
  }),
];
