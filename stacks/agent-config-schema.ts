/** The `agent` section of the stack config: the agent service's image, size and models. */
import { z } from "zod";
import type { GatewayConfig } from "./gateway-config-schema";
import { type GatewayModel, modelProblem } from "./gateway-models";

export const agentSchema = z.strictObject({
  enabled: z.boolean(),
  /** The image the `images` workflow pushed; prod pins it by digest (security policy). */
  image: z.string().min(1).optional(),
  replicas: z.strictObject({ min: z.number().int().min(1), max: z.number().int().min(1) }),
  /** Gateway chat model that can call tools, for profiles that name none. Required when enabled. */
  defaultModel: z.string().min(1).optional(),
  /** Small gateway chat model classifying requests that name no agent. Default: `defaultModel`. */
  routerModel: z.string().min(1).optional(),
  /** OTLP/HTTP traces endpoint (`…/v1/traces`). Default: no traces. */
  otlpEndpoint: z
    .url({
      protocol: /^https?$/,
      error: "must be an http(s) URL such as http://alloy.observability:4318/v1/traces",
    })
    .optional(),
});

export type AgentConfig = z.infer<typeof agentSchema>;
type Issue = { path: (string | number)[]; message: string };

export function agentIssues(
  agent: AgentConfig,
  environment: string,
  gateway: GatewayConfig,
  models: ReadonlyMap<string, GatewayModel>,
): Issue[] {
  if (!agent.enabled) return [];
  const issues: Issue[] = [];
  const at = (path: (string | number)[], message: string) =>
    issues.push({ path: ["agent", ...path], message });
  if (!agent.image)
    at(["image"], "required when the agent service is enabled (the image the images workflow pushed)");
  if (!gateway.enabled)
    at(["enabled"], "needs the LLM gateway (gateway.enabled): agents reach models only through it");
  if (agent.replicas.max < agent.replicas.min) at(["replicas", "max"], "must not be below replicas.min");
  if (environment === "prod" && agent.replicas.min < 2)
    at(["replicas", "min"], "must be at least 2 in prod (a PodDisruptionBudget keeps one up)");
  if (!agent.defaultModel) {
    at(
      ["defaultModel"],
      "required when the agent service is enabled (a gateway chat model that can call tools)",
    );
  } else if (gateway.enabled) {
    const problem = modelProblem(models, agent.defaultModel, "chat", true);
    if (problem) at(["defaultModel"], problem);
  }
  if (agent.routerModel && gateway.enabled) {
    const problem = modelProblem(models, agent.routerModel, "chat");
    if (problem) at(["routerModel"], problem);
  }
  return issues;
}
