import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { type BucketAccess, bucketAccessPolicy, irsaRole } from "../cluster/aws-iam-roles";
import { type ResourceTags, withNameTag } from "../common/tags";
import {
  ABANDONED_UPLOAD_DAYS,
  type CloudObjectStorageArgs,
  NONCURRENT_VERSION_DAYS,
  type ObjectStorageEndpoint,
} from "./object-storage";

type BucketPurpose = keyof ObjectStorageEndpoint["buckets"];

/** A workload that reaches its buckets through an IAM role its service account assumes (IRSA). */
export interface BucketConsumer {
  /** Namespace of the workload's pods. No default. */
  readonly namespace: string;
  /** Service account the pods run as: the only identity that can assume the role. No default. */
  readonly serviceAccount: string;
  /** Purposes (keys of `buckets`) of the buckets it may use; at least one. No default. */
  readonly buckets: readonly BucketPurpose[];
  /** What it may do in them. No default. */
  readonly access: BucketAccess;
}

/** The cluster's OIDC provider and the consumers that get a role of their own. */
export interface ServiceAccountRolesArgs {
  /** OIDC provider of the EKS cluster. No default. */
  readonly oidcProviderArn: pulumi.Input<string>;
  /** Its issuer URL, with the `https://` prefix. No default. */
  readonly oidcIssuerUrl: pulumi.Input<string>;
  /** One role per consumer, named after its key (letters, digits, dashes). No default. */
  readonly consumers: Readonly<Record<string, BucketConsumer>>;
}

export interface AwsObjectStorageArgs extends CloudObjectStorageArgs {
  /**
   * IAM roles for service accounts, one per consumer, each allowed only its own buckets.
   * Default: none, and every consumer uses the IAM user's key pair.
   */
  readonly serviceAccountRoles?: ServiceAccountRolesArgs;
}

/** Every problem with the consumers, so a caller fixes them at once; none means the args are usable. */
export function consumerProblems(
  buckets: ObjectStorageEndpoint["buckets"],
  consumers: Readonly<Record<string, BucketConsumer>>,
): string[] {
  const owners = new Map<string, string>();
  return Object.entries(consumers).flatMap(([key, consumer]) => {
    const identity = `${consumer.namespace}/${consumer.serviceAccount}`;
    const sharedWith = owners.get(identity);
    owners.set(identity, sharedWith ?? key);
    return [
      /^[a-z0-9][a-z0-9-]*$/.test(key) ? undefined : `consumer "${key}" must be letters, digits and dashes`,
      consumer.buckets.length > 0 ? undefined : `consumer "${key}" names no bucket`,
      ...consumer.buckets
        .filter((purpose) => !(purpose in buckets))
        .map((purpose) => `consumer "${key}" names bucket "${purpose}", which is not one of the buckets`),
      sharedWith ? `consumers "${sharedWith}" and "${key}" share the service account ${identity}` : undefined,
    ].filter((problem): problem is string => problem !== undefined);
  });
}

/**
 * S3 buckets for the platform: public access blocked, encrypted with a rotating KMS key, versioned,
 * old versions and abandoned uploads expired; an IAM user whose key pair can use these buckets only
 * (for consumers that take S3-compatible keys, like MinIO's, and for the credentials Secret published
 * to application teams); and, when asked, one IAM role per consumer's service account, allowed only
 * that consumer's buckets, so it needs no long-lived key at all.
 */
export class AwsObjectStorage extends pulumi.ComponentResource implements ObjectStorageEndpoint {
  public readonly endpoint: string;
  public readonly buckets: ObjectStorageEndpoint["buckets"];
  public readonly accessKeyId: pulumi.Output<string>;
  public readonly secretAccessKey: pulumi.Output<string>;
  public readonly region: string;
  /**
   * Role ARN per consumer of `serviceAccountRoles`. Each resolves only once the role's policy is in place,
   * so whatever takes it waits for a role that can already reach the buckets.
   */
  public readonly roleArns: Readonly<Record<string, pulumi.Output<string>>>;

  constructor(name: string, args: AwsObjectStorageArgs, opts?: pulumi.ComponentResourceOptions) {
    const problems = consumerProblems(args.buckets, args.serviceAccountRoles?.consumers ?? {});
    if (problems.length > 0) throw new Error(`${name}: ${problems.join("; ")}`);
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
    const purposes = Object.keys(args.buckets) as BucketPurpose[];
    const bucketArns = Object.fromEntries(
      purposes.map((purpose) => [purpose, this.bucket(name, purpose, args.buckets[purpose], key, tags)]),
    ) as Record<BucketPurpose, pulumi.Output<string>>;

    const user = new aws.iam.User(`${name}-user`, { name: `${name}-platform-storage`, tags }, child);
    new aws.iam.UserPolicy(
      `${name}-user`,
      { user: user.name, policy: bucketAccessPolicy(Object.values(bucketArns), key.arn, "read-write") },
      child,
    );
    const accessKey = new aws.iam.AccessKey(
      `${name}-user`,
      { user: user.name },
      { parent: this, additionalSecretOutputs: ["secret"] },
    );

    const roles = args.serviceAccountRoles;
    this.roleArns = roles ? this.consumerRoles(name, roles, bucketArns, key.arn, tags) : {};

    this.region = args.region;
    this.endpoint = `https://s3.${args.region}.amazonaws.com`;
    this.buckets = args.buckets;
    this.accessKeyId = pulumi.secret(accessKey.id);
    this.secretAccessKey = pulumi.secret(accessKey.secret);
    this.registerOutputs({ endpoint: this.endpoint, buckets: this.buckets, roleArns: this.roleArns });
  }

  /** Per consumer, a role only its service account can assume, with a policy for its buckets only. */
  private consumerRoles(
    name: string,
    roles: ServiceAccountRolesArgs,
    bucketArns: Readonly<Record<BucketPurpose, pulumi.Output<string>>>,
    keyArn: pulumi.Output<string>,
    tags: ResourceTags,
  ): Record<string, pulumi.Output<string>> {
    const child = { parent: this };
    return Object.fromEntries(
      Object.entries(roles.consumers).map(([consumer, grant]) => {
        const roleName = `${name}-${consumer}`;
        const { role } = irsaRole(
          roleName,
          {
            oidcProviderArn: roles.oidcProviderArn,
            oidcIssuerUrl: roles.oidcIssuerUrl,
            namespace: grant.namespace,
            serviceAccount: grant.serviceAccount,
            managedPolicies: [],
            tags,
          },
          child,
        );
        const buckets = grant.buckets.map((purpose) => bucketArns[purpose]);
        const policy = new aws.iam.RolePolicy(
          roleName,
          { role: role.name, policy: bucketAccessPolicy(buckets, keyArn, grant.access) },
          child,
        );
        return [consumer, pulumi.all([role.arn, policy.id]).apply(([arn]) => arn)];
      }),
    );
  }

  /** One bucket with its public access block, encryption, versioning and lifecycle; returns its ARN. */
  private bucket(
    name: string,
    purpose: string,
    bucketName: string,
    key: aws.kms.Key,
    tags: ResourceTags,
  ): pulumi.Output<string> {
    const bucket = new aws.s3.Bucket(
      `${name}-${purpose}`,
      { bucket: bucketName, tags: withNameTag(tags, bucketName) },
      { parent: this },
    );
    const afterBucket = { parent: this, dependsOn: [bucket] };
    new aws.s3.BucketPublicAccessBlock(
      `${name}-${purpose}`,
      {
        bucket: bucketName,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      },
      afterBucket,
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
      afterBucket,
    );
    const versioning = new aws.s3.BucketVersioning(
      `${name}-${purpose}`,
      { bucket: bucketName, versioningConfiguration: { status: "Enabled" } },
      afterBucket,
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
  }
}
