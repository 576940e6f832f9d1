import * as pulumi from "@pulumi/pulumi";
import { type PlatformOutputs, platformOutputsSchema } from "./contract";

export { CONTRACT_VERSION, type PlatformOutputs, platformOutputsSchema, SECRET_OUTPUTS } from "./contract";

export type TypedOutputs = { readonly [K in keyof PlatformOutputs]-?: pulumi.Output<PlatformOutputs[K]> };

/**
 * The ai-platform outputs of a stack, each as a typed Output validated against the contract:
 *
 *   const platform = platformOutputs(new pulumi.StackReference("acme/ai-platform/prod"));
 *   new k8s.Provider("platform", { kubeconfig: platform.kubeconfig });
 *
 * A stack deployed with an incompatible contract version, or a field of the wrong shape, fails the
 * consumer's preview with a message naming the field. Each field keeps its own secretness.
 */
export function platformOutputs(stack: pulumi.StackReference): TypedOutputs {
  const shape = platformOutputsSchema.shape;
  const version = pulumi.all([stack.name, stack.getOutput("contractVersion")]).apply(([name, value]) => {
    const parsed = shape.contractVersion.safeParse(value);
    if (!parsed.success) {
      throw new Error(
        `stack ${name} does not publish an ai-platform outputs contract v1 (contractVersion: ${JSON.stringify(value)})`,
      );
    }
    return parsed.data;
  });
  const field = <K extends keyof PlatformOutputs>(key: K) =>
    pulumi.all([stack.name, version, stack.getOutput(key)]).apply(([name, , value]) => {
      const parsed = shape[key].safeParse(value);
      if (!parsed.success) {
        throw new Error(
          `stack ${name}: output ${key} does not meet the contract: ${parsed.error.issues[0]?.message}`,
        );
      }
      return parsed.data as PlatformOutputs[K];
    });
  return Object.fromEntries(
    (Object.keys(shape) as (keyof PlatformOutputs)[]).map((key) => [key, field(key)]),
  ) as unknown as TypedOutputs;
}
