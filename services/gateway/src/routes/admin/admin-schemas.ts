/** Admin API request bodies (LiteLLM's field names, so its clients and scripts carry over). */
import { z } from "zod";
import { DURATION_PATTERN } from "../../limits/budget-period";

const duration = z.string().regex(DURATION_PATTERN, "must look like 30d, 12h, 15m or 1mo");
const limits = {
  models: z.array(z.string().min(1)).optional(),
  rpm_limit: z.number().int().positive().nullish(),
  tpm_limit: z.number().int().positive().nullish(),
  max_budget: z.number().positive().nullish(),
  budget_duration: duration.nullish(),
  metadata: z.record(z.string(), z.string()).optional(),
};

export const generateKeySchema = z.strictObject({
  key_alias: z.string().min(1).max(128).optional(),
  team_id: z.string().min(1).optional(),
  user_id: z.string().min(1).max(256).optional(),
  /** Lifetime like `30d`; none = never expires. */
  duration: duration.optional(),
  cache: z.boolean().optional(),
  ...limits,
});

export const updateKeySchema = z.strictObject({
  key: z.string().min(1),
  key_alias: z.string().min(1).max(128).optional(),
  team_id: z.string().min(1).nullish(),
  user_id: z.string().min(1).max(256).nullish(),
  duration: duration.nullish(),
  cache: z.boolean().nullish(),
  ...limits,
});

export const deleteKeysSchema = z.strictObject({ keys: z.array(z.string().min(1)).min(1) });

export const newTeamSchema = z.strictObject({ team_alias: z.string().min(1).max(128).optional(), ...limits });
export const updateTeamSchema = z.strictObject({
  team_id: z.string().min(1),
  team_alias: z.string().min(1).max(128).optional(),
  ...limits,
});
