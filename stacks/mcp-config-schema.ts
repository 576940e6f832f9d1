/** The `mcp` section of the stack config: the MCP server's image, size, models and audit sink. */
import { z } from "zod";
import type { GatewayConfig } from "./gateway-config-schema";
import { type GatewayModel, modelProblem } from "./gateway-models";

/** The Kafka topic the MCP server's audit records go to when `kafkaAudit` is on. */
export const MCP_AUDIT_TOPIC = { name: "mcp-audit", retentionHours: 720 } as const;

const modelName = z.string().min(1);

export const mcpSchema = z.strictObject({
  enabled: z.boolean(),
  /** The image the `images` workflow pushed; prod pins it by digest (security policy). */
  image: z.string().min(1).optional(),
  replicas: z.strictObject({ min: z.number().int().min(1), max: z.number().int().min(1) }),
  /** Gateway model for document summaries. Required when enabled. */
  chatModel: modelName.optional(),
  /** Gateway embeddings model for the knowledge base. Required when enabled. */
  embeddingModel: modelName.optional(),
  /** Its vector size. Default: the component's (1024, bge-m3's). */
  embeddingDimension: z.number().int().min(1).max(32768).optional(),
  /** Gateway rerank model; none: no reranking. */
  rerankModel: modelName.optional(),
  /** Volume of the embedded knowledge store, used only where there is no Milvus. */
  knowledgeVolumeGi: z.number().int().min(1).max(1024),
  /** Audit records also to the platform's Kafka (topic `mcp-audit`) through a Strimzi Kafka Bridge. */
  kafkaAudit: z.boolean(),
});

export type McpConfig = z.infer<typeof mcpSchema>;
type Issue = { path: (string | number)[]; message: string };

export function mcpIssues(
  mcp: McpConfig,
  environment: string,
  gateway: GatewayConfig,
  models: ReadonlyMap<string, GatewayModel>,
): Issue[] {
  if (!mcp.enabled) return [];
  const issues: Issue[] = [];
  const at = (key: string, message: string) => issues.push({ path: ["mcp", key], message });
  if (!mcp.image)
    at("image", "required when the MCP server is enabled (the image the images workflow pushed)");
  if (!gateway.enabled) at("enabled", "needs the LLM gateway (gateway.enabled) for embeddings and summaries");
  if (mcp.replicas.max < mcp.replicas.min)
    issues.push({ path: ["mcp", "replicas", "max"], message: "must not be below replicas.min" });
  if (environment === "prod" && mcp.replicas.min < 2)
    issues.push({
      path: ["mcp", "replicas", "min"],
      message: "must be at least 2 in prod (a PodDisruptionBudget keeps one up)",
    });
  const needed = [
    ["chatModel", mcp.chatModel, "chat"],
    ["embeddingModel", mcp.embeddingModel, "embeddings"],
    ["rerankModel", mcp.rerankModel, "rerank"],
  ] as const;
  for (const [key, name, kind] of needed) {
    if (name === undefined) {
      if (key !== "rerankModel")
        at(key, `required when the MCP server is enabled (a ${kind} model of the gateway)`);
      continue;
    }
    const problem = gateway.enabled ? modelProblem(models, name, kind) : undefined;
    if (problem) at(key, problem);
  }
  return issues;
}
