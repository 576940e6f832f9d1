import { adminPortsIn, adminPortsSchema, OPEN_TO_WORLD } from "../../lib/admin-ports";
import type { ResourceRule, StackRule } from "../../lib/rule";

const EKS = "aws:eks/cluster:Cluster";

export const eksSecretsEncryption: ResourceRule = {
  kind: "resource",
  name: "eks-secrets-encryption",
  description: "EKS clusters envelope-encrypt Kubernetes Secrets with a KMS key.",
  severity: "critical",
  enforcementLevel: "mandatory",
  remediationSteps:
    'Set encryptionConfig { provider: { keyArn }, resources: ["secrets"] } (EksCluster does).',
  validate: (resource) => {
    if (resource.type !== EKS) return [];
    const config = resource.props.encryptionConfig;
    return config?.provider?.keyArn && (config.resources ?? []).includes("secrets")
      ? []
      : [`EKS cluster ${resource.props.name ?? resource.name} does not encrypt Secrets with KMS`];
  },
};

export const eksControlPlaneLogging: ResourceRule<{ requiredLogTypes: string[] }> = {
  kind: "resource",
  name: "eks-control-plane-logging",
  description: "EKS control-plane logs (at least api, audit, authenticator) go to CloudWatch.",
  severity: "high",
  enforcementLevel: "mandatory",
  remediationSteps: "Add the missing types to enabledClusterLogTypes.",
  configSchema: {
    properties: {
      requiredLogTypes: {
        type: "array",
        items: { type: "string" },
        default: ["api", "audit", "authenticator"],
      },
    },
  },
  validate: (resource, { requiredLogTypes }) => {
    if (resource.type !== EKS) return [];
    const enabled: string[] = resource.props.enabledClusterLogTypes ?? [];
    const missing = requiredLogTypes.filter((type) => !enabled.includes(type));
    return missing.length > 0
      ? [`EKS cluster ${resource.props.name ?? resource.name} does not log ${missing.join(", ")}`]
      : [];
  },
};

export const eksEndpointAccess: ResourceRule = {
  kind: "resource",
  name: "eks-endpoint-public-access-restricted",
  description: "The EKS public endpoint is off, or limited to specific CIDRs.",
  severity: "critical",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Leave ai-platform:cluster.apiServerAccessCidrs empty, or list only specific egress CIDRs.",
  validate: (resource) => {
    if (resource.type !== EKS) return [];
    const vpc = resource.props.vpcConfig ?? {};
    // AWS turns the public endpoint on, open to the world, when these are not set.
    if (vpc.endpointPublicAccess === false) return [];
    const cidrs: string[] = vpc.publicAccessCidrs ?? ["0.0.0.0/0"];
    const open = cidrs.filter((cidr) => OPEN_TO_WORLD.includes(cidr));
    return open.length > 0 || cidrs.length === 0
      ? [
          `EKS cluster ${resource.props.name ?? resource.name} has a public endpoint open to ${open.join(", ") || "everyone"}`,
        ]
      : [];
  },
};

const S3 = {
  bucket: ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"],
  publicAccessBlock: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
  encryption: [
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
  ],
  versioning: ["aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucketVersioningV2:BucketVersioningV2"],
};

export const s3BucketHardening: StackRule = {
  kind: "stack",
  name: "s3-bucket-hardening",
  description: "S3 buckets block public access, are encrypted at rest and versioned.",
  severity: "high",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Give the bucket an explicit name and add a BucketPublicAccessBlock (all four flags true), a server-side encryption configuration and BucketVersioning (Enabled) for it.",
  validate: (resources) => {
    const settingsFor = (types: string[], bucket: string) =>
      resources.filter((resource) => types.includes(resource.type) && resource.props.bucket === bucket);
    return resources
      .filter((resource) => S3.bucket.includes(resource.type))
      .flatMap((resource) => {
        const bucket: string = resource.props.bucket ?? resource.name;
        const block = settingsFor([S3.publicAccessBlock], bucket)[0]?.props ?? {};
        const blocksAll = [
          "blockPublicAcls",
          "blockPublicPolicy",
          "ignorePublicAcls",
          "restrictPublicBuckets",
        ].every((flag) => block[flag] === true);
        const versioned = settingsFor(S3.versioning, bucket).some(
          (versioning) => versioning.props.versioningConfiguration?.status === "Enabled",
        );
        return [
          blocksAll ? undefined : "does not block all public access",
          settingsFor(S3.encryption, bucket).length > 0
            ? undefined
            : "has no server-side encryption configuration",
          versioned ? undefined : "is not versioned",
        ]
          .filter((problem) => problem !== undefined)
          .map((problem) => `S3 bucket ${bucket} ${problem}`);
      });
  },
};

export const awsSecurityGroupAdminPorts: ResourceRule<{ adminPorts: number[] }> = {
  kind: "resource",
  name: "aws-security-group-admin-ports",
  description: "No security group opens an admin port (SSH, RDP, Kubernetes, databases) to the internet.",
  severity: "critical",
  enforcementLevel: "mandatory",
  remediationSteps: "Restrict the CIDR to your VPN/bastion range or use SSM Session Manager.",
  configSchema: { properties: { adminPorts: adminPortsSchema } },
  validate: (resource, { adminPorts }) => {
    const { props } = resource;
    const rules: { from: number; to: number; cidrs: string[] }[] = [];
    if (resource.type === "aws:ec2/securityGroup:SecurityGroup") {
      for (const rule of props.ingress ?? []) {
        rules.push({
          from: rule.fromPort,
          to: rule.toPort,
          cidrs: [...(rule.cidrBlocks ?? []), ...(rule.ipv6CidrBlocks ?? [])],
        });
      }
    } else if (resource.type === "aws:ec2/securityGroupRule:SecurityGroupRule" && props.type === "ingress") {
      rules.push({
        from: props.fromPort,
        to: props.toPort,
        cidrs: [...(props.cidrBlocks ?? []), ...(props.ipv6CidrBlocks ?? [])],
      });
    } else if (resource.type === "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule") {
      const allPorts = props.ipProtocol === "-1";
      rules.push({
        from: allPorts ? -1 : props.fromPort,
        to: allPorts ? -1 : props.toPort,
        cidrs: [props.cidrIpv4, props.cidrIpv6],
      });
    }
    const open = rules
      .filter((rule) => rule.cidrs.some((cidr) => OPEN_TO_WORLD.includes(cidr)))
      .flatMap((rule) => adminPortsIn(rule.from, rule.to, adminPorts));
    return open.length > 0
      ? [`${resource.name} opens port(s) ${[...new Set(open)].join(", ")} to the internet`]
      : [];
  },
};

export const awsKmsRotation: ResourceRule = {
  kind: "resource",
  name: "aws-kms-key-rotation",
  description: "Symmetric KMS keys rotate automatically.",
  severity: "medium",
  enforcementLevel: "mandatory",
  remediationSteps: "Set enableKeyRotation: true.",
  validate: (resource) => {
    if (resource.type !== "aws:kms/key:Key") return [];
    const symmetric = (resource.props.customerMasterKeySpec ?? "SYMMETRIC_DEFAULT") === "SYMMETRIC_DEFAULT";
    return symmetric && resource.props.enableKeyRotation !== true
      ? [`KMS key ${resource.name} does not rotate`]
      : [];
  },
};

export const awsRules = [
  eksSecretsEncryption,
  eksControlPlaneLogging,
  eksEndpointAccess,
  s3BucketHardening,
  awsSecurityGroupAdminPorts,
  awsKmsRotation,
];
