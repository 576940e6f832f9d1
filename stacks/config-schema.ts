import { z } from "zod";
import { cidrsOverlap, isValidCidr } from "../components/network/cidr";
import { alicloudSubnetLayout, awsSubnetLayout } from "../components/network/subnet-layout";
import { CLOUDS, ENVIRONMENTS } from "./profiles";

/** The stack config after profile defaults are merged in. Every key a stack file may set is here. */

const dnsLabel = z
  .string()
  .regex(/^[a-z]([-a-z0-9]{0,28}[a-z0-9])?$/, "must be a DNS label: lowercase letters, digits and '-', 1-30 chars");
const cidr = z.string().refine(isValidCidr, "must be an IPv4 CIDR block such as 10.0.0.0/16, host bits zero");
const labelKey = z.string().regex(/^([a-z0-9.-]+\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/, "is not a valid label key");
const labelValue = z.string().regex(/^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/, "is not a valid label value");
const count = z.number().int("must be a whole number").min(0);
const instanceTypes = z
  .array(z.string().min(1))
  .min(1, "needs at least one instance type")
  .refine((types) => new Set(types).size === types.length, "lists an instance type twice");

const nodePoolSize = {
  minSize: count,
  maxSize: count.min(1, "must be at least 1"),
  desiredSize: count.optional(),
};

const systemNodePoolSchema = z.strictObject({
  instanceTypes,
  ...nodePoolSize,
  diskSizeGb: z.number().int().min(40).max(2048),
});

const gpuNodePoolSchema = z.strictObject({
  name: dnsLabel,
  instanceTypes,
  gpuType: labelValue.min(1, "must name the GPU model, e.g. nvidia-a10"),
  gpusPerNode: z.number().int().min(1).max(16),
  ...nodePoolSize,
  capacityType: z.enum(["spot", "onDemand"]),
  diskSizeGb: z.number().int().min(40).max(2048),
  labels: z.record(labelKey, labelValue).optional(),
  taints: z
    .array(
      z.strictObject({
        key: labelKey,
        value: labelValue,
        effect: z.enum(["NoSchedule", "PreferNoSchedule", "NoExecute"]),
      }),
    )
    .optional(),
  /** ACK only. */
  driverVersion: z.string().optional(),
});

const RESERVED_TAG_KEYS = ["team", "env", "cost-center"];

export const stackConfigSchema = z
  .strictObject({
    environment: z.enum(ENVIRONMENTS),
    cloud: z.enum(CLOUDS),
    name: dnsLabel.optional(),
    region: z.string().min(1).optional(),
    protect: z.boolean(),
    tags: z.strictObject({
      team: labelValue.min(1, "is required"),
      costCenter: labelValue.min(1, "is required"),
      extra: z
        .record(z.string(), z.string())
        .refine((extra) => !Object.keys(extra).some((key) => RESERVED_TAG_KEYS.includes(key)), {
          message: `must not redefine ${RESERVED_TAG_KEYS.join(", ")}`,
        })
        .optional(),
    }),
    network: z
      .strictObject({
        vpcCidr: cidr,
        zones: z.array(z.string().min(1)).min(1, "needs at least one zone"),
        serviceCidr: cidr,
        natGateways: z.enum(["single", "perZone"]),
      })
      .optional(),
    cluster: z
      .strictObject({
        kubernetesVersion: z.string().min(1),
        apiServerAccessCidrs: z.array(cidr),
        deletionProtection: z.boolean(),
        logRetentionDays: z.number().int().min(1).max(3650),
        /** ACK only. */
        clusterSpec: z.string().optional(),
        /** EKS only. */
        adminPrincipalArns: z.array(z.string().regex(/^arn:aws[-a-z]*:(iam|sts)::\d{12}:/, "must be an IAM ARN")).optional(),
      })
      .optional(),
    systemNodePool: systemNodePoolSchema.optional(),
    gpuNodePools: z.array(gpuNodePoolSchema).optional(),
    existingCluster: z.strictObject({ kubeconfigPath: z.string().min(1).optional(), context: z.string().optional() }).optional(),
  })
  .superRefine(crossFieldRules);

export type StackConfigInput = z.infer<typeof stackConfigSchema>;

type Issue = { path: (string | number)[]; message: string };

function crossFieldRules(config: StackConfigInput, ctx: z.RefinementCtx): void {
  const issues: Issue[] = config.cloud === "existing" ? existingClusterRules(config) : managedClusterRules(config);
  for (const issue of issues) ctx.addIssue({ code: "custom", ...issue });
}

function existingClusterRules(config: StackConfigInput): Issue[] {
  const managedOnly = ["region", "network", "cluster", "systemNodePool"] as const;
  const issues: Issue[] = managedOnly
    .filter((key) => config[key] !== undefined)
    .map((key) => ({ path: [key], message: "applies only to clusters this stack creates (cloud alicloud or aws)" }));
  if ((config.gpuNodePools ?? []).length > 0) {
    issues.push({ path: ["gpuNodePools"], message: "cannot be created on an existing cluster; label its GPU nodes yourself" });
  }
  return issues;
}

function managedClusterRules(config: StackConfigInput): Issue[] {
  const issues: Issue[] = [];
  const require = (key: keyof StackConfigInput) => {
    if (config[key] === undefined) issues.push({ path: [key], message: `is required when cloud is ${config.cloud}` });
  };
  (["region", "network", "cluster", "systemNodePool"] as const).forEach(require);
  if (config.existingCluster !== undefined) {
    issues.push({ path: ["existingCluster"], message: "applies only when cloud is existing" });
  }

  const { network, cluster } = config;
  if (network) {
    if (new Set(network.zones).size !== network.zones.length) issues.push({ path: ["network", "zones"], message: "lists a zone twice" });
    if (config.environment === "prod" && network.zones.length < 2) {
      issues.push({ path: ["network", "zones"], message: "prod needs at least 2 zones to survive a zone outage" });
    }
    if (isValidCidr(network.vpcCidr)) {
      try {
        (config.cloud === "aws" ? awsSubnetLayout : alicloudSubnetLayout)(network.vpcCidr, network.zones);
      } catch (error) {
        issues.push({ path: ["network", "vpcCidr"], message: `is too small for ${network.zones.length} zones: ${(error as Error).message}` });
      }
      if (isValidCidr(network.serviceCidr) && cidrsOverlap(network.vpcCidr, network.serviceCidr)) {
        issues.push({ path: ["network", "serviceCidr"], message: `overlaps vpcCidr ${network.vpcCidr}` });
      }
    }
  }
  if (cluster) {
    if (config.cloud === "aws" && cluster.clusterSpec !== undefined) {
      issues.push({ path: ["cluster", "clusterSpec"], message: "applies only to ACK (cloud alicloud)" });
    }
    if (config.cloud === "alicloud" && (cluster.adminPrincipalArns ?? []).length > 0) {
      issues.push({ path: ["cluster", "adminPrincipalArns"], message: "applies only to EKS (cloud aws)" });
    }
  }
  if (config.systemNodePool) issues.push(...sizeRules(["systemNodePool"], config.systemNodePool));

  const seen = new Set<string>();
  for (const [index, pool] of (config.gpuNodePools ?? []).entries()) {
    const path = ["gpuNodePools", index];
    issues.push(...sizeRules(path, pool));
    if (seen.has(pool.name)) issues.push({ path: [...path, "name"], message: `"${pool.name}" is used by another pool` });
    if (pool.name === "system") issues.push({ path: [...path, "name"], message: `"system" is the system pool's name` });
    seen.add(pool.name);
    if (config.cloud === "aws" && pool.driverVersion !== undefined) {
      issues.push({ path: [...path, "driverVersion"], message: "applies only to ACK; EKS GPU AMIs ship their driver" });
    }
  }
  return issues;
}

function sizeRules(path: (string | number)[], pool: { minSize: number; maxSize: number; desiredSize?: number | undefined }): Issue[] {
  const issues: Issue[] = [];
  if (pool.minSize > pool.maxSize) {
    issues.push({ path: [...path, "minSize"], message: `(${pool.minSize}) exceeds maxSize (${pool.maxSize})` });
  }
  if (pool.desiredSize !== undefined && (pool.desiredSize < pool.minSize || pool.desiredSize > pool.maxSize)) {
    issues.push({ path: [...path, "desiredSize"], message: `(${pool.desiredSize}) must lie between minSize and maxSize` });
  }
  return issues;
}
