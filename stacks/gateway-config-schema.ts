/** The `gateway` section of the stack config: the LLM gateway's image, size and cloud models. */
import { z } from "zod";
import { CLOUD_PROVIDERS, type CloudProvider } from "../components/gateway/cloud-providers";
import { type RoutingStrategy, STRATEGIES } from "../components/gateway/gateway-config";

const secretRef = z.strictObject({
  /** Secret in the `ai` namespace (e.g. synced from Vault by an ExternalSecret). */
  name: z.string().min(1),
  key: z.string().min(1),
});

const cloudModelSchema = z.strictObject({
  /** Name clients send as `model`. */
  name: z.string().min(1),
  provider: z.enum(Object.keys(CLOUD_PROVIDERS) as [CloudProvider, ...CloudProvider[]]),
  /** The provider's model id, e.g. `qwen-plus`. */
  model: z.string().min(1),
  apiKeySecret: secretRef,
  inputCostPerMillionTokens: z.number().min(0).optional(),
  outputCostPerMillionTokens: z.number().min(0).optional(),
  rpm: z.number().int().positive().optional(),
  tpm: z.number().int().positive().optional(),
  contextLength: z.number().int().positive().optional(),
  kind: z.enum(["chat", "embeddings"]).optional(),
});

export const gatewaySchema = z.strictObject({
  enabled: z.boolean(),
  /** The image the `images` workflow pushed; prod pins it by digest (security policy). */
  image: z.string().min(1).optional(),
  replicas: z.strictObject({ min: z.number().int().min(1), max: z.number().int().min(1) }),
  cloudModels: z.array(cloudModelSchema),
  routing: z
    .strictObject({
      strategy: z.enum(STRATEGIES as [RoutingStrategy, ...RoutingStrategy[]]).optional(),
      numRetries: z.number().int().min(0).max(10).optional(),
      fallbacks: z.record(z.string(), z.array(z.string()).min(1)).optional(),
    })
    .optional(),
  cache: z.strictObject({ enabled: z.boolean(), ttlSeconds: z.number().int().positive() }).optional(),
});

export type GatewayConfig = z.infer<typeof gatewaySchema>;

export function gatewayIssues(gateway: GatewayConfig | undefined, environment: string) {
  if (!gateway?.enabled) return [];
  const issues: { path: (string | number)[]; message: string }[] = [];
  if (!gateway.image) {
    issues.push({
      path: ["gateway", "image"],
      message: "required when the gateway is enabled (the image the images workflow pushed)",
    });
  }
  if (gateway.replicas.max < gateway.replicas.min) {
    issues.push({ path: ["gateway", "replicas", "max"], message: "must not be below replicas.min" });
  }
  if (environment === "prod" && gateway.replicas.min < 2) {
    issues.push({
      path: ["gateway", "replicas", "min"],
      message: "must be at least 2 in prod (a PodDisruptionBudget keeps one up)",
    });
  }
  const names = gateway.cloudModels.map((model) => model.name);
  for (const [index, name] of names.entries()) {
    if (names.indexOf(name) !== index)
      issues.push({ path: ["gateway", "cloudModels", index, "name"], message: `"${name}" is used twice` });
  }
  return issues;
}
