import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { ResourceTags } from "../common/tags";

const MANAGED_POLICY_PREFIX = "arn:aws:iam::aws:policy/";

/** An IAM role an AWS service assumes, with AWS-managed policies attached by name. */
export function serviceRole(
  name: string,
  service: string,
  managedPolicies: readonly string[],
  tags: ResourceTags,
  opts: pulumi.CustomResourceOptions,
): aws.iam.Role {
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
  attachManagedPolicies(name, role, managedPolicies, opts);
  return role;
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
export function irsaRole(name: string, args: IrsaRoleArgs, opts: pulumi.CustomResourceOptions): aws.iam.Role {
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
  attachManagedPolicies(name, role, args.managedPolicies, opts);
  return role;
}

function attachManagedPolicies(
  name: string,
  role: aws.iam.Role,
  policies: readonly string[],
  opts: pulumi.CustomResourceOptions,
): void {
  for (const policy of policies) {
    new aws.iam.RolePolicyAttachment(
      `${name}-${policy.replace(/[^A-Za-z0-9]+/g, "-").toLowerCase()}`,
      { role: role.name, policyArn: `${MANAGED_POLICY_PREFIX}${policy}` },
      opts,
    );
  }
}
