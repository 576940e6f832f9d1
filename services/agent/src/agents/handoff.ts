/**
 * Hand-off between agents during a run is a tool the model calls: `handoff_to_agent` with the target
 * profile as an enum, so constrained decoders and validation both keep it to real names. It has no
 * `__`, so it cannot collide with an MCP tool's function name.
 */
import type { Profile } from "../config/profile-schema";
import type { AgentTool } from "../mcp/agent-tool";

export const HANDOFF_TOOL = "handoff_to_agent";

export function handoffTool(current: Profile, profiles: ReadonlyMap<string, Profile>): AgentTool | undefined {
  if (!current.handoff) return undefined;
  const targets = [...profiles.values()].filter((profile) => profile.name !== current.name);
  if (targets.length === 0) return undefined;
  const names = targets.map((profile) => profile.name);
  return {
    name: HANDOFF_TOOL,
    server: "",
    tool: HANDOFF_TOOL,
    description:
      "Hand the conversation to a better-suited agent, which continues this run with its own tools. " +
      `Agents: ${targets.map((profile) => `${profile.name}: ${profile.description}`).join(" | ")}`,
    parameters: {
      type: "object",
      properties: {
        agent: { type: "string", enum: names, description: "The agent to hand off to" },
        reason: { type: "string", description: "Why, in one sentence" },
      },
      required: ["agent"],
      additionalProperties: false,
    },
    validate(args) {
      if (typeof args.agent !== "string" || !names.includes(args.agent))
        return `agent: must be one of ${names.join(", ")}`;
      if (args.reason !== undefined && typeof args.reason !== "string") return "reason: must be a string";
      const extra = Object.keys(args).filter((key) => key !== "agent" && key !== "reason");
      return extra.length > 0 ? `unknown argument(s): ${extra.join(", ")}` : undefined;
    },
  };
}
