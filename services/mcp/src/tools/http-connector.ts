import { z } from "zod";
import type { ConnectorConfig } from "../config";
import { ConnectorFailed, callConnector } from "../connectors/http-connector";
import type { SsrfGuard } from "../connectors/ssrf-guard";
import { defineTool, ToolError } from "./tool";

const TYPES = {
  string: () => z.string(),
  number: () => z.number(),
  integer: () => z.number().int(),
  boolean: () => z.boolean(),
} as const;

/** One tool per declared connector (from config or an OpenAPI import). */
export function httpConnectorTool(connector: ConnectorConfig, guard: SsrfGuard, credential?: string) {
  const input: Record<string, z.ZodType> = {};
  for (const [name, parameter] of Object.entries(connector.parameters)) {
    const base = TYPES[parameter.type]().describe(parameter.description ?? `${parameter.in} parameter`);
    input[name] = parameter.required ? base : base.optional();
  }
  const reads = connector.method === "GET";
  return defineTool({
    name: connector.name,
    title: connector.title ?? connector.name,
    description: `${connector.description} (${connector.method} ${new URL(connector.url).host})`,
    input,
    output: { status: z.number().int(), contentType: z.string(), body: z.unknown() },
    annotations: {
      readOnlyHint: reads,
      destructiveHint: connector.method === "DELETE",
      idempotentHint: reads || connector.method === "PUT" || connector.method === "DELETE",
      openWorldHint: true,
    },
    scopes: ["mcp:connectors"],
    async run(args, context) {
      try {
        return await callConnector(connector, args, guard, credential, context.signal);
      } catch (error) {
        if (error instanceof ConnectorFailed) throw new ToolError(error.message);
        throw error;
      }
    },
  });
}
