import type * as kubernetes from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { BucketAccess } from "../components/cluster/aws-iam-roles";
import { postgresServiceAccountName } from "../components/data/postgres-cluster";
import { lokiServiceAccountName } from "../components/observability/logging-stack";
import type { BucketConsumer } from "../components/storage/aws-object-storage";
import type { ObjectStorageEndpoint } from "../components/storage/object-storage";
import { milvusServiceAccountName } from "../components/vector/milvus";
import { NAMESPACES } from "./areas/namespaces";
import type { PlatformConfig } from "./config";
import { buildAlicloudPlatform } from "./platform-alicloud";
import { buildAwsPlatform } from "./platform-aws";
import { buildExistingPlatform } from "./platform-existing";

/** The cloud's KMS key and credentials for Vault's auto-unseal (none on an existing cluster: Shamir). */
export type CloudVaultUnseal =
  | {
      readonly type: "awskms";
      readonly region: string;
      readonly kmsKeyId: pulumi.Output<string>;
      readonly roleArn: pulumi.Output<string>;
    }
  | {
      readonly type: "alicloudkms";
      readonly region: string;
      readonly kmsKeyId: pulumi.Output<string>;
      readonly accessKeyId: pulumi.Output<string>;
      readonly accessKeySecret: pulumi.Output<string>;
    };

/** Where Vault runs, so the cloud layer can grant exactly its service account the KMS key. */
export const VAULT_IDENTITY = { namespace: "secrets", release: "vault" } as const;

/** Buckets the platform itself uses, by purpose. */
export const BUCKET_PURPOSES = ["postgresBackups", "loki", "milvus", "models"] as const;
export type BucketPurpose = (typeof BUCKET_PURPOSES)[number];

/**
 * The platform's workloads that reach object storage with an IAM role of their own where the cloud
 * offers one (EKS): where each runs, its component's name (which names its service account) and what it
 * may do in which bucket. The model-weights fetch is not here: `mc` signs with static keys only.
 */
export const OBJECT_STORAGE_IDENTITIES = {
  loki: {
    namespace: NAMESPACES.observability,
    release: "logging",
    buckets: ["loki"],
    access: "read-write",
  },
  postgres: {
    namespace: NAMESPACES.data,
    release: "postgres",
    buckets: ["postgresBackups"],
    access: "read-write",
  },
  milvus: { namespace: NAMESPACES.ai, release: "milvus", buckets: ["milvus"], access: "read-write" },
} as const satisfies Record<
  string,
  { namespace: string; release: string; buckets: readonly BucketPurpose[]; access: BucketAccess }
>;
export type ObjectStorageConsumer = keyof typeof OBJECT_STORAGE_IDENTITIES;

/** Each consumer with the service account its component runs it as: what its role must trust. */
export function objectStorageConsumers(): Record<ObjectStorageConsumer, BucketConsumer> {
  const { loki, postgres, milvus } = OBJECT_STORAGE_IDENTITIES;
  return {
    loki: { ...loki, serviceAccount: lokiServiceAccountName(loki.release) },
    postgres: { ...postgres, serviceAccount: postgresServiceAccountName(postgres.release) },
    milvus: { ...milvus, serviceAccount: milvusServiceAccountName(milvus.release) },
  };
}

/** The cloud's object storage, as the cluster layer hands it on. */
export interface CloudObjectStorage extends ObjectStorageEndpoint {
  /** Role ARN of each consumer that assumes an IAM role of its own; the others use the key pair. */
  readonly roleArns?: Readonly<Partial<Record<ObjectStorageConsumer, pulumi.Output<string>>>>;
}

/** What the cluster layer hands to everything deployed on it, whatever the cloud. */
export interface ClusterPlatform {
  readonly clusterName: pulumi.Input<string>;
  /** ACK cluster id, EKS cluster ARN, or the kubeconfig context of an existing cluster. */
  readonly clusterId: pulumi.Input<string>;
  /** Admin kubeconfig, a secret; absent for existing clusters, whose kubeconfig stays the user's. */
  readonly kubeconfig?: pulumi.Output<string>;
  readonly vpcId?: pulumi.Output<string>;
  readonly systemNodePoolName?: pulumi.Input<string>;
  readonly gpuNodePoolNames: readonly string[];
  /** Set on ACK when the API server is public: the command attaching its CIDR whitelist. */
  readonly apiServerAclAttachCommand?: pulumi.Output<string>;
  readonly kubernetesProvider: kubernetes.Provider;
  readonly vaultUnseal?: CloudVaultUnseal;
  /** The cloud's object storage, when the stack asks for it instead of MinIO. */
  readonly objectStorage?: CloudObjectStorage;
}

/** Cloud bucket names are global: prefix them with the stack's resource name. */
export function cloudBucketNames(name: string): Record<BucketPurpose, string> {
  const suffix: Record<BucketPurpose, string> = {
    postgresBackups: "postgres-backups",
    loki: "loki",
    milvus: "milvus",
    models: "models",
  };
  return Object.fromEntries(
    BUCKET_PURPOSES.map((purpose) => [purpose, `${name}-${suffix[purpose]}`]),
  ) as Record<BucketPurpose, string>;
}

export function buildClusterPlatform(config: PlatformConfig): ClusterPlatform {
  switch (config.cloud) {
    case "alicloud":
      return buildAlicloudPlatform(config);
    case "aws":
      return buildAwsPlatform(config);
    case "existing":
      return buildExistingPlatform(config);
  }
}
