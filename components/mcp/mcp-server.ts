import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { stringify } from "yaml";
import { ConfigError, parseConfig } from "../../services/mcp/src/config";
import { prometheusMonitor } from "../common/monitoring";
import { declareScaledService } from "../common/scaled-service";
import { configChecksum } from "../common/service-pod";
import { serviceRoute } from "../ingress/service-route";
import { mcpConfig } from "./mcp-config";
import { declareMcpNetwork } from "./mcp-network";
import { mcpPodTemplate } from "./mcp-pod";
import {
  MCP_DEFAULTS,
  MCP_PORT,
  type McpServerArgs,
  mcpPodLabels,
  mcpServerArgProblems,
} from "./mcp-server-args";

export { type McpServerArgs, mcpPodLabels } from "./mcp-server-args";

/** Stand-ins for URLs that resolve later, so the config is validated by the server's own schema up front. */
const PLACEHOLDER_URLS = {
  issuer: "https://issuer.invalid/realms/x",
  jwks: "https://issuer.invalid/certs",
  gateway: "http://gateway.invalid/v1",
};

/**
 * The MCP server (services/mcp) as a Deployment: its config rendered into a ConfigMap and checked by
 * the server's own schema before anything is declared, secrets only as env references to Secrets
 * (optionally filled from Vault by External Secrets), CPU autoscaling, a PodDisruptionBudget in HA,
 * an HTTPRoute on the shared Gateway's HTTPS listener, a ServiceMonitor and NetworkPolicy allows.
 * Without Milvus the knowledge base lives in the embedded store on a PersistentVolumeClaim.
 */
export class McpServer extends pulumi.ComponentResource {
  /** `https://<hostname>/mcp`: the endpoint clients connect to and the OAuth resource (token audience). */
  public readonly publicUrl: string;
  /** `http://<name>.<namespace>.svc.cluster.local:8080/mcp`, for clients inside the cluster. */
  public readonly internalUrl: string;

  constructor(name: string, args: McpServerArgs, opts?: pulumi.ComponentResourceOptions) {
    const problems = [...mcpServerArgProblems(args), ...settingsProblems(name, args)];
    if (problems.length > 0)
      throw new Error(`${name}: invalid arguments (${problems.length}):\n  - ${problems.join("\n  - ")}`);
    super("ai-platform:mcp:McpServer", name, {}, opts);

    const namespace = args.namespace;
    const pods = mcpPodLabels(name);
    const replicas = args.replicas ?? MCP_DEFAULTS.replicas;
    this.publicUrl = `https://${args.route.hostname}/mcp`;
    this.internalUrl = `http://${name}.${namespace}.svc.cluster.local:${MCP_PORT}/mcp`;
    const child = { parent: this };

    const vaultSecrets = (args.vaultSecrets ?? []).map(
      (secret) =>
        new kubernetes.apiextensions.CustomResource(
          `${name}-${secret.secretName}`,
          {
            apiVersion: "external-secrets.io/v1",
            kind: "ExternalSecret",
            metadata: { name: secret.secretName, namespace },
            spec: {
              refreshInterval: "1h",
              secretStoreRef: {
                kind: "ClusterSecretStore",
                name: args.secretStoreName ?? MCP_DEFAULTS.secretStoreName,
              },
              target: { name: secret.secretName, creationPolicy: "Owner" },
              data: Object.entries(secret.data).map(([secretKey, remote]) => ({
                secretKey,
                remoteRef: { key: remote.key, property: remote.property },
              })),
            },
          },
          child,
        ),
    );

    const configText = pulumi
      .all([args.keycloak.issuerUrl, args.keycloak.jwksUrl, args.llmGateway.baseUrl, args.milvus?.url])
      .apply(([issuer, jwks, gateway, milvus]) =>
        stringify(mcpConfig(name, args, { issuer, jwks, gateway, milvus })),
      );
    const configMap = new kubernetes.core.v1.ConfigMap(
      `${name}-config`,
      { metadata: { name: `${name}-config`, namespace, labels: pods }, data: { "config.yaml": configText } },
      child,
    );
    const knowledgeClaim = args.milvus ? undefined : this.knowledgeClaim(name, args, pods);
    const deployment = new kubernetes.apps.v1.Deployment(
      name,
      {
        metadata: { name, namespace, labels: pods },
        spec: {
          // No replicas: the HorizontalPodAutoscaler owns the count.
          selector: { matchLabels: pods },
          // A ReadWriteOnce volume (and PGlite's single writer) cannot be shared with a surge pod.
          strategy: knowledgeClaim
            ? { type: "Recreate" }
            : { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
          template: mcpPodTemplate(args, {
            podLabels: pods,
            configMapName: `${name}-config`,
            configChecksum: configText.apply(configChecksum),
            knowledgeClaimName: knowledgeClaim?.metadata.name,
          }),
        },
      },
      {
        parent: this,
        dependsOn: [configMap, ...vaultSecrets, ...(knowledgeClaim ? [knowledgeClaim.resource] : [])],
      },
    );
    const service = declareScaledService(
      name,
      {
        namespace,
        podLabels: pods,
        port: MCP_PORT,
        replicas,
        targetCpuUtilization: args.targetCpuUtilization ?? MCP_DEFAULTS.targetCpuUtilization,
        highAvailability: args.highAvailability ?? false,
      },
      deployment,
      child,
    );
    // Metrics and the federation admin API stay inside the cluster. Tool calls (summaries, federated
    // tools) can take minutes; the server bounds each upstream call.
    serviceRoute(
      name,
      { namespace, ...args.route, serviceName: name, port: MCP_PORT, internalPaths: ["/metrics", "/admin"] },
      { parent: this, dependsOn: [service] },
    );
    prometheusMonitor(
      "ServiceMonitor",
      name,
      namespace,
      pods,
      [{ port: "http", path: "/metrics", interval: "30s" }],
      {
        parent: this,
        dependsOn: [service],
      },
    );
    declareMcpNetwork(name, args, pods, child);
    this.registerOutputs({ publicUrl: this.publicUrl, internalUrl: this.internalUrl });
  }

  /** The embedded store's volume (ReadWriteOnce: the arguments allow one pod without Milvus). */
  private knowledgeClaim(name: string, args: McpServerArgs, pods: Record<string, string>) {
    const volume: NonNullable<McpServerArgs["knowledgeVolume"]> =
      args.knowledgeVolume ?? MCP_DEFAULTS.knowledgeVolume;
    const metadata = { name: `${name}-knowledge`, namespace: args.namespace, labels: pods };
    const resource = new kubernetes.core.v1.PersistentVolumeClaim(
      `${name}-knowledge`,
      {
        metadata,
        spec: {
          accessModes: ["ReadWriteOnce"],
          resources: { requests: { storage: `${volume.sizeGi}Gi` } },
          ...(volume.storageClassName ? { storageClassName: volume.storageClassName } : {}),
        },
      },
      { parent: this, protect: volume.protect ?? true },
    );
    return { metadata, resource };
  }
}

/** The rendered config checked by the server's own schema (with stand-in URLs), one line per bad key. */
function settingsProblems(name: string, args: McpServerArgs): string[] {
  try {
    parseConfig(
      mcpConfig(name, args, {
        ...PLACEHOLDER_URLS,
        milvus: args.milvus ? "http://milvus.invalid:19530" : undefined,
      }),
    );
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((problem) => `settings: ${problem}`);
    throw error;
  }
}
