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
