import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { ResourceTags } from "../common/tags";

const MANAGED_POLICY_PREFIX = "arn:aws:iam::aws:policy/";

/** The service-account annotation naming the role its pods assume; EKS's pod identity webhook reads it. */
export const IRSA_ROLE_ANNOTATION = "eks.amazonaws.com/role-arn";

/** A role and its policy attachments: depend on the attachments, not just the role, before using it. */
export interface RoleWithPolicies {
  readonly role: aws.iam.Role;
  readonly attachments: aws.iam.RolePolicyAttachment[];
}

/** An IAM role an AWS service assumes, with AWS-managed policies attached by name. */
export function serviceRole(
  name: string,
  service: string,
  managedPolicies: readonly string[],
  tags: ResourceTags,
  opts: pulumi.CustomResourceOptions,
): RoleWithPolicies {
  const role = new aws.iam.Role(
    name,
    {
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Principal: { Service: service }, Action: ["sts:AssumeRole", "sts:TagSession"] },
        ],
      }),
      tags,
    },
    opts,
  );
  return { role, attachments: attachManagedPolicies(name, role, managedPolicies, opts) };
}

export interface IrsaRoleArgs {
  readonly oidcProviderArn: pulumi.Input<string>;
  /** Issuer URL of the cluster's OIDC provider, with the `https://` prefix. */
  readonly oidcIssuerUrl: pulumi.Input<string>;
  readonly namespace: string;
  readonly serviceAccount: string;
  readonly managedPolicies: readonly string[];
  readonly tags: ResourceTags;
}

/** An IAM role only one Kubernetes service account can assume (IAM roles for service accounts). */
export function irsaRole(
  name: string,
  args: IrsaRoleArgs,
  opts: pulumi.CustomResourceOptions,
): RoleWithPolicies {
  const assumeRolePolicy = pulumi
    .all([args.oidcProviderArn, args.oidcIssuerUrl])
    .apply(([providerArn, issuerUrl]) => {
      const issuer = issuerUrl.replace(/^https:\/\//, "");
      return JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Federated: providerArn },
            Action: "sts:AssumeRoleWithWebIdentity",
            Condition: {
              StringEquals: {
                [`${issuer}:sub`]: `system:serviceaccount:${args.namespace}:${args.serviceAccount}`,
                [`${issuer}:aud`]: "sts.amazonaws.com",
              },
            },
          },
        ],
      });
    });
  const role = new aws.iam.Role(
    name,
    {
      assumeRolePolicy,
      tags: args.tags,
    },
    opts,
  );
  return { role, attachments: attachManagedPolicies(name, role, args.managedPolicies, opts) };
}

function attachManagedPolicies(
  name: string,
  role: aws.iam.Role,
  policies: readonly string[],
  opts: pulumi.CustomResourceOptions,
): aws.iam.RolePolicyAttachment[] {
  return policies.map(
    (policy) =>
      new aws.iam.RolePolicyAttachment(
        `${name}-${policy.replace(/[^A-Za-z0-9]+/g, "-").toLowerCase()}`,
        { role: role.name, policyArn: `${MANAGED_POLICY_PREFIX}${policy}` },
        opts,
      ),
  );
}

/** What a principal may do in its buckets: read them, or also write and delete objects in them. */
export type BucketAccess = "read-only" | "read-write";

const BUCKET_ACTIONS: Record<BucketAccess, { bucket: string[]; object: string[]; kms: string[] }> = {
  "read-only": {
    bucket: ["s3:ListBucket", "s3:GetBucketLocation"],
    object: ["s3:GetObject"],
    kms: ["kms:Decrypt"],
  },
  "read-write": {
    bucket: ["s3:ListBucket", "s3:GetBucketLocation", "s3:ListBucketMultipartUploads"],
    object: [
      "s3:GetObject",
      "s3:PutObject",
      "s3:DeleteObject",
      "s3:AbortMultipartUpload",
      "s3:ListMultipartUploadParts",
    ],
    // S3 asks KMS for a data key to encrypt what it writes, and to decrypt what it reads.
    kms: ["kms:Decrypt", "kms:GenerateDataKey"],
  },
};

/**
 * An IAM policy document allowing `access` to these buckets and their objects, and the KMS key they are
 * encrypted with as far as S3 needs it for that access. Nothing else.
 */
export function bucketAccessPolicy(
  bucketArns: readonly pulumi.Input<string>[],
  kmsKeyArn: pulumi.Input<string>,
  access: BucketAccess,
): pulumi.Output<string> {
  if (bucketArns.length === 0) throw new Error("bucketAccessPolicy: no buckets to grant");
  const actions = BUCKET_ACTIONS[access];
  return pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Action: actions.bucket, Resource: bucketArns },
      {
        Effect: "Allow",
        Action: actions.object,
        Resource: bucketArns.map((arn) => pulumi.interpolate`${arn}/*`),
      },
      { Effect: "Allow", Action: actions.kms, Resource: kmsKeyArn },
    ],
  });
}
