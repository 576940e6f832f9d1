import { adminPortsIn, adminPortsSchema, OPEN_TO_WORLD } from "../../lib/admin-ports";
import type { ResourceRule, StackRule } from "../../lib/rule";

const ACK = "alicloud:cs/managedKubernetes:ManagedKubernetes";
const SLB_ACL = "alicloud:slb/acl:Acl";

export const ackDeletionProtection: ResourceRule = {
  kind: "resource",
  name: "ack-deletion-protection",
  description: "ACK clusters have deletion protection on (mandatory in prod).",
  severity: "critical",
  enforcementLevel: "advisory",
  remediationSteps: "Set ai-platform:cluster.deletionProtection: true (the prod profile does).",
  validate: (resource) =>
    resource.type === ACK && resource.props.deletionProtection !== true
      ? [`ACK cluster ${resource.props.name ?? resource.name} has deletion protection off`]
      : [],
};

export const ackRrsa: ResourceRule = {
  kind: "resource",
  name: "ack-rrsa-enabled",
  description: "ACK clusters have RRSA on, so workloads get RAM roles instead of long-lived keys.",
  severity: "high",
  enforcementLevel: "mandatory",
  remediationSteps: "Set enableRrsa: true on the cluster (AckCluster always does).",
  validate: (resource) =>
    resource.type === ACK && resource.props.enableRrsa !== true
      ? [`ACK cluster ${resource.props.name ?? resource.name} has RRSA off`]
      : [],
};

export const ackApiServerAccess: StackRule = {
  kind: "stack",
  name: "ack-api-server-access",
  description: "An ACK API server is private, or public only with an access-control list of specific CIDRs.",
  severity: "critical",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Leave ai-platform:cluster.apiServerAccessCidrs empty (private), or list only your VPN/office egress CIDRs.",
  validate: (resources) => {
    const acls = resources.filter((resource) => resource.type === SLB_ACL);
    const entries = acls.flatMap((acl) =>
      (acl.props.entryLists ?? []).map((entry: { entry?: string }) => entry.entry),
    );
    return resources
      .filter((resource) => resource.type === ACK && resource.props.slbInternetEnabled !== false)
      .flatMap((cluster) => {
        const name = cluster.props.name ?? cluster.name;
        if (entries.length === 0)
          return [`ACK cluster ${name} has a public API server and no access-control list`];
        const open = entries.filter((entry) => OPEN_TO_WORLD.includes(entry));
        return open.length > 0 ? [`ACK cluster ${name}: the API server ACL allows ${open.join(", ")}`] : [];
      });
  },
};

export const ossBucketHardening: ResourceRule = {
  kind: "resource",
  name: "oss-bucket-private-encrypted-versioned",
  description: "OSS buckets are private, encrypted at rest and versioned.",
  severity: "high",
  enforcementLevel: "mandatory",
  remediationSteps:
    'Set acl "private", serverSideEncryptionRule { sseAlgorithm: "KMS" or "AES256" } and versioning { status: "Enabled" }.',
  validate: (resource) => {
    if (resource.type !== "alicloud:oss/bucket:Bucket") return [];
    const name = resource.props.bucket ?? resource.name;
    return [
      ["public-read", "public-read-write"].includes(resource.props.acl)
        ? `is ${resource.props.acl}`
        : undefined,
      resource.props.serverSideEncryptionRule?.sseAlgorithm ? undefined : "has no server-side encryption",
      resource.props.versioning?.status === "Enabled" ? undefined : "is not versioned",
    ]
      .filter((problem) => problem !== undefined)
      .map((problem) => `OSS bucket ${name} ${problem}`);
  },
};

export const alicloudSecurityGroupAdminPorts: ResourceRule<{ adminPorts: number[] }> = {
  kind: "resource",
  name: "alicloud-security-group-admin-ports",
  description:
    "No security-group rule opens an admin port (SSH, RDP, Kubernetes, databases) to the internet.",
  severity: "critical",
  enforcementLevel: "mandatory",
  remediationSteps: "Restrict cidrIp to your VPN/bastion range or reach the port through the VPC.",
  configSchema: { properties: { adminPorts: adminPortsSchema } },
  validate: (resource, { adminPorts }) => {
    const { props } = resource;
    if (resource.type !== "alicloud:ecs/securityGroupRule:SecurityGroupRule" || props.type !== "ingress")
      return [];
    if (!OPEN_TO_WORLD.includes(props.cidrIp ?? props.ipv6CidrIp)) return [];
    const [from = -1, to = -1] = String(props.portRange ?? "-1/-1")
      .split("/")
      .map(Number);
    const open = adminPortsIn(from, to, adminPorts);
    return open.length > 0
      ? [`security group rule ${resource.name} opens port(s) ${open.join(", ")} to the internet`]
      : [];
  },
};

export const alicloudKmsRotation: ResourceRule = {
  kind: "resource",
  name: "alicloud-kms-key-rotation",
  description: "KMS keys rotate automatically.",
  severity: "medium",
  enforcementLevel: "mandatory",
  remediationSteps: 'Set automaticRotation: "Enabled" and a rotationInterval.',
  validate: (resource) =>
    resource.type === "alicloud:kms/key:Key" && resource.props.automaticRotation !== "Enabled"
      ? [`KMS key ${resource.name} does not rotate automatically`]
      : [],
};

export const alicloudRules = [
  ackDeletionProtection,
  ackRrsa,
  ackApiServerAccess,
  ossBucketHardening,
  alicloudSecurityGroupAdminPorts,
  alicloudKmsRotation,
];
