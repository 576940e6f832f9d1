import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { allowEgress, allowIngress, DNS_EGRESS_RULE, type Peers } from "../baseline/network-policy";
import type { ServerPeer } from "../common/service-args";
import { ENVOY_PROXY_PODS } from "../ingress/envoy-gateway";

/** A further egress allow, e.g. to Keycloak's pods for the JWKS (`{ namespace: "identity" }`, 8080). */
export interface EgressAllow {
  /** Suffix of the NetworkPolicy's name. */
  readonly name: string;
  readonly peers: Peers;
  readonly ports: readonly number[];
}

export interface GatewayNetworkSpec {
  readonly namespace: string;
  readonly podLabels: Readonly<Record<string, string>>;
  readonly port: number;
  /** The shared Gateway's namespace; its Envoy proxies forward the public traffic. */
  readonly gatewayNamespace: string;
  readonly clientNamespaces: readonly string[];
  readonly metricsNamespace: string;
  /** In-cluster base URLs of the model servers (may resolve later). */
  readonly modelUrls: readonly pulumi.Input<string>[];
  /** In-cluster OTLP traces URL, when traces are on. */
  readonly tracesUrl?: string;
  readonly redis: ServerPeer;
  readonly database: ServerPeer;
  /** Whether any cloud model is configured: opens HTTPS to public addresses. */
  readonly cloudProviders: boolean;
  readonly extraEgress: readonly EgressAllow[];
}

/**
 * Cloud APIs are public; private, shared and link-local ranges stay closed on 443 so a config mistake
 * cannot reach in-cluster services or the node's metadata endpoint through the gateway.
 */
export const NON_PUBLIC_RANGES = [
  "10.0.0.0/8",
  "172.16.0.0/12",
  "192.168.0.0/16",
  "100.64.0.0/10",
  "169.254.0.0/16",
];

const IN_CLUSTER_URL =
  /^https?:\/\/[a-z0-9]([-a-z0-9]*[a-z0-9])?\.([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.svc(\.cluster\.local)?(:(\d+))?(\/|$)/;

/** The namespace and port a model server's in-cluster Service URL leads to; throws for anything else. */
export function inClusterTarget(url: string): { namespace: string; port: number } {
  const match = IN_CLUSTER_URL.exec(url);
  if (!match)
    throw new Error(
      `model endpoint URL "${url}" is not an in-cluster Service URL (http://<service>.<namespace>.svc.cluster.local:<port>/…)`,
    );
  const port = match[6] ? Number(match[6]) : url.startsWith("https:") ? 443 : 80;
  return { namespace: match[2] as string, port };
}

/** One egress rule per namespace, with the ports the model servers there listen on. */
export function inClusterEgress(urls: readonly string[]) {
  const portsByNamespace = new Map<string, Set<number>>();
  for (const { namespace, port } of urls.map(inClusterTarget))
    portsByNamespace.set(namespace, (portsByNamespace.get(namespace) ?? new Set()).add(port));
  return [...portsByNamespace].map(([namespace, ports]) => ({
    to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": namespace } } }],
    ports: [...ports].sort((a, b) => a - b).map((port) => ({ protocol: "TCP", port })),
  }));
}

/**
 * The gateway pods' allows on top of the namespace's default-deny: in from the Envoy proxies, the
 * client namespaces and the metrics scraper; out to DNS, the model servers, Redis, PostgreSQL, public
 * HTTPS when cloud models are configured, and whatever `extraEgress` adds.
 */
export function declareGatewayNetwork(
  name: string,
  spec: GatewayNetworkSpec,
  opts: pulumi.CustomResourceOptions,
) {
  const { namespace, podLabels, port } = spec;
  const base = { namespace, podLabels };
  allowIngress(
    `${name}-from-gateway`,
    { ...base, peers: [{ namespace: spec.gatewayNamespace, podLabels: ENVOY_PROXY_PODS }], ports: [port] },
    opts,
  );
  if (spec.clientNamespaces.length > 0)
    allowIngress(
      `${name}-clients`,
      { ...base, peers: spec.clientNamespaces.map((ns) => ({ namespace: ns })), ports: [port] },
      opts,
    );
  allowIngress(
    `${name}-metrics`,
    { ...base, peers: [{ namespace: spec.metricsNamespace }], ports: [port] },
    opts,
  );
  allowEgress(`${name}-redis`, { ...base, peers: [spec.redis.peer], ports: [spec.redis.port] }, opts);
  allowEgress(
    `${name}-postgres`,
    { ...base, peers: [spec.database.peer], ports: [spec.database.port] },
    opts,
  );
  for (const extra of spec.extraEgress)
    allowEgress(`${name}-${extra.name}`, { ...base, peers: extra.peers, ports: extra.ports }, opts);

  // Written out here: the allow builder takes TCP only and plain values, these need UDP and Outputs.
  const egressPolicy = (suffix: string, egress: pulumi.Input<pulumi.Input<object>[]>) =>
    new kubernetes.networking.v1.NetworkPolicy(
      `${name}-${suffix}`,
      {
        metadata: { name: `${name}-${suffix}`, namespace },
        spec: { podSelector: { matchLabels: { ...podLabels } }, policyTypes: ["Egress"], egress },
      },
      opts,
    );
  // The namespace allows DNS already if it is a PlatformNamespace; this keeps the gateway working in any other.
  egressPolicy("dns", [DNS_EGRESS_RULE]);
  if (spec.modelUrls.length > 0)
    egressPolicy(
      "model-servers",
      pulumi.all([...spec.modelUrls]).apply((urls) => inClusterEgress(urls)),
    );
  if (spec.tracesUrl) egressPolicy("traces", inClusterEgress([spec.tracesUrl]));
  if (spec.cloudProviders)
    egressPolicy("cloud-providers", [
      {
        to: [{ ipBlock: { cidr: "0.0.0.0/0", except: NON_PUBLIC_RANGES } }],
        ports: [{ protocol: "TCP", port: 443 }],
      },
    ]);
}
