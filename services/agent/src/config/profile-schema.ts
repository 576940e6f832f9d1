/** An agent profile as `agents.<name>` in the config writes it: every field optional (defaults elsewhere). */
import { z } from "zod";

export const NAME = /^[a-z][a-z0-9_-]{0,40}$/;
/** A tool name or a glob with `*`, matched against `<tool>` and `<server>__<tool>`. */
const toolPattern = z.string().regex(/^[A-Za-z0-9_*-]+$/, "a tool name, optionally with * wildcards");

export const profileOverrideSchema = z.strictObject({
  /** What the profile is for; the router shows it to the classifying model. Required for new profiles. */
  description: z.string().min(1).max(500).optional(),
  /** The system prompt. Required for new profiles. */
  instructions: z.string().min(1).max(20_000).optional(),
  /** A gateway model group. Default: `defaultModel`. */
  model: z.string().min(1).optional(),
  /** MCP servers (by `mcpServers[].name`) whose tools this profile may use. Default: all. */
  mcpServers: z.array(z.string().regex(NAME)).optional(),
  /** Allowed tools. Default: ["*"]. */
  tools: z.array(toolPattern).optional(),
  /** Tools that pause the run until the client approves the call. Default: none. */
  confirmTools: z.array(toolPattern).optional(),
  /** Model calls per run before the run stops with status `incomplete`. Default: 8. */
  maxTurns: z.number().int().min(1).max(100).optional(),
  /** Default: 0.2. */
  temperature: z.number().min(0).max(2).optional(),
  /** `max_tokens` of each model call. Default: 1024. */
  maxOutputTokens: z.number().int().positive().optional(),
  /** `json` asks for a JSON object answer and checks it. Default: text. */
  outputFormat: z.enum(["text", "json"]).optional(),
  /** History budget in tokens (estimated as characters / 4), system prompt and answer included. Default: 8000. */
  contextTokens: z.number().int().min(256).optional(),
  /** Words that route a request here when the routing model is unavailable. Default: none. */
  keywords: z.array(z.string().min(1)).optional(),
  /** Whether the profile gets the `handoff_to_agent` tool. Default: true. */
  handoff: z.boolean().optional(),
});

export type ProfileOverride = z.infer<typeof profileOverrideSchema>;

/** A resolved profile: defaults applied, model named, servers listed. */
export interface Profile {
  readonly name: string;
  readonly description: string;
  readonly instructions: string;
  readonly model: string;
  readonly mcpServers: readonly string[];
  readonly tools: readonly string[];
  readonly confirmTools: readonly string[];
  readonly maxTurns: number;
  readonly temperature: number;
  readonly maxOutputTokens: number;
  readonly outputFormat: "text" | "json";
  readonly contextTokens: number;
  readonly keywords: readonly string[];
  readonly handoff: boolean;
}
