import { type AgentArea, deployAgent } from "./areas/agent";
import { type DataArea, deployData } from "./areas/data";
import { deployGateway, type GatewayArea } from "./areas/gateway";
import { deployIdentity, type IdentityArea } from "./areas/identity";
import { deployInference, type InferenceArea } from "./areas/inference";
import { deployIngress, type IngressArea } from "./areas/ingress";
import { deployMcp, type McpArea } from "./areas/mcp";
import { createNamespaces } from "./areas/namespaces";
import { deployObservability, type ObservabilityArea } from "./areas/observability";
import { deploySecrets, type SecretsArea } from "./areas/secrets";
import { createServiceKeys } from "./areas/service-credentials";
import { deployVector, type VectorArea } from "./areas/vector";
import type { PlatformConfig } from "./config";
import type { ClusterPlatform } from "./platform";

/** What the platform services hand to the outputs and to later areas. */
export interface PlatformServices {
  readonly ingress: IngressArea;
  readonly data: DataArea;
  readonly identity: IdentityArea;
  readonly observability: ObservabilityArea;
  readonly vector: VectorArea;
  readonly secrets: SecretsArea;
  readonly inference: InferenceArea;
  readonly gateway: GatewayArea;
  readonly mcp: McpArea;
  readonly agent: AgentArea;
}

/** The services every environment runs on its cluster, area by area. */
export function buildPlatformServices(config: PlatformConfig, cluster: ClusterPlatform): PlatformServices {
  const provider = cluster.kubernetesProvider;
  const namespaces = createNamespaces(config.tags, provider);
  const ingress = deployIngress(config, namespaces, provider);
  const data = deployData(config, namespaces, cluster.objectStorage, provider);
  const identity = deployIdentity(config, namespaces, ingress, data, provider);
  const observability = deployObservability(config, namespaces, ingress, identity, data, provider);
  const secrets = deploySecrets(config, namespaces, cluster.vaultUnseal, provider);
  const vector = deployVector(config, namespaces, data, secrets, provider);
  const inference = deployInference(config, namespaces, data, observability, provider);
  // The gateway accepts the keys of the services that call it, so they exist before it.
  const serviceKeys = createServiceKeys(config, namespaces);
  const gateway = deployGateway(
    config,
    namespaces,
    ingress,
    identity,
    data,
    inference,
    serviceKeys,
    provider,
  );
  const mcp = deployMcp(
    config,
    namespaces,
    ingress,
    identity,
    data,
    vector.milvus,
    gateway,
    serviceKeys,
    provider,
  );
  const agent = deployAgent(config, namespaces, ingress, identity, data, gateway, mcp, serviceKeys, provider);
  return { ingress, data, identity, observability, vector, secrets, inference, gateway, mcp, agent };
}
