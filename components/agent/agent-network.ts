import * as kubernetes from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { allowEgress, allowIngress, DNS_EGRESS_RULE } from "../baseline/network-policy";
import { inClusterTarget, NON_PUBLIC_RANGES } from "../gateway/gateway-network";
import { ENVOY_PROXY_PODS } from "../ingress/envoy-gateway";
import { AGENT_DEFAULTS, AGENT_PORT, type AgentServiceArgs } from "./agent-service-args";

/**
 * Where traces go: an in-cluster collector's namespace on its port, or, for a collector outside the
 * cluster, public addresses on that port (private and metadata ranges stay closed).
 */
export function otlpEgress(endpoint: string) {
  const url = new URL(endpoint);
  const port = Number(url.port || (url.protocol === "https:" ? 443 : 80));
  let namespace: string | undefined;
  try {
    namespace = inClusterTarget(endpoint).namespace;
  } catch {
    namespace = undefined;
  }
  const to = namespace
    ? [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": namespace } } }]
    : [{ ipBlock: { cidr: "0.0.0.0/0", except: NON_PUBLIC_RANGES } }];
  return [{ to, ports: [{ protocol: "TCP", port }] }];
}

/**
 * The agent pods' allows on top of the namespace's default-deny: in from the Envoy proxies, Prometheus
 * and `clientNamespaces`; out to DNS, Keycloak, the LLM gateway, each MCP server, Redis and the OTLP
 * collector when one is set.
 */
export function declareAgentNetwork(
  name: string,
  args: AgentServiceArgs,
  podLabels: Readonly<Record<string, string>>,
  opts: pulumi.CustomResourceOptions,
): void {
  const base = { namespace: args.namespace, podLabels };
  const ingress = (suffix: string, peers: Parameters<typeof allowIngress>[1]["peers"]) =>
    allowIngress(`${name}-${suffix}`, { ...base, peers, ports: [AGENT_PORT] }, opts);
  ingress("from-gateway", [{ namespace: args.route.gatewayNamespace, podLabels: ENVOY_PROXY_PODS }]);
  ingress("metrics", [{ namespace: args.metricsNamespace ?? AGENT_DEFAULTS.metricsNamespace }]);
  const clients = args.clientNamespaces ?? AGENT_DEFAULTS.clientNamespaces;
  if (clients.length > 0)
    ingress(
      "clients",
      clients.map((namespace) => ({ namespace })),
    );

  const servers = [
    ["keycloak", args.keycloak.server],
    ["llm-gateway", args.llmGateway.server],
    ...(args.mcpServers ?? []).map((server) => [`mcp-${server.name}`, server.server] as const),
    ...(args.redis ? [["redis", args.redis.server] as const] : []),
  ] as const;
  for (const [suffix, server] of servers)
    allowEgress(`${name}-${suffix}`, { ...base, peers: [server.peer], ports: [server.port] }, opts);

  // Written out here: the allow builder takes TCP to namespaces only; these need UDP or address blocks.
  const egressPolicy = (suffix: string, egress: object[]) =>
    new kubernetes.networking.v1.NetworkPolicy(
      `${name}-${suffix}`,
      {
        metadata: { name: `${name}-${suffix}`, namespace: args.namespace },
        spec: { podSelector: { matchLabels: { ...podLabels } }, policyTypes: ["Egress"], egress },
      },
      opts,
    );
  // The namespace allows DNS already if it is a PlatformNamespace; this keeps the service working in any other.
  egressPolicy("dns", [DNS_EGRESS_RULE]);
  if (args.otlpEndpoint) egressPolicy("otlp", otlpEgress(args.otlpEndpoint));
}
