import type * as kubernetes from "@pulumi/kubernetes";
import { secretCopy } from "../../components/baseline/secret-copy";
import { Milvus } from "../../components/vector/milvus";
import type { PlatformConfig } from "../config";
import type { DataArea } from "./data";
import type { PlatformNamespaces } from "./namespaces";

export interface VectorArea {
  readonly milvus: Milvus;
}

/**
 * Milvus in the ai namespace on the platform's object storage. Its write-ahead log stays in object
 * storage (Woodpecker) in every environment for now: Kafka needs Strimzi's cluster CA in the ai
 * namespace, which the platform does not distribute yet.
 */
export function deployVector(
  config: PlatformConfig,
  namespaces: PlatformNamespaces,
  data: DataArea,
  provider: kubernetes.Provider,
): VectorArea {
  const namespace = namespaces.ai.name;
  const { objectStorage } = data;
  const endpoint = new URL(objectStorage.endpoint);
  const credentials = secretCopy(
    "milvus-object-storage",
    namespace,
    { accessKey: objectStorage.accessKeyId, secretKey: objectStorage.secretAccessKey },
    { parent: namespaces.ai },
  );
  const milvus = new Milvus(
    "milvus",
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
        credentialsSecretName: "milvus-object-storage",
        accessKeyIdKey: "accessKey",
        secretAccessKeyKey: "secretKey",
      },
    },
    {
      providers: [provider],
      protect: config.protect,
      dependsOn: [namespaces.ai, credentials, objectStorage.provisionedBy],
    },
  );
  return { milvus };
}
