import * as pulumi from "@pulumi/pulumi";
import type { ModelEndpoint } from "../components/inference/model-endpoints";
import {
  CONTRACT_VERSION,
  type PlatformOutputs as PlatformContract,
} from "../packages/platform-outputs/src/contract";
import { dataStoresOutput } from "./areas/data";
import type { Cloud, Environment, PlatformConfig } from "./config";
import type { ClusterPlatform } from "./platform";
import type { PlatformServices } from "./platform-services";

/**
 * The stack outputs: the contract other projects read through StackReference, validated by the
 * schema in packages/platform-outputs (tests check these exports against it). See docs/outputs.md.
 */
export interface PlatformOutputs {
  /** Version of the outputs contract, `major.minor`. */
  readonly contractVersion: string;
  /** `dev`, `prod` or `local`. */
  readonly environment: Environment;
  /** `alicloud`, `aws` or `existing`. */
  readonly cloud: Cloud;
  /** Cloud region; absent for existing clusters. */
  readonly region: string | undefined;
  readonly clusterName: pulumi.Output<string>;
  /** ACK cluster id, EKS cluster ARN, or the kubeconfig context of an existing cluster. */
  readonly clusterId: pulumi.Output<string>;
  /** Admin kubeconfig (secret); absent for existing clusters. */
  readonly kubeconfig: pulumi.Output<string> | undefined;
  /** VPC id; absent for existing clusters. */
  readonly vpcId: pulumi.Output<string> | undefined;
  /** Node pool names: `system` plus one per GPU pool. */
  readonly nodePools: pulumi.Output<{ system: string | undefined; gpu: string[] }>;
  /** ACK with a public API server only: the command that attaches the access whitelist. */
  readonly apiServerAclAttachCommand: pulumi.Output<string> | undefined;
  /** Public hostname per service (llm, mcp, agent, grafana, auth), served over HTTPS by the shared Gateway. */
  readonly publicHostnames: Readonly<Record<string, string>>;
  /** Data-store coordinates; credentials only as `namespace/name` Secret references. */
  readonly dataStores: PlatformContract["dataStores"];
  /** Identity, secrets, vector search, observability, model endpoints (1.4), gateway (1.5), MCP and agent (1.6). */
  readonly services: PlatformContract["services"];
}

/** The platform's model servers know their URLs up front; an Output here would be a programming error. */
function plainEndpoint(endpoint: ModelEndpoint) {
  if (typeof endpoint.url !== "string")
    throw new Error(`internal: endpoint ${endpoint.name} has no plain URL`);
  return { ...endpoint, url: endpoint.url };
}

export function platformOutputs(
  config: PlatformConfig,
  platform: ClusterPlatform,
  services: PlatformServices,
): PlatformOutputs {
  return {
    contractVersion: CONTRACT_VERSION,
    environment: config.environment,
    cloud: config.cloud,
    region: config.cloud === "existing" ? undefined : config.region,
    clusterName: pulumi.output(platform.clusterName),
    clusterId: pulumi.output(platform.clusterId),
    kubeconfig: platform.kubeconfig && pulumi.secret(platform.kubeconfig),
    vpcId: platform.vpcId,
    nodePools: pulumi
      .output(platform.systemNodePoolName)
      .apply((system) => ({ system, gpu: [...platform.gpuNodePoolNames] })),
    apiServerAclAttachCommand: platform.apiServerAclAttachCommand,
    publicHostnames: services.ingress.hostnames,
    dataStores: dataStoresOutput(services.data),
    services: {
      oidcIssuerUrl: services.identity.keycloak.issuerUrl,
      vaultAddress: services.secrets.vault.address,
      clusterSecretStore: services.secrets.externalSecrets.clusterSecretStoreName,
      milvusEndpoint: services.vector.milvus.endpoint,
      grafanaUrl: services.observability.monitoring.grafanaUrl,
      prometheusUrl: services.observability.monitoring.prometheusUrl,
      lokiUrl: services.observability.logging.lokiUrl,
      modelEndpoints: services.inference.endpoints.map(plainEndpoint),
      ...(services.gateway.gateway && {
        llmGateway: {
          publicUrl: services.gateway.gateway.publicUrl,
          internalUrl: services.gateway.gateway.internalUrl,
          masterKeySecret: `ai/${services.gateway.gateway.masterKeySecretName}`,
          models: [...services.gateway.gateway.modelNames],
        },
      }),
      ...(services.mcp.server && {
        mcp: { publicUrl: services.mcp.server.publicUrl, internalUrl: services.mcp.server.internalUrl },
      }),
      ...(services.agent.service && {
        agent: {
          publicUrl: services.agent.service.publicUrl,
          internalUrl: services.agent.service.internalUrl,
        },
      }),
    },
  };
}
