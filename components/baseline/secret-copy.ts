import * as kubernetes from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";

/**
 * A Secret in a consumer's namespace holding values another component generated (Pods can only
 * mount Secrets of their own namespace). Values must be Pulumi secrets; they stay secrets here.
 */
export function secretCopy(
  name: string,
  namespace: string,
  values: Readonly<Record<string, pulumi.Input<string>>>,
  opts: pulumi.CustomResourceOptions,
): kubernetes.core.v1.Secret {
  return new kubernetes.core.v1.Secret(
    name,
    { metadata: { name, namespace }, type: "Opaque", stringData: { ...values } },
    opts,
  );
}
