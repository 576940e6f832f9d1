import type * as kubernetes from "@pulumi/kubernetes";
import { allowEgress } from "../../components/baseline/network-policy";
import { KafkaCluster } from "../../components/data/kafka-cluster";
import { PostgresCluster } from "../../components/data/postgres-cluster";
import { RedisStore } from "../../components/data/redis-store";
import { MinioObjectStore } from "../../components/storage/minio-object-store";
import type { PlatformOutputs } from "../../packages/platform-outputs/src/contract";
import type { PlatformConfig } from "../config";
import { NAMESPACES, type PlatformNamespaces } from "./namespaces";

const NAMESPACE_OF_DATA = NAMESPACES.data;

/** Buckets the platform itself uses. */
export const PLATFORM_BUCKETS = {
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

export interface DataArea {
  readonly postgres: PostgresCluster;
  readonly kafka: KafkaCluster;
  readonly redis: RedisStore;
  readonly objectStorage: MinioObjectStore;
}

/** Object storage, PostgreSQL, Redis and Kafka in the data namespace, sized by the environment profile. */
export function deployData(
  config: PlatformConfig,
  namespaces: PlatformNamespaces,
  provider: kubernetes.Provider,
): DataArea {
  const settings = config.platform.data;
  const namespace = namespaces.data.name;
  // Stateful: protected in prod along with the cluster.
  const opts = { providers: [provider], protect: config.protect, dependsOn: [namespaces.data] };

  const objectStorage = new MinioObjectStore(
    "minio",
    {
      namespace,
      image: settings.objectStorage.minioImage,
      clientImage: settings.objectStorage.minioClientImage,
      mode: settings.objectStorage.mode,
      storageGi: settings.objectStorage.storageGi,
      buckets: Object.values(PLATFORM_BUCKETS),
      clientNamespaces: CLIENTS.objectStorage,
    },
    opts,
  );
  const postgres = new PostgresCluster(
    "postgres",
    {
      namespace,
      instances: settings.postgres.instances,
      storageGi: settings.postgres.storageGi,
      databases: [...PLATFORM_DATABASES, ...settings.postgres.appDatabases],
      clientNamespaces: CLIENTS.postgres,
      metricsNamespace: NAMESPACES.observability,
      backup: {
        destinationPath: `s3://${PLATFORM_BUCKETS.postgresBackups}/${config.stack}`,
        endpointURL: objectStorage.endpoint,
        credentialsSecretName: objectStorage.credentialsSecretName,
      },
    },
    { ...opts, dependsOn: [namespaces.data, objectStorage] },
  );
  const kafka = new KafkaCluster(
    "kafka",
    {
      namespace,
      nodes: settings.kafka.nodes,
      storageGi: settings.kafka.storageGi,
      topics: settings.kafka.topics,
      clientNamespaces: CLIENTS.kafka,
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

  // PostgreSQL ships WAL and backups to MinIO in the same namespace.
  allowEgress(
    "postgres-to-object-storage",
    {
      namespace,
      podLabels: { "cnpg.io/cluster": postgres.clusterName },
      peers: [
        {
          namespace,
          podLabels: { "app.kubernetes.io/name": "minio", "app.kubernetes.io/component": "server" },
        },
      ],
      ports: [9000],
    },
    { parent: namespaces.data },
  );
  return { postgres, kafka, redis, objectStorage };
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
      buckets: { ...PLATFORM_BUCKETS },
      credentialsSecret: `${namespace}/${objectStorage.credentialsSecretName}`,
    },
  };
}
