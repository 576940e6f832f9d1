import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { irsaRole } from "../cluster/aws-iam-roles";
import { type ResourceTags, withNameTag } from "../common/tags";

export interface AwsVaultUnsealArgs {
  /** OIDC provider of the EKS cluster (IAM roles for service accounts). */
  readonly oidcProviderArn: pulumi.Input<string>;
  readonly oidcIssuerUrl: pulumi.Input<string>;
  /** Namespace and service account Vault's servers run as. */
  readonly namespace: string;
  readonly serviceAccount: string;
  /** Cost-allocation tags. Default `{}`. */
  readonly tags?: ResourceTags;
}

/**
 * What Vault's `awskms` seal needs: a rotating KMS key and an IAM role only Vault's service account
 * can assume, allowed to encrypt and decrypt with that key and nothing else.
 */
export class AwsVaultUnseal extends pulumi.ComponentResource {
  public readonly kmsKeyId: pulumi.Output<string>;
  public readonly roleArn: pulumi.Output<string>;

  constructor(name: string, args: AwsVaultUnsealArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ai-platform:secrets:AwsVaultUnseal", name, {}, opts);
    const tags = args.tags ?? {};
    const key = new aws.kms.Key(
      `${name}-key`,
      {
        description: "Vault auto-unseal",
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        tags: withNameTag(tags, `${name}-key`),
      },
      { parent: this },
    );
    const { role } = irsaRole(
      `${name}-role`,
      {
        oidcProviderArn: args.oidcProviderArn,
        oidcIssuerUrl: args.oidcIssuerUrl,
        namespace: args.namespace,
        serviceAccount: args.serviceAccount,
        managedPolicies: [],
        tags,
      },
      { parent: this },
    );
    new aws.iam.RolePolicy(
      `${name}-kms`,
      {
        role: role.name,
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            { Effect: "Allow", Action: ["kms:Encrypt", "kms:Decrypt", "kms:DescribeKey"], Resource: key.arn },
          ],
        }),
      },
      { parent: this },
    );
    this.kmsKeyId = key.keyId;
    this.roleArn = role.arn;
    this.registerOutputs({ kmsKeyId: this.kmsKeyId, roleArn: this.roleArn });
  }
}
