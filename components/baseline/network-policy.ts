import * as kubernetes from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";

/** Pods in another namespace (all of them unless `podLabels` narrows it). */
export interface NamespacePeer {
  readonly namespace: string;
  readonly podLabels?: Readonly<Record<string, string>>;
}

/** The cluster DNS pods (CoreDNS keeps kube-dns's label), as a raw NetworkPolicy peer. */
export const KUBE_DNS_PEER = {
  namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
  podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
};

/** An egress rule to the cluster DNS over UDP and TCP. */
export const DNS_EGRESS_RULE = {
  to: [KUBE_DNS_PEER],
  ports: [
    { protocol: "UDP", port: 53 },
    { protocol: "TCP", port: 53 },
  ],
};

/** Where traffic may go or come from: namespaces, or any address (for the Kubernetes API, cloud APIs, ACME). */
export type Peers = readonly NamespacePeer[] | "anywhere";

export interface AllowArgs {
  readonly namespace: pulumi.Input<string>;
  /** Pods of `namespace` the policy applies to. Default: all of them. */
  readonly podLabels?: Readonly<Record<string, string>>;
  readonly peers: Peers;
  /** TCP ports; empty means every port. (UDP is only needed for DNS, which every namespace allows.) */
  readonly ports: readonly number[];
}

function peerSelectors(peers: Peers) {
  if (peers === "anywhere") return [{ ipBlock: { cidr: "0.0.0.0/0" } }];
  // An empty peer list would render as `from: []`, which Kubernetes reads as "from everywhere".
  if (peers.length === 0) throw new Error('a NetworkPolicy allow needs at least one peer (or "anywhere")');
  return peers.map((peer) => ({
    namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": peer.namespace } },
    ...(peer.podLabels ? { podSelector: { matchLabels: { ...peer.podLabels } } } : {}),
  }));
}

const tcp = (ports: readonly number[]) =>
  ports.length > 0 ? { ports: ports.map((port) => ({ protocol: "TCP", port })) } : {};

/** An explicit allow on top of the namespace's default-deny: `peers` may reach the pods on `ports`. */
export function allowIngress(name: string, args: AllowArgs, opts: pulumi.CustomResourceOptions) {
  return allow("Ingress", name, args, opts);
}

/** An explicit allow on top of the namespace's default-deny: the pods may reach `peers` on `ports`. */
export function allowEgress(name: string, args: AllowArgs, opts: pulumi.CustomResourceOptions) {
  return allow("Egress", name, args, opts);
}

function allow(
  direction: "Ingress" | "Egress",
  name: string,
  args: AllowArgs,
  opts: pulumi.CustomResourceOptions,
): kubernetes.networking.v1.NetworkPolicy {
  const rule =
    direction === "Ingress"
      ? { ingress: [{ from: peerSelectors(args.peers), ...tcp(args.ports) }] }
      : { egress: [{ to: peerSelectors(args.peers), ...tcp(args.ports) }] };
  return new kubernetes.networking.v1.NetworkPolicy(
    name,
    {
      metadata: { name, namespace: args.namespace },
      spec: {
        podSelector: args.podLabels ? { matchLabels: { ...args.podLabels } } : {},
        policyTypes: [direction],
        ...rule,
      },
    },
    opts,
  );
}
