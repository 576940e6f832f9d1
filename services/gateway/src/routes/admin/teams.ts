/** Teams: shared limits and budget for several keys. */
import { newId, type Team } from "../../auth/virtual-keys";
import { invalidRequest, notFound } from "../../http/errors";
import { validate } from "../../requests/schemas";
import type { Route } from "../route";
import { adminRoute, limitsFrom } from "./admin-route";
import { newTeamSchema, updateTeamSchema } from "./admin-schemas";
import { spendOf } from "./keys";

export function teamView(team: Team) {
  return {
    team_id: team.id,
    team_alias: team.alias ?? null,
    models: team.models ?? [],
    rpm_limit: team.rpm ?? null,
    tpm_limit: team.tpm ?? null,
    max_budget: team.maxBudgetUsd ?? null,
    budget_duration: team.budgetDuration ?? null,
    metadata: team.metadata,
    created_at: team.createdAt,
  };
}

export const TEAM_ROUTES: readonly Route[] = [
  adminRoute("POST", "/team/new", async (context, { body }) => {
    const input = validate(newTeamSchema, body);
    const team: Team = {
      id: newId("team"),
      alias: input.team_alias,
      createdAt: new Date().toISOString(),
      ...limitsFrom(input),
      metadata: input.metadata ?? {},
    };
    await context.keys.createTeam(team);
    return [200, teamView(team)];
  }),
  adminRoute("POST", "/team/update", async (context, { body }) => {
    const input = validate(updateTeamSchema, body);
    const updated = await context.keys.updateTeam(input.team_id, {
      ...limitsFrom(input),
      ...(input.team_alias !== undefined && { alias: input.team_alias }),
      ...(input.metadata !== undefined && { metadata: input.metadata }),
    });
    if (!updated) throw notFound(`Team ${input.team_id} does not exist.`, "team_not_found", "team_id");
    return [200, teamView(updated)];
  }),
  adminRoute("GET", "/team/list", async (context) => [
    200,
    { teams: (await context.keys.listTeams()).map(teamView) },
  ]),
  adminRoute("GET", "/team/info", async (context, { url }) => {
    const id = url.searchParams.get("team_id");
    if (!id) throw invalidRequest("Query parameter 'team_id' is required.", "team_id");
    const team = await context.keys.findTeam(id);
    if (!team) throw notFound(`Team ${id} does not exist.`, "team_not_found", "team_id");
    return [200, { ...teamView(team), ...(await spendOf(context, `team:${team.id}`, team.budgetDuration)) }];
  }),
];
