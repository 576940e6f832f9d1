import * as kubernetes from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { allowEgress, allowIngress, DNS_EGRESS_RULE } from "../baseline/network-policy";
import { ENVOY_PROXY_PODS } from "../ingress/envoy-gateway";
import { MCP_DEFAULTS, MCP_PORT, type McpServerArgs } from "./mcp-server-args";

/**
 * The MCP pods' allows on top of the namespace's default-deny: in from the Envoy proxies, the client
 * namespaces and Prometheus; out to DNS, Keycloak (JWKS), the LLM gateway, Milvus, Redis, the Kafka
 * Bridge and `extraEgress`.
 */
export function declareMcpNetwork(
  name: string,
  args: McpServerArgs,
  podLabels: Readonly<Record<string, string>>,
  opts: pulumi.CustomResourceOptions,
): void {
  const base = { namespace: args.namespace, podLabels };
  allowIngress(
    `${name}-from-gateway`,
    {
      ...base,
      peers: [{ namespace: args.route.gatewayNamespace, podLabels: ENVOY_PROXY_PODS }],
      ports: [MCP_PORT],
    },
    opts,
  );
  const clients = args.clientNamespaces ?? MCP_DEFAULTS.clientNamespaces;
  if (clients.length > 0) {
    allowIngress(
      `${name}-clients`,
      { ...base, peers: clients.map((namespace) => ({ namespace })), ports: [MCP_PORT] },
      opts,
    );
  }
  allowIngress(
    `${name}-metrics`,
    {
      ...base,
      peers: [{ namespace: args.metricsNamespace ?? MCP_DEFAULTS.metricsNamespace }],
      ports: [MCP_PORT],
    },
    opts,
  );
  const servers = {
    keycloak: args.keycloak.server,
    "llm-gateway": args.llmGateway.server,
    ...(args.milvus ? { milvus: args.milvus.server } : {}),
    ...(args.redis ? { redis: args.redis.server } : {}),
    ...(args.auditKafka ? { "kafka-bridge": args.auditKafka.server } : {}),
  };
  for (const [suffix, server] of Object.entries(servers)) {
    allowEgress(`${name}-${suffix}`, { ...base, peers: [server.peer], ports: [server.port] }, opts);
  }
  for (const extra of args.extraEgress ?? []) {
    allowEgress(`${name}-${extra.name}`, { ...base, peers: extra.peers, ports: extra.ports }, opts);
  }
  // The namespace allows DNS already if it is a PlatformNamespace; this keeps the server working in any other.
  new kubernetes.networking.v1.NetworkPolicy(
    `${name}-dns`,
    {
      metadata: { name: `${name}-dns`, namespace: args.namespace },
      spec: {
        podSelector: { matchLabels: { ...podLabels } },
        policyTypes: ["Egress"],
        egress: [DNS_EGRESS_RULE],
      },
    },
    opts,
  );
}
