/**
 * MCP tools as OpenAI function tools. The function name is `<server>__<tool>`: OpenAI (and vLLM's
 * parsers) allow only [a-zA-Z0-9_-], at most 64 characters, while MCP names may hold dots or
 * slashes, so other characters become `_` and over-long names are cut and suffixed with a hash.
 * Arguments are checked against the tool's input schema before the call (zod's JSON Schema
 * import); a schema it cannot read leaves the check to the MCP server, which validates too.
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import type { FunctionTool } from "../model/messages";

export interface AgentTool {
  /** The function name the model sees. */
  readonly name: string;
  /** MCP server name from the config (empty for the service's own tools). */
  readonly server: string;
  /** The tool's name on its server. */
  readonly tool: string;
  readonly description: string;
  readonly parameters: Record<string, unknown>;
  /** A readable problem with `args`, or undefined when they fit the schema. */
  validate(args: Record<string, unknown>): string | undefined;
}

export interface McpToolDescription {
  readonly name: string;
  readonly title?: string;
  readonly description?: string;
  readonly inputSchema: Record<string, unknown>;
}

const MAX_NAME = 64;

export function functionName(server: string, tool: string): string {
  const name = `${server}__${tool}`.replace(/[^a-zA-Z0-9_-]/g, "_");
  if (name.length <= MAX_NAME) return name;
  const hash = createHash("sha256").update(`${server}/${tool}`).digest("hex").slice(0, 8);
  return `${name.slice(0, MAX_NAME - 9)}_${hash}`;
}

export function agentToolFrom(server: string, description: McpToolDescription): AgentTool {
  const { $schema: _ignored, ...schema } = description.inputSchema;
  const parameters = { type: "object", properties: {}, ...schema };
  const validator = compile(parameters);
  return {
    name: functionName(server, description.name),
    server,
    tool: description.name,
    description: description.description ?? description.title ?? description.name,
    parameters,
    validate: (args) => {
      if (!validator) return undefined;
      const result = validator.safeParse(args);
      return result.success ? undefined : describeIssues(result.error.issues);
    },
  };
}

export function toFunctionTool(tool: AgentTool): FunctionTool {
  return {
    type: "function",
    function: { name: tool.name, description: tool.description, parameters: tool.parameters },
  };
}

function compile(schema: Record<string, unknown>): z.ZodType | undefined {
  try {
    return z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]);
  } catch {
    return undefined;
  }
}

export function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .slice(0, 10)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join(".") : "(arguments)"}: ${issue.message}`)
    .join("; ");
}
