/** Virtual key administration: generate (the secret is shown once), list, info, update, revoke. */

import type { GatewayContext } from "../../app/gateway-context";
import type { KeyPatch } from "../../auth/key-store";
import { generateKeySecret, hashKey, newId, type Team, type VirtualKey } from "../../auth/virtual-keys";
import { invalidRequest, notFound } from "../../http/errors";
import { budgetPeriod } from "../../limits/budget-period";
import { validate } from "../../requests/schemas";
import { NANO_PER_USD } from "../../spend/pricing";
import type { Route } from "../route";
import { adminRoute, expiryFrom, limitsFrom } from "./admin-route";
import { deleteKeysSchema, generateKeySchema, updateKeySchema } from "./admin-schemas";

/** A key as the admin API shows it: never the secret or its hash. */
export function keyView(key: VirtualKey) {
  return {
    key_id: key.id,
    key_prefix: key.displayPrefix,
    key_alias: key.alias ?? null,
    team_id: key.teamId ?? null,
    user_id: key.userId ?? null,
    models: key.models ?? [],
    rpm_limit: key.rpm ?? null,
    tpm_limit: key.tpm ?? null,
    max_budget: key.maxBudgetUsd ?? null,
    budget_duration: key.budgetDuration ?? null,
    expires: key.expiresAt ?? null,
    revoked: key.revokedAt !== undefined,
    cache: key.cache ?? null,
    metadata: key.metadata,
    created_at: key.createdAt,
  };
}

async function requireTeam(
  context: GatewayContext,
  teamId: string | null | undefined,
): Promise<Team | undefined> {
  if (!teamId) return undefined;
  const team = await context.keys.findTeam(teamId);
  if (!team) throw invalidRequest(`Team ${teamId} does not exist.`, "team_id", "team_not_found");
  return team;
}

async function spendOf(context: GatewayContext, scope: string, duration: string | undefined) {
  const period = budgetPeriod(duration, Date.now());
  const { spentNano, reservedNano } = await context.state.budgetState(scope, period.startMs);
  return {
    spend: spentNano / NANO_PER_USD,
    reserved: reservedNano / NANO_PER_USD,
    period_start: new Date(period.startMs).toISOString(),
  };
}

export const KEY_ROUTES: readonly Route[] = [
  adminRoute("POST", "/key/generate", async (context, { body }) => {
    const input = validate(generateKeySchema, body);
    await requireTeam(context, input.team_id);
    const secret = generateKeySecret();
    const key: VirtualKey = {
      id: newId("key"),
      hash: hashKey(secret),
      displayPrefix: secret.slice(0, 10),
      alias: input.key_alias,
      teamId: input.team_id,
      userId: input.user_id,
      expiresAt: expiryFrom(input.duration),
      cache: input.cache,
      createdAt: new Date().toISOString(),
      ...limitsFrom(input),
      metadata: input.metadata ?? {},
    };
    await context.keys.createKey(key);
    return [200, { key: secret, ...keyView(key) }];
  }),
  adminRoute("POST", "/key/update", async (context, { body }) => {
    const input = validate(updateKeySchema, body);
    await requireTeam(context, input.team_id);
    const patch: KeyPatch = {
      ...limitsFrom(input),
      ...(input.key_alias !== undefined && { alias: input.key_alias }),
      ...(input.team_id !== undefined && { teamId: input.team_id ?? undefined }),
      ...(input.user_id !== undefined && { userId: input.user_id ?? undefined }),
      ...(input.duration !== undefined && { expiresAt: expiryFrom(input.duration ?? undefined) }),
      ...(input.cache !== undefined && { cache: input.cache ?? undefined }),
      ...(input.metadata !== undefined && { metadata: input.metadata }),
    };
    const updated = await context.keys.updateKey(input.key, patch);
    if (!updated) throw notFound(`Key ${input.key} does not exist.`, "key_not_found", "key");
    return [200, keyView(updated)];
  }),
  adminRoute("POST", "/key/delete", async (context, { body }) => {
    const input = validate(deleteKeysSchema, body);
    const revokedAt = new Date().toISOString();
    const revoked: string[] = [];
    for (const id of input.keys) if (await context.keys.updateKey(id, { revokedAt })) revoked.push(id);
    const missing = input.keys.filter((id) => !revoked.includes(id));
    if (missing.length > 0) throw notFound(`Keys not found: ${missing.join(", ")}.`, "key_not_found", "keys");
    return [200, { revoked_keys: revoked }];
  }),
  adminRoute("GET", "/key/list", async (context, { url }) => {
    const keys = await context.keys.listKeys({ teamId: url.searchParams.get("team_id") ?? undefined });
    return [200, { keys: keys.map(keyView) }];
  }),
  adminRoute("GET", "/key/info", async (context, { url }) => {
    const id = url.searchParams.get("key");
    if (!id) throw invalidRequest("Query parameter 'key' (the key id) is required.", "key");
    const key = await context.keys.getKey(id);
    if (!key) throw notFound(`Key ${id} does not exist.`, "key_not_found", "key");
    return [200, { ...keyView(key), ...(await spendOf(context, `key:${key.id}`, key.budgetDuration)) }];
  }),
];

export { spendOf };
