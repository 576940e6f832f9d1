import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { stringify } from "yaml";
import { ConfigError, parseConfig } from "../../services/agent/src/config/load-config";
import { prometheusMonitor } from "../common/monitoring";
import { declareScaledService } from "../common/scaled-service";
import { configChecksum } from "../common/service-pod";
import { serviceRoute } from "../ingress/service-route";
import { agentConfig } from "./agent-config";
import { declareAgentNetwork } from "./agent-network";
import { agentPodTemplate } from "./agent-pod";
import {
  AGENT_DEFAULTS,
  AGENT_PORT,
  type AgentServiceArgs,
  agentPodLabels,
  agentServiceArgProblems,
} from "./agent-service-args";

export type { AgentMcpServer, AgentServiceArgs } from "./agent-service-args";

/** Stand-ins for URLs that resolve later, so the config is validated by the service's own schema up front. */
const PLACEHOLDER_URL = "http://placeholder.invalid/x";

/**
 * The agent service (services/agent) as a Deployment: its config file generated per the agent config
 * contract into a ConfigMap and checked by the service's own schema before anything is declared,
 * secrets only as env references to Secrets, CPU autoscaling, a PodDisruptionBudget in HA, an HTTPRoute
 * on the shared Gateway's HTTPS listener (`/metrics` kept inside the cluster), a ServiceMonitor and
 * NetworkPolicy allows. A config change rolls the pods (checksum annotation).
 */
export class AgentService extends pulumi.ComponentResource {
  /** `https://<hostname>`: the public API base (`/v1/agents/{name}/runs`, `/v1/runs`, `/v1/sessions/{id}`). */
  public readonly publicUrl: string;
  /** `http://<name>.<namespace>.svc.cluster.local:8080`, for callers inside the cluster. */
  public readonly internalUrl: string;

  constructor(name: string, args: AgentServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    const problems = [...agentServiceArgProblems(args), ...settingsProblems(args)];
    if (problems.length > 0)
      throw new Error(`${name}: invalid arguments (${problems.length}):\n  - ${problems.join("\n  - ")}`);
    super("ai-platform:agent:AgentService", name, {}, opts);

    const namespace = args.namespace;
    const pods = agentPodLabels(name);
    this.publicUrl = `https://${args.route.hostname}`;
    this.internalUrl = `http://${name}.${namespace}.svc.cluster.local:${AGENT_PORT}`;
    const child = { parent: this };

    const { keycloak, llmGateway } = args;
    const mcpUrls = (args.mcpServers ?? []).map((server) => server.url);
    const configText = pulumi
      .all([keycloak.issuerUrl, keycloak.jwksUrl, keycloak.tokenUrl, llmGateway.baseUrl, pulumi.all(mcpUrls)])
      .apply(([issuer, jwks, token, gateway, mcpServers]) =>
        stringify(agentConfig(args, { issuer, jwks, token, gateway, mcpServers })),
      );
    const configMap = new kubernetes.core.v1.ConfigMap(
      `${name}-config`,
      { metadata: { name: `${name}-config`, namespace, labels: pods }, data: { "config.yaml": configText } },
      child,
    );
    const deployment = new kubernetes.apps.v1.Deployment(
      name,
      {
        metadata: { name, namespace, labels: pods },
        spec: {
          // No replicas: the HorizontalPodAutoscaler owns the count.
          selector: { matchLabels: pods },
          strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
          template: agentPodTemplate(args, {
            podLabels: pods,
            configMapName: `${name}-config`,
            configChecksum: configText.apply(configChecksum),
          }),
        },
      },
      { parent: this, dependsOn: [configMap] },
    );
    const service = declareScaledService(
      name,
      {
        namespace,
        podLabels: pods,
        port: AGENT_PORT,
        replicas: args.replicas ?? AGENT_DEFAULTS.replicas,
        targetCpuUtilization: args.targetCpuUtilization ?? AGENT_DEFAULTS.targetCpuUtilization,
        highAvailability: args.highAvailability ?? false,
      },
      deployment,
      child,
    );
    serviceRoute(
      name,
      { namespace, ...args.route, serviceName: name, port: AGENT_PORT, internalPaths: ["/metrics"] },
      { parent: this, dependsOn: [service] },
    );
    prometheusMonitor(
      "ServiceMonitor",
      name,
      namespace,
      pods,
      [{ port: "http", path: "/metrics", interval: "30s" }],
      { parent: this, dependsOn: [service] },
    );
    declareAgentNetwork(name, args, pods, child);
    this.registerOutputs({ publicUrl: this.publicUrl, internalUrl: this.internalUrl });
  }
}

/** The generated config checked by the service's own schema (with stand-in URLs), one line per bad key. */
function settingsProblems(args: AgentServiceArgs): string[] {
  try {
    parseConfig(
      agentConfig(args, {
        issuer: PLACEHOLDER_URL,
        jwks: PLACEHOLDER_URL,
        token: PLACEHOLDER_URL,
        gateway: PLACEHOLDER_URL,
        mcpServers: (args.mcpServers ?? []).map(() => PLACEHOLDER_URL),
      }),
    );
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((problem) => `settings: ${problem}`);
    throw error;
  }
}
