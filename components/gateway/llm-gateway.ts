import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { prometheusMonitor } from "../common/monitoring";
import { declareScaledService } from "../common/scaled-service";
import { configChecksum } from "../common/service-pod";
import { serviceRoute } from "../ingress/service-route";
import { renderGatewayConfig } from "./gateway-config";
import { declareGatewayNetwork, inClusterTarget } from "./gateway-network";
import { gatewayPodTemplate } from "./gateway-pod";
import {
  configSettings,
  GATEWAY_DEFAULTS,
  GATEWAY_PORT,
  type LlmGatewayArgs,
  llmGatewayArgProblems,
} from "./llm-gateway-args";

export type { ConnectionSecret, LlmGatewayArgs } from "./llm-gateway-args";

/**
 * The LLM gateway (services/gateway) as a Deployment: config generated into a ConfigMap from the model
 * endpoints and cloud models, secrets only through env references to Secrets, a generated master key,
 * CPU autoscaling, an HTTPRoute on the shared Gateway's HTTPS listener, a ServiceMonitor and the
 * NetworkPolicy allows it needs. A config change rolls the pods (checksum annotation).
 */
export class LlmGateway extends pulumi.ComponentResource {
  /** `http://<name>.<namespace>.svc.cluster.local:4000/v1`, for clients inside the cluster. */
  public readonly internalUrl: string;
  /** `https://<hostname>/v1`. */
  public readonly publicUrl: string;
  /** Secret in `namespace` holding the master key under `master-key`. */
  public readonly masterKeySecretName: string;
  /** The admin master key; a Pulumi secret. */
  public readonly masterKey: pulumi.Output<string>;
  /** Model names clients may send (each a group of one or more deployments). */
  public readonly modelNames: readonly string[];

  constructor(name: string, args: LlmGatewayArgs, opts?: pulumi.ComponentResourceOptions) {
    const problems = llmGatewayArgProblems(args);
    if (problems.length > 0)
      throw new Error(`${name}: invalid arguments (${problems.length}):\n  - ${problems.join("\n  - ")}`);
    super("ai-platform:gateway:LlmGateway", name, {}, opts);

    const namespace = args.namespace;
    const settings = configSettings(args);
    const { endpoints, cloudModels } = settings;
    const replicas = args.replicas ?? GATEWAY_DEFAULTS.replicas;
    const pods = { "app.kubernetes.io/name": "llm-gateway", "app.kubernetes.io/instance": name };
    this.internalUrl = `http://${name}.${namespace}.svc.cluster.local:${GATEWAY_PORT}/v1`;
    this.publicUrl = `https://${args.route.hostname}/v1`;
    this.masterKeySecretName = `${name}-master-key`;
    this.modelNames = [...new Set([...endpoints, ...cloudModels].map((model) => model.name))];

    const masterKey = new random.RandomPassword(
      `${name}-master-key`,
      { length: 48, special: false },
      { parent: this },
    );
    this.masterKey = pulumi.secret(pulumi.interpolate`sk-${masterKey.result}`);
    const masterKeySecret = new kubernetes.core.v1.Secret(
      `${name}-master-key`,
      {
        metadata: { name: this.masterKeySecretName, namespace },
        type: "Opaque",
        stringData: { "master-key": this.masterKey },
      },
      { parent: this },
    );

    const configText = pulumi.all(endpoints.map((endpoint) => endpoint.url)).apply((urls) => {
      const resolved = endpoints.map((endpoint, index) => ({ ...endpoint, url: urls[index] as string }));
      for (const endpoint of resolved) inClusterTarget(endpoint.url);
      return renderGatewayConfig({ ...settings, endpoints: resolved });
    });
    const configMap = new kubernetes.core.v1.ConfigMap(
      `${name}-config`,
      { metadata: { name: `${name}-config`, namespace, labels: pods }, data: { "config.yaml": configText } },
      { parent: this },
    );

    const deployment = new kubernetes.apps.v1.Deployment(
      name,
      {
        metadata: { name, namespace, labels: pods },
        spec: {
          // No replicas: the HorizontalPodAutoscaler owns the count (Kubernetes starts one).
          selector: { matchLabels: pods },
          strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
          template: gatewayPodTemplate(args, {
            podLabels: pods,
            configMapName: `${name}-config`,
            configChecksum: configText.apply(configChecksum),
            masterKeySecretName: this.masterKeySecretName,
          }),
        },
      },
      { parent: this, dependsOn: [configMap, masterKeySecret] },
    );
    const service = declareScaledService(
      name,
      {
        namespace,
        podLabels: pods,
        port: GATEWAY_PORT,
        replicas,
        targetCpuUtilization: args.targetCpuUtilization ?? GATEWAY_DEFAULTS.targetCpuUtilization,
        highAvailability: args.highAvailability ?? false,
      },
      deployment,
      { parent: this },
    );
    serviceRoute(
      name,
      { namespace, ...args.route, serviceName: name, port: GATEWAY_PORT, internalPaths: ["/metrics"] },
      { parent: this, dependsOn: [service] },
    );
    prometheusMonitor(
      "ServiceMonitor",
      name,
      namespace,
      pods,
      [{ port: "http", path: "/metrics", interval: "15s" }],
      {
        parent: this,
        dependsOn: [service],
      },
    );
    declareGatewayNetwork(
      name,
      {
        namespace,
        podLabels: pods,
        port: GATEWAY_PORT,
        gatewayNamespace: args.route.gatewayNamespace,
        clientNamespaces: args.clientNamespaces ?? GATEWAY_DEFAULTS.clientNamespaces,
        metricsNamespace: args.metricsNamespace ?? GATEWAY_DEFAULTS.metricsNamespace,
        modelUrls: endpoints.map((endpoint) => endpoint.url),
        tracesUrl: args.tracesEndpoint,
        redis: args.redis,
        database: args.database,
        cloudProviders: cloudModels.length > 0,
        extraEgress: args.extraEgress ?? [],
      },
      { parent: this },
    );

    this.registerOutputs({
      internalUrl: this.internalUrl,
      publicUrl: this.publicUrl,
      masterKeySecretName: this.masterKeySecretName,
      masterKey: this.masterKey,
      modelNames: this.modelNames,
    });
  }
}
