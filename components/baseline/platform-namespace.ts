import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { DNS_EGRESS_RULE } from "./network-policy";

export type PodSecurityLevel = "restricted" | "baseline" | "privileged";

export interface PlatformNamespaceArgs {
  /** Namespace name. Default: the component's name. */
  readonly namespace?: string;
  /** Pod Security Admission level enforced (and audited, warned). Default `"restricted"`. */
  readonly podSecurity?: PodSecurityLevel;
  /** Why the namespace cannot be restricted; required for any other level, recorded as an annotation. */
  readonly podSecurityReason?: string;
  /** Extra labels, e.g. cost-allocation labels. Default `{}`. */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * A namespace as every platform area gets it: Pod Security Admission labels, a default-deny
 * NetworkPolicy for ingress and egress, and the one allow every pod needs, DNS to kube-dns.
 * Services add their own allows (see network-policy.ts).
 */
export class PlatformNamespace extends pulumi.ComponentResource {
  /** The namespace's name, known before creation so other resources can use it as a plain string. */
  public readonly name: string;
  public readonly namespace: kubernetes.core.v1.Namespace;

  constructor(name: string, args: PlatformNamespaceArgs = {}, opts?: pulumi.ComponentResourceOptions) {
    super("ai-platform:baseline:PlatformNamespace", name, {}, opts);
    this.name = args.namespace ?? name;
    const level = args.podSecurity ?? "restricted";
    if (level !== "restricted" && !args.podSecurityReason) {
      throw new Error(
        `namespace ${this.name}: podSecurityReason is required for Pod Security level "${level}"`,
      );
    }

    this.namespace = new kubernetes.core.v1.Namespace(
      name,
      {
        metadata: {
          name: this.name,
          labels: {
            ...args.labels,
            "pod-security.kubernetes.io/enforce": level,
            "pod-security.kubernetes.io/enforce-version": "latest",
            "pod-security.kubernetes.io/audit": "restricted",
            "pod-security.kubernetes.io/warn": "restricted",
          },
          annotations: args.podSecurityReason
            ? { "ai-platform/pod-security-reason": args.podSecurityReason }
            : {},
        },
      },
      { parent: this },
    );
    const inNamespace = { parent: this, dependsOn: [this.namespace] };
    new kubernetes.networking.v1.NetworkPolicy(
      `${name}-default-deny`,
      {
        metadata: { name: "default-deny", namespace: this.name },
        spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
      },
      inNamespace,
    );
    new kubernetes.networking.v1.NetworkPolicy(
      `${name}-allow-dns`,
      {
        metadata: { name: "allow-dns", namespace: this.name },
        spec: {
          podSelector: {},
          policyTypes: ["Egress"],
          egress: [DNS_EGRESS_RULE],
        },
      },
      inNamespace,
    );
    this.registerOutputs({ name: this.name });
  }
}
