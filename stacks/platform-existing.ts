import { ExistingCluster } from "../components/cluster/existing-cluster";
import type { ExistingClusterConfig } from "./config";
import type { ClusterPlatform } from "./platform";

/** An existing cluster (kind, k3d, minikube, shared): nothing is created, only a provider for it. */
export function buildExistingPlatform(config: ExistingClusterConfig): ClusterPlatform {
  const cluster = new ExistingCluster(config.name, config.existingCluster);
  return {
    clusterName: cluster.context,
    clusterId: cluster.context,
    gpuNodePoolNames: [],
    kubernetesProvider: cluster.provider,
  };
}
