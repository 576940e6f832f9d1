import type { Peers } from "../baseline/network-policy";
import { RESTRICTED_CONTAINER } from "../common/security-context";
import { MODEL_CACHE_DIR } from "./vllm-args";

/**
 * The platform's object storage, where weights may be uploaded once (the `models` bucket). Always a key
 * pair, even on EKS: `mc` signs with static keys only and cannot assume a role from a web-identity token
 * (AWS_WEB_IDENTITY_TOKEN_FILE / AWS_ROLE_ARN); on Alibaba Cloud, RRSA support varies between clients.
 */
export interface ModelObjectStorage {
  /** S3 API base URL, e.g. `http://minio.data.svc.cluster.local:9000`. */
  readonly endpoint: string;
  readonly bucket: string;
  /** Secret in the models' namespace with the access key pair; the caller copies it there. */
  readonly credentialsSecretName: string;
  readonly accessKeyIdKey: string;
  readonly secretAccessKeyKey: string;
  /** MinIO client (`mc`) image, pinned; it speaks S3 and OSS's S3-compatible API. */
  readonly clientImage: string;
  /** Who the init container may reach for it. */
  readonly networkPeers: Peers;
}

/** TCP port of the storage endpoint (explicit, or the scheme's). */
export function storagePort(endpoint: string): number {
  const url = new URL(endpoint);
  return Number(url.port || (url.protocol === "https:" ? 443 : 80));
}

/**
 * An init container mirroring `path` of the bucket into the weights volume. `mc mirror` copies only
 * what is missing or changed, so a restart with a full volume downloads nothing.
 */
export function fetchFromObjectStorage(storage: ModelObjectStorage, path: string, target: string) {
  if (!/^[A-Za-z0-9._/-]+$/.test(path) || path.split("/").includes(".."))
    throw new Error(`objectStoragePath "${path}" must be a relative path of letters, digits, . _ - /`);
  const secretEnv = (name: string, key: string) => ({
    name,
    valueFrom: { secretKeyRef: { name: storage.credentialsSecretName, key } },
  });
  return {
    name: "fetch-weights",
    image: storage.clientImage,
    command: ["/bin/sh", "-c"],
    args: [
      'mc alias set store "$S3_ENDPOINT" "$S3_ACCESS_KEY" "$S3_SECRET_KEY" >/dev/null && ' +
        'mc mirror --overwrite "store/$S3_BUCKET/$SOURCE_PATH" "$TARGET_DIR"',
    ],
    env: [
      { name: "S3_ENDPOINT", value: storage.endpoint },
      { name: "S3_BUCKET", value: storage.bucket },
      { name: "SOURCE_PATH", value: path },
      { name: "TARGET_DIR", value: target },
      { name: "MC_CONFIG_DIR", value: `${MODEL_CACHE_DIR}/home/.mc` },
      secretEnv("S3_ACCESS_KEY", storage.accessKeyIdKey),
      secretEnv("S3_SECRET_KEY", storage.secretAccessKeyKey),
    ],
    resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "512Mi" } },
    securityContext: RESTRICTED_CONTAINER,
    volumeMounts: [{ name: "models", mountPath: MODEL_CACHE_DIR }],
  };
}
