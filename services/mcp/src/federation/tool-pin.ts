import { createHash } from "node:crypto";
import type { Tool } from "@modelcontextprotocol/sdk/types.js";
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
