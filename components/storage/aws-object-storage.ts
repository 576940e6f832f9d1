import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { withNameTag } from "../common/tags";
import {
  ABANDONED_UPLOAD_DAYS,
  type CloudObjectStorageArgs,
  NONCURRENT_VERSION_DAYS,
  type ObjectStorageEndpoint,
} from "./object-storage";

/**
 * S3 buckets for the platform: public access blocked, encrypted with a rotating KMS key, versioned,
 * old versions and abandoned uploads expired; and an IAM user whose key pair can use these buckets
 * only (the in-cluster consumers take S3-compatible keys, like MinIO's).
 */
export class AwsObjectStorage extends pulumi.ComponentResource implements ObjectStorageEndpoint {
  public readonly endpoint: string;
  public readonly buckets: ObjectStorageEndpoint["buckets"];
  public readonly accessKeyId: pulumi.Output<string>;
  public readonly secretAccessKey: pulumi.Output<string>;
  public readonly region: string;

  constructor(name: string, args: CloudObjectStorageArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ai-platform:storage:AwsObjectStorage", name, {}, opts);
    const tags = args.tags ?? {};
    const child = { parent: this };
    const key = new aws.kms.Key(
      `${name}-key`,
      {
        description: "Platform object storage",
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        tags: withNameTag(tags, `${name}-key`),
      },
      child,
    );
    const arns = Object.entries(args.buckets).map(([purpose, bucketName]) => {
      const bucket = new aws.s3.Bucket(
        `${name}-${purpose}`,
        { bucket: bucketName, tags: withNameTag(tags, bucketName) },
        child,
      );
      new aws.s3.BucketPublicAccessBlock(
        `${name}-${purpose}`,
        {
          bucket: bucketName,
          blockPublicAcls: true,
          blockPublicPolicy: true,
          ignorePublicAcls: true,
          restrictPublicBuckets: true,
        },
        { parent: this, dependsOn: [bucket] },
      );
      new aws.s3.BucketServerSideEncryptionConfiguration(
        `${name}-${purpose}`,
        {
          bucket: bucketName,
          rules: [
            {
              applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: key.arn },
              bucketKeyEnabled: true,
            },
          ],
        },
        { parent: this, dependsOn: [bucket] },
      );
      const versioning = new aws.s3.BucketVersioning(
        `${name}-${purpose}`,
        { bucket: bucketName, versioningConfiguration: { status: "Enabled" } },
        { parent: this, dependsOn: [bucket] },
      );
      new aws.s3.BucketLifecycleConfiguration(
        `${name}-${purpose}`,
        {
          bucket: bucketName,
          rules: [
            {
              id: "expire-old-versions-and-uploads",
              status: "Enabled",
              filter: {},
              noncurrentVersionExpiration: { noncurrentDays: NONCURRENT_VERSION_DAYS },
              abortIncompleteMultipartUpload: { daysAfterInitiation: ABANDONED_UPLOAD_DAYS },
            },
          ],
        },
        { parent: this, dependsOn: [versioning] },
      );
      return bucket.arn;
    });

    const user = new aws.iam.User(`${name}-user`, { name: `${name}-platform-storage`, tags }, child);
    new aws.iam.UserPolicy(
      `${name}-user`,
      {
        user: user.name,
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Action: ["s3:ListBucket", "s3:GetBucketLocation", "s3:ListBucketMultipartUploads"],
              Resource: arns,
            },
            {
              Effect: "Allow",
              Action: [
                "s3:GetObject",
                "s3:PutObject",
                "s3:DeleteObject",
                "s3:AbortMultipartUpload",
                "s3:ListMultipartUploadParts",
              ],
              Resource: arns.map((arn) => pulumi.interpolate`${arn}/*`),
            },
            {
              Effect: "Allow",
              Action: ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"],
              Resource: key.arn,
            },
          ],
        }),
      },
      child,
    );
    const accessKey = new aws.iam.AccessKey(
      `${name}-user`,
      { user: user.name },
      { parent: this, additionalSecretOutputs: ["secret"] },
    );

    this.region = args.region;
    this.endpoint = `https://s3.${args.region}.amazonaws.com`;
    this.buckets = args.buckets;
    this.accessKeyId = pulumi.secret(accessKey.id);
    this.secretAccessKey = pulumi.secret(accessKey.secret);
    this.registerOutputs({ endpoint: this.endpoint, buckets: this.buckets });
  }
}
