import { createHash } from "node:crypto";
import type { Tool } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { canonicalJson } from "../audit";

/**
 * The hash pinned for a remote tool: everything a model reads or relies on (name, title,
 * description, schemas, annotations). Any change, even to the description alone, changes it.
 */
export function toolDefinitionHash(tool: Tool): string {
  const { name, title, description, inputSchema, outputSchema, annotations } = tool;
  return createHash("sha256")
    .update(canonicalJson({ name, title, description, inputSchema, outputSchema, annotations }))
    .digest("hex");
}

/** The top-level fields of a tool definition that differ, with the approved and the current value. */
export function definitionChanges(
  approved: Tool,
  current: Tool,
): Record<string, { approved: unknown; current: unknown }> {
  const changes: Record<string, { approved: unknown; current: unknown }> = {};
  for (const field of ["title", "description", "inputSchema", "outputSchema", "annotations"] as const) {
    if (canonicalJson(approved[field]) !== canonicalJson(current[field]))
      changes[field] = { approved: approved[field], current: current[field] };
  }
  return changes;
}

/** The remote's JSON Schema as zod, so arguments are validated here before they leave; permissive if it cannot be converted. */
export function zodFromJsonSchema(schema: Tool["inputSchema"]): z.ZodType {
  try {
    return z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]);
  } catch {
    return z.looseObject({});
  }
}
