import * as alicloud from "@pulumi/alicloud";
import * as pulumi from "@pulumi/pulumi";
import type { ResourceTags } from "../common/tags";

export interface AlicloudVaultUnsealArgs {
  /** Cost-allocation tags. Default `{}`. */
  readonly tags?: ResourceTags;
}

/**
 * What Vault's `alicloudkms` seal needs: a rotating KMS key and a RAM user allowed to encrypt and
 * decrypt with that key only. Vault's Alibaba Cloud seal authenticates with an access key pair, so the
 * pair is exposed as Pulumi secrets for the caller to put into a Secret in Vault's namespace.
 */
export class AlicloudVaultUnseal extends pulumi.ComponentResource {
  public readonly kmsKeyId: pulumi.Output<string>;
  public readonly accessKeyId: pulumi.Output<string>;
  public readonly accessKeySecret: pulumi.Output<string>;

  constructor(name: string, args: AlicloudVaultUnsealArgs = {}, opts?: pulumi.ComponentResourceOptions) {
    super("ai-platform:secrets:AlicloudVaultUnseal", name, {}, opts);
    const tags = args.tags ?? {};
    const key = new alicloud.kms.Key(
      `${name}-key`,
      {
        description: "Vault auto-unseal",
        keySpec: "Aliyun_AES_256",
        keyUsage: "ENCRYPT/DECRYPT",
        automaticRotation: "Enabled",
        rotationInterval: "31536000s",
        pendingWindowInDays: 30,
        tags,
      },
      { parent: this },
    );
    const user = new alicloud.ram.User(
      `${name}-user`,
      { name: `${name}-vault-unseal`, comments: "Vault auto-unseal", tags },
      { parent: this },
    );
    const policy = new alicloud.ram.Policy(
      `${name}-policy`,
      {
        policyName: `${name}-vault-unseal`,
        policyDocument: pulumi.jsonStringify({
          Version: "1",
          Statement: [
            {
              Effect: "Allow",
              Action: ["kms:Encrypt", "kms:Decrypt", "kms:DescribeKey"],
              Resource: [key.arn],
            },
          ],
        }),
        tags,
      },
      { parent: this },
    );
    new alicloud.ram.UserPolicyAttachment(
      `${name}-attachment`,
      { userName: user.name, policyName: policy.policyName, policyType: "Custom" },
      { parent: this },
    );
    const accessKey = new alicloud.ram.AccessKey(
      `${name}-access-key`,
      { userName: user.name },
      { parent: this, additionalSecretOutputs: ["secret"] },
    );
    this.kmsKeyId = key.id;
    this.accessKeyId = pulumi.secret(accessKey.id);
    this.accessKeySecret = pulumi.secret(accessKey.secret);
    this.registerOutputs({ kmsKeyId: this.kmsKeyId });
  }
}
