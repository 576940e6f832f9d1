import * as aws from "@pulumi/aws";
import { EksCluster } from "../components/cluster/eks-cluster";
import { EksGpuNodePool } from "../components/gpu/eks-gpu-node-pool";
import { NvidiaDevicePlugin } from "../components/gpu/nvidia-device-plugin";
import { AwsNetwork } from "../components/network/aws-network";
import { AwsVaultUnseal } from "../components/secrets/aws-vault-unseal";
import { vaultFullname } from "../components/secrets/vault";
import { AwsObjectStorage } from "../components/storage/aws-object-storage";
import type { ManagedClusterConfig } from "./config";
import { type ClusterPlatform, cloudBucketNames, objectStorageConsumers, VAULT_IDENTITY } from "./platform";

/** VPC, EKS cluster, GPU node groups and the NVIDIA device plugin on AWS. */
export function buildAwsPlatform(config: ManagedClusterConfig): ClusterPlatform {
  const { name, tags, network: net, cluster: spec } = config;
  const provider = new aws.Provider(`${name}-aws`, { region: config.region });
  const opts = { providers: [provider], protect: config.protect };

  const network = new AwsNetwork(
    `${name}-network`,
    { vpcCidr: net.vpcCidr, zones: net.zones, natGateways: net.natGateways, tags },
    opts,
  );
  const cluster = new EksCluster(
    name,
    {
      region: config.region,
      kubernetesVersion: spec.kubernetesVersion,
      subnetIds: network.privateSubnetIds,
      serviceCidr: net.serviceCidr,
      apiServerAccessCidrs: spec.apiServerAccessCidrs,
      adminPrincipalArns: spec.adminPrincipalArns,
      deletionProtection: spec.deletionProtection,
      controlPlaneLogRetentionDays: spec.logRetentionDays,
      systemNodePool: config.systemNodePool,
      nodeLabels: tags,
      tags,
    },
    opts,
  );
  const gpuPools = config.gpuNodePools.map(
    ({ name: poolName, driverVersion: _ackOnly, ...pool }) =>
      new EksGpuNodePool(
        `${name}-gpu-${poolName}`,
        {
          ...pool,
          poolName,
          clusterName: cluster.clusterName,
          nodeRoleArn: cluster.nodeRoleArn,
          subnetIds: network.privateSubnetIds,
          labels: { ...tags, ...pool.labels },
          tags,
        },
        // After the cluster is whole: the node role's policies must be attached before nodes join.
        { ...opts, dependsOn: [cluster] },
      ),
  );
  if (gpuPools.length > 0) {
    // EKS GPU AMIs carry the driver but not the device plugin.
    new NvidiaDevicePlugin(`${name}-nvidia-device-plugin`, {}, { providers: [cluster.provider] });
  }

  const unseal = new AwsVaultUnseal(
    `${name}-vault-unseal`,
    {
      oidcProviderArn: cluster.oidcProviderArn,
      oidcIssuerUrl: cluster.oidcIssuerUrl,
      namespace: VAULT_IDENTITY.namespace,
      serviceAccount: vaultFullname(VAULT_IDENTITY.release),
      tags,
    },
    opts,
  );

  const objectStorage =
    config.platform.data.objectStorage.provider === "cloud"
      ? new AwsObjectStorage(
          `${name}-object-storage`,
          {
            region: config.region,
            buckets: cloudBucketNames(name),
            tags,
            // Loki, PostgreSQL backups and Milvus need no key pair: each assumes a role for its own bucket.
            serviceAccountRoles: {
              oidcProviderArn: cluster.oidcProviderArn,
              oidcIssuerUrl: cluster.oidcIssuerUrl,
              consumers: objectStorageConsumers(),
            },
          },
          opts,
        )
      : undefined;

  return {
    objectStorage,
    vaultUnseal: {
      type: "awskms",
      region: config.region,
      kmsKeyId: unseal.kmsKeyId,
      roleArn: unseal.roleArn,
    },
    clusterName: cluster.clusterName,
    clusterId: cluster.clusterArn,
    kubeconfig: cluster.kubeconfig,
    vpcId: network.vpcId,
    systemNodePoolName: cluster.systemNodePoolName,
    gpuNodePoolNames: gpuPools.map((pool) => pool.poolName),
    kubernetesProvider: cluster.provider,
  };
}
