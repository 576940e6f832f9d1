import type * as kubernetes from "@pulumi/kubernetes";
import { SecretMirror } from "../../components/secrets/secret-mirror";
import { Milvus, type MilvusKafka } from "../../components/vector/milvus";
import type { PlatformConfig } from "../config";
import { OBJECT_STORAGE_IDENTITIES } from "../platform";
import { type DataArea, objectStorageAccessFor } from "./data";
import type { PlatformNamespaces } from "./namespaces";
import type { SecretsArea } from "./secrets";

export interface VectorArea {
  readonly milvus: Milvus;
}

/**
 * Milvus in the ai namespace on the platform's object storage. Its write-ahead log goes to the
 * platform's Kafka where `vector.messageQueue` says so (prod), else it stays in object storage
 * (Woodpecker).
 */
export function deployVector(
  config: PlatformConfig,
  namespaces: PlatformNamespaces,
  data: DataArea,
  secrets: SecretsArea,
  provider: kubernetes.Provider,
): VectorArea {
  const namespace = namespaces.ai.name;
  const { objectStorage } = data;
  const endpoint = new URL(objectStorage.endpoint);
  // With a role, Milvus's service account assumes it and no key pair is copied here for it.
  const { secret: credentials, ...access } = objectStorageAccessFor(
    "milvus",
    "milvus-object-storage",
    namespace,
    objectStorage,
    namespaces.ai,
  );
  const kafka =
    config.platform.vector.messageQueue === "kafka"
      ? kafkaFor(namespace, namespaces, data, secrets, provider)
      : undefined;
  const milvus = new Milvus(
    OBJECT_STORAGE_IDENTITIES.milvus.release,
    {
      namespace,
      mode: config.platform.vector.mode,
      storageGi: config.platform.vector.storageGi,
      objectStorage: {
        host: endpoint.hostname,
        port: Number(endpoint.port || (endpoint.protocol === "https:" ? 443 : 80)),
        bucket: objectStorage.buckets.milvus,
        useSSL: endpoint.protocol === "https:",
        cloudProvider: objectStorage.flavor === "oss" ? "aliyun" : "aws",
        region: objectStorage.flavor === "minio" ? "" : objectStorage.region,
        networkPeers: objectStorage.networkPeers,
        ...access,
      },
      kafka: kafka?.args,
    },
    {
      providers: [provider],
      protect: config.protect,
      dependsOn: [
        namespaces.ai,
        ...(credentials ? [credentials] : []),
        objectStorage.provisionedBy,
        ...(kafka ? [kafka.caCopy] : []),
      ],
    },
  );
  return { milvus };
}

/**
 * The platform's Kafka as Milvus reaches it: the TLS listener, trusting Strimzi's cluster CA through
 * a copy in Milvus's namespace that follows Strimzi's renewals (pods mount only their namespace's
 * Secrets). Milvus's WAL topics are declared with the Kafka cluster (deployData).
 */
function kafkaFor(
  namespace: string,
  namespaces: PlatformNamespaces,
  data: DataArea,
  secrets: SecretsArea,
  provider: kubernetes.Provider,
): { args: MilvusKafka; caCopy: SecretMirror } {
  const caCopy = new SecretMirror(
    "milvus-kafka-ca",
    {
      sourceNamespace: namespaces.data.name,
      sourceSecretName: data.kafka.clusterCaSecretName,
      keys: ["ca.crt"],
      targetNamespace: namespace,
      targetSecretName: "milvus-kafka-ca",
    },
    // External Secrets' CRDs and controller do the copying; Strimzi writes the source.
    { providers: [provider], dependsOn: [namespaces.ai, data.kafka, secrets.externalSecrets] },
  );
  return {
    args: { bootstrapServers: data.kafka.bootstrapServers, tlsCaSecretName: caCopy.secretName },
    caCopy,
  };
}
