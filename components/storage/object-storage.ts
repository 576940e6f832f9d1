import type * as pulumi from "@pulumi/pulumi";
import type { ResourceTags } from "../common/tags";

/** What consumers of object storage need, whichever provides it (MinIO in the cluster, S3, OSS). */
export interface ObjectStorageEndpoint {
  /** S3-compatible endpoint URL, e.g. `https://s3.us-west-2.amazonaws.com`. */
  readonly endpoint: string;
  /** Bucket name per purpose: postgresBackups, loki, milvus, models. */
  readonly buckets: Readonly<Record<"postgresBackups" | "loki" | "milvus" | "models", string>>;
  /** Access key pair, as Pulumi secrets, for copying into a Secret in a consumer's namespace. */
  readonly accessKeyId: pulumi.Output<string>;
  readonly secretAccessKey: pulumi.Output<string>;
  /** Region to sign requests for; MinIO ignores it. */
  readonly region: string;
}

/** Days a replaced or deleted object version is kept before it expires. */
export const NONCURRENT_VERSION_DAYS = 30;
/** Days an unfinished multipart upload is kept. */
export const ABANDONED_UPLOAD_DAYS = 7;

/** What a cloud's object storage component takes, on every cloud. */
export interface CloudObjectStorageArgs {
  readonly region: string;
  /** Bucket name per purpose; bucket names are global, so include something unique (the stack name). */
  readonly buckets: ObjectStorageEndpoint["buckets"];
  /** Cost-allocation tags. Default `{}`. */
  readonly tags?: ResourceTags;
}

/** How a consumer reaches the object storage: an IAM role for its service account, or a key pair Secret. */
export interface ObjectStorageAccess {
  readonly serviceAccountRoleArn?: pulumi.Input<string>;
  readonly credentialsSecretName?: string;
  readonly accessKeyIdKey?: string;
  readonly secretAccessKeyKey?: string;
}

export type ResolvedAccess =
  | { readonly type: "role"; readonly roleArn: pulumi.Input<string> }
  | { readonly type: "keys"; readonly secret: string; readonly idKey: string; readonly secretKey: string };

/** The role, or the complete key pair reference: one of them, never both; throws naming what is wrong. */
export function objectStorageAccess(name: string, access: ObjectStorageAccess): ResolvedAccess {
  const { serviceAccountRoleArn: roleArn, credentialsSecretName: secret } = access;
  const { accessKeyIdKey: idKey, secretAccessKeyKey: secretKey } = access;
  if (roleArn !== undefined) {
    if (secret !== undefined || idKey !== undefined || secretKey !== undefined)
      throw new Error(
        `${name}: objectStorage has a serviceAccountRoleArn and a key pair Secret; give one of them`,
      );
    return { type: "role", roleArn };
  }
  if (secret === undefined || idKey === undefined || secretKey === undefined)
    throw new Error(
      `${name}: objectStorage needs serviceAccountRoleArn, or credentialsSecretName with accessKeyIdKey and secretAccessKeyKey`,
    );
  return { type: "keys", secret, idKey, secretKey };
}
