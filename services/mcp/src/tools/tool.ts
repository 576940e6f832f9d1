/**
 * The tool contract: every file under tools/ exports one `ToolDefinition` built by a factory taking
 * its dependencies. Input and output are zod shapes (the SDK publishes them as JSON Schema and
 * validates arguments); `run` returns the structured result, or throws `ToolError` with a message
 * meant for the model, which the SDK turns into an `isError` result.
 */
import type { ToolAnnotations } from "@modelcontextprotocol/sdk/types.js";
import type { z } from "zod";
import type { Caller } from "../auth/caller";

export interface ToolContext {
  readonly caller: Caller;
  readonly signal: AbortSignal;
}

export interface ToolDefinition<
  I extends z.ZodRawShape = z.ZodRawShape,
  O extends z.ZodRawShape = z.ZodRawShape,
> {
  /** `[a-z0-9_]`, unique on this server. */
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly input: I;
  readonly output: O;
  readonly annotations: ToolAnnotations;
  /** Scopes (or Keycloak roles) a caller needs; `auth.toolScopes` in the config overrides them. */
  readonly scopes: readonly string[];
  run(input: z.output<z.ZodObject<I>>, context: ToolContext): Promise<z.output<z.ZodObject<O>>>;
}

/** Identity function that keeps the generic types of one tool (a list of tools erases them). */
export function defineTool<I extends z.ZodRawShape, O extends z.ZodRawShape>(
  definition: ToolDefinition<I, O>,
): ToolDefinition {
  return definition as unknown as ToolDefinition;
}

/** A failure the caller can act on; its message becomes the tool result's text. */
export class ToolError extends Error {}
