import type { ResourceRule } from "../../lib/rule";

const STATEFUL_TYPES = [
  "alicloud:cs/managedKubernetes:ManagedKubernetes",
  "alicloud:cs/nodePool:NodePool",
  "alicloud:vpc/network:Network",
  "alicloud:oss/bucket:Bucket",
  "aws:eks/cluster:Cluster",
  "aws:eks/nodeGroup:NodeGroup",
  "aws:ec2/vpc:Vpc",
  "aws:kms/key:Key",
  "aws:s3/bucket:Bucket",
  "kubernetes:core/v1:PersistentVolumeClaim",
  "kubernetes:postgresql.cnpg.io/v1:Cluster",
];

export const protectStatefulResources: ResourceRule<{ statefulTypes: string[] }> = {
  kind: "resource",
  name: "pulumi-protect-stateful",
  description:
    "Stateful and expensive resources (clusters, node pools, VPCs, keys, buckets, databases) are protected.",
  severity: "critical",
  enforcementLevel: "advisory",
  remediationSteps:
    "Set ai-platform:protect: true (the prod profile does) so `pulumi destroy` or a rename cannot delete them.",
  configSchema: {
    properties: { statefulTypes: { type: "array", items: { type: "string" }, default: STATEFUL_TYPES } },
  },
  validate: (resource, { statefulTypes }) =>
    statefulTypes.includes(resource.type) && !resource.protect
      ? [`${resource.type} ${resource.name} is not protected`]
      : [],
};

export const credentialsAreSecrets: ResourceRule = {
  kind: "resource",
  name: "pulumi-credentials-secret",
  description:
    "Every value of a Kubernetes Secret is a Pulumi secret, so no credential is stored in plain text in state.",
  severity: "critical",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Build Secret data from pulumi.secret(...), a random.RandomPassword result or config.requireSecret(...).",
  validate: (resource) => {
    if (resource.type !== "kubernetes:core/v1:Secret") return [];
    const keys = ["data", "stringData"].flatMap((field) =>
      Object.keys(resource.props[field] ?? {}).map((key) => `${field}.${key}`),
    );
    const isSecret = (path: string) =>
      resource.secretPaths.some((secret) => path === secret || path.startsWith(`${secret}.`));
    return keys
      .filter((path) => !isSecret(path))
      .map(
        (path) => `Secret ${resource.props.metadata?.name ?? resource.name}: ${path} is not a Pulumi secret`,
      );
  },
};

export const pulumiRules = [protectStatefulResources, credentialsAreSecrets];
