import * as alicloud from "@pulumi/alicloud";
import { AckCluster } from "../components/cluster/ack-cluster";
import { AckGpuNodePool } from "../components/gpu/ack-gpu-node-pool";
import { AlicloudNetwork } from "../components/network/alicloud-network";
import { AlicloudVaultUnseal } from "../components/secrets/alicloud-vault-unseal";
import { AlicloudObjectStorage } from "../components/storage/alicloud-object-storage";
import type { ManagedClusterConfig } from "./config";
import { type ClusterPlatform, cloudBucketNames } from "./platform";

/** VPC, ACK cluster and GPU node pools on Alibaba Cloud. */
export function buildAlicloudPlatform(config: ManagedClusterConfig): ClusterPlatform {
  const { name, tags, network: net, cluster: spec } = config;
  const provider = new alicloud.Provider(`${name}-alicloud`, { region: config.region });
  const opts = { providers: [provider], protect: config.protect };

  const network = new AlicloudNetwork(
    `${name}-network`,
    { vpcCidr: net.vpcCidr, zones: net.zones, deletionProtection: spec.deletionProtection, tags },
    opts,
  );
  const nodeVswitchIds = network.zones.map((zone) => zone.nodeVswitchId);
  const cluster = new AckCluster(
    name,
    {
      kubernetesVersion: spec.kubernetesVersion,
      clusterSpec: spec.clusterSpec,
      nodeVswitchIds,
      podVswitchIds: network.zones.map((zone) => zone.podVswitchId),
      serviceCidr: net.serviceCidr,
      apiServerAccessCidrs: spec.apiServerAccessCidrs,
      deletionProtection: spec.deletionProtection,
      controlPlaneLogRetentionDays: spec.logRetentionDays,
      systemNodePool: config.systemNodePool,
      nodeLabels: tags,
      tags,
    },
    { ...opts, dependsOn: [network] },
  );
  const gpuPools = config.gpuNodePools.map(
    ({ name: poolName, ...pool }) =>
      new AckGpuNodePool(
        `${name}-gpu-${poolName}`,
        {
          ...pool,
          poolName,
          clusterId: cluster.clusterId,
          vswitchIds: nodeVswitchIds,
          labels: { ...tags, ...pool.labels },
          tags,
        },
        opts,
      ),
  );

  const unseal = new AlicloudVaultUnseal(`${name}-vault-unseal`, { tags }, opts);

  const objectStorage =
    config.platform.data.objectStorage.provider === "cloud"
      ? new AlicloudObjectStorage(
          `${name}-object-storage`,
          { region: config.region, buckets: cloudBucketNames(name), tags },
          opts,
        )
      : undefined;

  return {
    objectStorage,
    vaultUnseal: {
      type: "alicloudkms",
      region: config.region,
      kmsKeyId: unseal.kmsKeyId,
      accessKeyId: unseal.accessKeyId,
      accessKeySecret: unseal.accessKeySecret,
    },
    clusterName: cluster.clusterName,
    clusterId: cluster.clusterId,
    kubeconfig: cluster.kubeconfig,
    vpcId: network.vpcId,
    systemNodePoolName: cluster.systemNodePoolName,
    gpuNodePoolNames: gpuPools.map((pool) => pool.poolName),
    apiServerAclAttachCommand: cluster.apiServerAclAttachCommand,
    kubernetesProvider: cluster.provider,
  };
}
