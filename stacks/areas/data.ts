import type * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { allowEgress, type Peers } from "../../components/baseline/network-policy";
import { secretCopy } from "../../components/baseline/secret-copy";
import { KafkaCluster } from "../../components/data/kafka-cluster";
import { PostgresCluster } from "../../components/data/postgres-cluster";
import { RedisStore } from "../../components/data/redis-store";
import { MinioObjectStore } from "../../components/storage/minio-object-store";
import type { ObjectStorageAccess, ObjectStorageEndpoint } from "../../components/storage/object-storage";
import { MILVUS_KAFKA_TOPICS } from "../../components/vector/milvus-wal";
import type { PlatformOutputs } from "../../packages/platform-outputs/src/contract";
import type { PlatformConfig } from "../config";
import { MCP_AUDIT_TOPIC } from "../mcp-config-schema";
import {
  type BucketPurpose,
  type CloudObjectStorage,
  OBJECT_STORAGE_IDENTITIES,
  type ObjectStorageConsumer,
} from "../platform";
import { NAMESPACES, type PlatformNamespaces } from "./namespaces";

const NAMESPACE_OF_DATA = NAMESPACES.data;

/** MinIO's bucket names, by purpose (cloud buckets carry the stack's prefix: see cloudBucketNames). */
const PLATFORM_BUCKETS: Record<BucketPurpose, string> = {
  postgresBackups: "postgres-backups",
  loki: "loki",
  milvus: "milvus",
  models: "models",
};
/** The platform's own databases; application teams' come from config. */
const PLATFORM_DATABASES = [
  { name: "keycloak", owner: "keycloak" },
  { name: "llm_gateway", owner: "llm_gateway" },
];
/** Who may reach which data store (the consumers add their own egress allows). */
const CLIENTS = {
  postgres: ["identity", "ai"],
  objectStorage: ["data", "observability", "ai"],
  kafka: ["ai"],
  redis: ["ai"],
};

/** The platform's object storage, whichever provides it, as its consumers need it. */
export interface PlatformObjectStorage extends ObjectStorageEndpoint {
  readonly flavor: "minio" | "s3" | "oss";
  /**
   * Secret in the data namespace with keys `accessKey` and `secretKey`: published to application teams,
   * and copied for consumers without a role.
   */
  readonly credentialsSecretName: string;
  /** IAM role ARN of each consumer that assumes one (EKS); a consumer not listed uses the key pair. */
  readonly roleArns: Readonly<Partial<Record<ObjectStorageConsumer, pulumi.Output<string>>>>;
  /** Who a consumer's pods must be allowed to reach for it. */
  readonly networkPeers: Peers;
  /** What provides it: consumers wait for it. */
  readonly provisionedBy: pulumi.Resource;
}

/** The platform's object-storage key pair, copied into `namespace` under `accessKey` and `secretKey`. */
export function copyObjectStorageKeys(
  secretName: string,
  namespace: string,
  storage: PlatformObjectStorage,
  parent: pulumi.Resource,
): ObjectStorageAccess & { readonly secret: kubernetes.core.v1.Secret } {
  const secret = secretCopy(
    secretName,
    namespace,
    { accessKey: storage.accessKeyId, secretKey: storage.secretAccessKey },
    { parent },
  );
  return {
    credentialsSecretName: secretName,
    accessKeyIdKey: "accessKey",
    secretAccessKeyKey: "secretKey",
    secret,
  };
}

/**
 * How `consumer` reaches the object storage: the IAM role the cloud gave its service account, or else
 * the key pair copied into its namespace (`secret`, to wait on; no key pair enters with a role).
 */
export function objectStorageAccessFor(
  consumer: ObjectStorageConsumer,
  secretName: string,
  namespace: string,
  storage: PlatformObjectStorage,
  parent: pulumi.Resource,
): ObjectStorageAccess & { readonly secret?: kubernetes.core.v1.Secret } {
  const role = storage.roleArns[consumer];
  return role
    ? { serviceAccountRoleArn: role }
    : copyObjectStorageKeys(secretName, namespace, storage, parent);
}

export interface DataArea {
  readonly postgres: PostgresCluster;
  readonly kafka: KafkaCluster;
  readonly redis: RedisStore;
  readonly objectStorage: PlatformObjectStorage;
}

const MINIO_SERVER_PODS = { "app.kubernetes.io/name": "minio", "app.kubernetes.io/component": "server" };
const CREDENTIALS_SECRET = "object-storage-credentials";

/** Object storage (the cloud's, or MinIO), PostgreSQL, Redis and Kafka in the data namespace, sized by the profile. */
export function deployData(
  config: PlatformConfig,
  namespaces: PlatformNamespaces,
  cloudObjectStorage: CloudObjectStorage | undefined,
  provider: kubernetes.Provider,
): DataArea {
  const settings = config.platform.data;
  const namespace = namespaces.data.name;
  // Stateful: protected in prod along with the cluster.
  const opts = { providers: [provider], protect: config.protect, dependsOn: [namespaces.data] };

  const minio = cloudObjectStorage ? undefined : minioStore(config, namespace, opts);
  const store: ObjectStorageEndpoint = cloudObjectStorage ?? minioEndpoint(minio as MinioObjectStore);
  const provisionedBy = minio ?? cloudObjectStorage;
  if (!pulumi.Resource.isInstance(provisionedBy))
    throw new Error("internal: object storage must come from a resource");
  // A child of whatever provides the storage: as a child of the namespace it would deadlock MinIO,
  // which waits for the namespace and everything under it. Kept with roles too: the outputs contract
  // publishes it to application teams.
  secretCopy(
    CREDENTIALS_SECRET,
    namespace,
    { accessKey: store.accessKeyId, secretKey: store.secretAccessKey },
    { parent: provisionedBy, provider, dependsOn: [namespaces.data] },
  );
  const objectStorage: PlatformObjectStorage = {
    endpoint: store.endpoint,
    buckets: store.buckets,
    accessKeyId: store.accessKeyId,
    secretAccessKey: store.secretAccessKey,
    region: store.region,
    flavor: cloudObjectStorage ? (config.cloud === "alicloud" ? "oss" : "s3") : "minio",
    credentialsSecretName: CREDENTIALS_SECRET,
    roleArns: cloudObjectStorage?.roleArns ?? {},
    networkPeers: cloudObjectStorage ? "anywhere" : [{ namespace, podLabels: MINIO_SERVER_PODS }],
    provisionedBy,
  };

  const postgresRole = objectStorage.roleArns.postgres;
  const postgres = new PostgresCluster(
    OBJECT_STORAGE_IDENTITIES.postgres.release,
    {
      namespace,
      instances: settings.postgres.instances,
      storageGi: settings.postgres.storageGi,
      databases: [...PLATFORM_DATABASES, ...settings.postgres.appDatabases],
      clientNamespaces: CLIENTS.postgres,
      metricsNamespace: NAMESPACES.observability,
      backup: {
        destinationPath: `s3://${objectStorage.buckets.postgresBackups}/${config.stack}`,
        endpointURL: objectStorage.endpoint,
        ...(postgresRole
          ? { serviceAccountRoleArn: postgresRole }
          : { credentialsSecretName: CREDENTIALS_SECRET }),
      },
    },
    { ...opts, dependsOn: [namespaces.data, provisionedBy] },
  );
  const kafka = new KafkaCluster(
    "kafka",
    {
      namespace,
      nodes: settings.kafka.nodes,
      storageGi: settings.kafka.storageGi,
      topics: [
        ...settings.kafka.topics,
        ...(config.mcp.enabled && config.mcp.kafkaAudit ? [MCP_AUDIT_TOPIC] : []),
        ...(config.platform.vector.messageQueue === "kafka" ? MILVUS_KAFKA_TOPICS : []),
      ],
      clientNamespaces: CLIENTS.kafka,
      metricsNamespace: NAMESPACES.observability,
    },
    opts,
  );
  const redis = new RedisStore(
    "redis",
    {
      namespace,
      mode: settings.redis.mode,
      storageGi: settings.redis.storageGi,
      clientNamespaces: CLIENTS.redis,
    },
    opts,
  );

  if (!cloudObjectStorage) {
    // PostgreSQL ships WAL and backups to MinIO in the same namespace (cloud endpoints are on 443, already allowed).
    allowEgress(
      "postgres-to-object-storage",
      {
        namespace,
        podLabels: { "cnpg.io/cluster": postgres.clusterName },
        peers: objectStorage.networkPeers,
        ports: [9000],
      },
      { parent: namespaces.data },
    );
  }
  return { postgres, kafka, redis, objectStorage };
}

/** In-cluster MinIO with the platform's buckets, named as they are (no global namespace to share). */
function minioStore(
  config: PlatformConfig,
  namespace: string,
  opts: pulumi.ComponentResourceOptions,
): MinioObjectStore {
  const settings = config.platform.data.objectStorage;
  return new MinioObjectStore(
    "minio",
    {
      namespace,
      image: settings.minioImage,
      clientImage: settings.minioClientImage,
      mode: settings.mode,
      storageGi: settings.storageGi,
      buckets: Object.values(PLATFORM_BUCKETS),
      clientNamespaces: CLIENTS.objectStorage,
      metricsNamespace: NAMESPACES.observability,
    },
    opts,
  );
}

function minioEndpoint(minio: MinioObjectStore): ObjectStorageEndpoint {
  return {
    endpoint: minio.endpoint,
    buckets: PLATFORM_BUCKETS,
    accessKeyId: minio.accessKeyId,
    secretAccessKey: minio.secretAccessKey,
    // MinIO ignores the region; S3 clients still sign with one.
    region: "us-east-1",
  };
}

/** What application teams may rely on: hosts, ports, names and Secret references, never credentials. */
export function dataStoresOutput(data: DataArea): NonNullable<PlatformOutputs["dataStores"]> {
  const { postgres, redis, kafka, objectStorage } = data;
  const namespace = NAMESPACE_OF_DATA;
  return {
    postgres: {
      host: postgres.host,
      readOnlyHost: postgres.readOnlyHost,
      port: postgres.port,
      databases: postgres.databases.map((database) => ({
        ...database,
        credentialsSecret: `${namespace}/${postgres.credentialsSecretNames[database.owner]}`,
      })),
    },
    redis: {
      mode: redis.mode,
      host: redis.host,
      port: redis.port,
      ...(redis.sentinelMasterName ? { sentinelMasterName: redis.sentinelMasterName } : {}),
      passwordSecret: `${namespace}/${redis.passwordSecretName}`,
    },
    kafka: {
      bootstrapServers: kafka.bootstrapServers,
      clusterCaSecret: `${namespace}/${kafka.clusterCaSecretName}`,
      topics: [...kafka.topicNames],
    },
    objectStorage: {
      endpoint: objectStorage.endpoint,
      buckets: { ...objectStorage.buckets },
      credentialsSecret: `${namespace}/${objectStorage.credentialsSecretName}`,
    },
  };
}
