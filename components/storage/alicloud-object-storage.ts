import * as alicloud from "@pulumi/alicloud";
import * as pulumi from "@pulumi/pulumi";
import {
  ABANDONED_UPLOAD_DAYS,
  type CloudObjectStorageArgs,
  NONCURRENT_VERSION_DAYS,
  type ObjectStorageEndpoint,
} from "./object-storage";

/**
 * OSS buckets for the platform: private, encrypted at rest, versioned, old versions and abandoned
 * uploads expired; and a RAM user whose key pair can use these buckets only. Clients reach OSS over
 * the region's internal (VPC) endpoint with its S3-compatible API.
 */
export class AlicloudObjectStorage extends pulumi.ComponentResource implements ObjectStorageEndpoint {
  public readonly endpoint: string;
  public readonly buckets: ObjectStorageEndpoint["buckets"];
  public readonly accessKeyId: pulumi.Output<string>;
  public readonly secretAccessKey: pulumi.Output<string>;
  public readonly region: string;

  constructor(name: string, args: CloudObjectStorageArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ai-platform:storage:AlicloudObjectStorage", name, {}, opts);
    const tags = args.tags ?? {};
    const child = { parent: this };
    const names = Object.values(args.buckets);
    for (const [purpose, bucket] of Object.entries(args.buckets)) {
      new alicloud.oss.Bucket(
        `${name}-${purpose}`,
        {
          bucket,
          acl: "private",
          serverSideEncryptionRule: { sseAlgorithm: "AES256" },
          versioning: { status: "Enabled" },
          lifecycleRules: [
            {
              id: "expire-old-versions-and-uploads",
              enabled: true,
              prefix: "",
              noncurrentVersionExpirations: [{ days: NONCURRENT_VERSION_DAYS }],
              abortMultipartUploads: [{ days: ABANDONED_UPLOAD_DAYS }],
            },
          ],
          tags,
        },
        child,
      );
    }

    const user = new alicloud.ram.User(
      `${name}-user`,
      { name: `${name}-platform-storage`, comments: "Platform object storage", tags },
      child,
    );
    const policy = new alicloud.ram.Policy(
      `${name}-policy`,
      {
        policyName: `${name}-platform-storage`,
        policyDocument: JSON.stringify({
          Version: "1",
          Statement: [
            {
              Effect: "Allow",
              Action: [
                "oss:ListObjects",
                "oss:GetBucketInfo",
                "oss:GetObject",
                "oss:PutObject",
                "oss:DeleteObject",
                "oss:AbortMultipartUpload",
                "oss:ListParts",
              ],
              Resource: names.flatMap((bucket) => [`acs:oss:*:*:${bucket}`, `acs:oss:*:*:${bucket}/*`]),
            },
          ],
        }),
        tags,
      },
      child,
    );
    new alicloud.ram.UserPolicyAttachment(
      `${name}-attachment`,
      { userName: user.name, policyName: policy.policyName, policyType: "Custom" },
      child,
    );
    const accessKey = new alicloud.ram.AccessKey(
      `${name}-access-key`,
      { userName: user.name },
      { parent: this, additionalSecretOutputs: ["secret"] },
    );

    this.region = args.region;
    this.endpoint = `https://oss-${args.region}-internal.aliyuncs.com`;
    this.buckets = args.buckets;
    this.accessKeyId = pulumi.secret(accessKey.id);
    this.secretAccessKey = pulumi.secret(accessKey.secret);
    this.registerOutputs({ endpoint: this.endpoint, buckets: this.buckets });
  }
}
