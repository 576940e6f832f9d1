import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { ResourceTags } from "../common/tags";

const MANAGED_POLICY_PREFIX = "arn:aws:iam::aws:policy/";

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
