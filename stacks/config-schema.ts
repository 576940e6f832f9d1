import { z } from "zod";
import { cidrsOverlap, isValidCidr, parseCidr } from "../components/network/cidr";
import { alicloudSubnetLayout, awsSubnetLayout } from "../components/network/subnet-layout";
import { agentIssues, agentSchema } from "./agent-config-schema";
import { gatewayIssues, gatewaySchema } from "./gateway-config-schema";
import { gatewayModels } from "./gateway-models";
import { inferenceIssues, inferenceSchema } from "./inference-config-schema";
import { MCP_AUDIT_TOPIC, mcpIssues, mcpSchema } from "./mcp-config-schema";
import { platformSchema } from "./platform-config-schema";
import { CLOUDS, ENVIRONMENTS } from "./profiles";

/** The stack config after profile defaults are merged in. Every key a stack file may set is here. */

const dnsLabel = z
  .string()
  .regex(
    /^[a-z]([-a-z0-9]{0,28}[a-z0-9])?$/,
    "must be a DNS label: lowercase letters, digits and '-', 1-30 chars",
  );
const cidr = z.string().refine(isValidCidr, "must be an IPv4 CIDR block such as 10.0.0.0/16, host bits zero");
const labelKey = z
  .string()
  .regex(/^([a-z0-9.-]+\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/, "is not a valid label key");
const labelValue = z
  .string()
  .regex(/^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/, "is not a valid label value");
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

const stackConfigShape = {
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
      vpcCidr: cidr.refine((block) => !isValidCidr(block) || parseCidr(block).prefixLength <= 20, {
        message: "must be a /20 or larger: each zone gets pod and node subnets carved from it",
      }),
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
      adminPrincipalArns: z
        .array(z.string().regex(/^arn:aws[-a-z]*:(iam|sts)::\d{12}:/, "must be an IAM ARN"))
        .optional(),
    })
    .optional(),
  systemNodePool: systemNodePoolSchema.optional(),
  gpuNodePools: z.array(gpuNodePoolSchema).optional(),
  platform: platformSchema,
  inference: inferenceSchema,
  gateway: gatewaySchema,
  mcp: mcpSchema,
  agent: agentSchema,
  existingCluster: z
    .strictObject({ kubeconfigPath: z.string().min(1).optional(), context: z.string().optional() })
    .optional(),
};

const baseSchema = z.strictObject(stackConfigShape);
type Section = keyof typeof stackConfigShape;
type Parsed = z.output<typeof baseSchema>;
type Issue = { path: (string | number)[]; message: string };

/**
 * A cross-field rule runs as soon as the sections it reads are valid, even when other sections are
 * not, so one run reports every problem.
 */
function rule<K extends Section>(needs: readonly K[], check: (config: Pick<Parsed, K>) => Issue[]) {
  return [
    (config: Parsed, ctx: z.RefinementCtx) => {
      for (const issue of check(config)) ctx.addIssue({ code: "custom", ...issue });
    },
    {
      when: (payload: { value: unknown }) => {
        const value = (payload.value ?? {}) as Record<string, unknown>;
        return needs.every((key) => stackConfigShape[key].safeParse(value[key]).success);
      },
    },
  ] as const;
}

const MANAGED_ONLY = ["region", "network", "cluster", "systemNodePool"] as const;

const rules = [
  // Presence only: runs whatever shape the sections have.
  rule(["cloud"], (config: Partial<Parsed>) => {
    const present = (key: Section) => config[key] !== undefined;
    if (config.cloud === "existing") {
      const issues: Issue[] = MANAGED_ONLY.filter(present).map((key) => ({
        path: [key],
        message: "applies only to clusters this stack creates (cloud alicloud or aws)",
      }));
      if (Array.isArray(config.gpuNodePools) && config.gpuNodePools.length > 0) {
        issues.push({
          path: ["gpuNodePools"],
          message: "cannot be created on an existing cluster; label its GPU nodes yourself",
        });
      }
      return issues;
    }
    const issues: Issue[] = MANAGED_ONLY.filter((key) => !present(key)).map((key) => ({
      path: [key],
      message: `is required when cloud is ${config.cloud}`,
    }));
    if (present("existingCluster"))
      issues.push({ path: ["existingCluster"], message: "applies only when cloud is existing" });
    return issues;
  }),
  rule(["cloud", "environment", "network"], ({ cloud, environment, network }) => {
    if (!network || cloud === "existing") return [];
    const issues: Issue[] = [];
    if (new Set(network.zones).size !== network.zones.length)
      issues.push({ path: ["network", "zones"], message: "lists a zone twice" });
    if (environment === "prod" && network.zones.length < 2) {
      issues.push({
        path: ["network", "zones"],
        message: "prod needs at least 2 zones to survive a zone outage",
      });
    }
    try {
      (cloud === "aws" ? awsSubnetLayout : alicloudSubnetLayout)(network.vpcCidr, network.zones);
    } catch (error) {
      issues.push({
        path: ["network", "vpcCidr"],
        message: `is too small for ${network.zones.length} zones: ${(error as Error).message}`,
      });
    }
    if (cidrsOverlap(network.vpcCidr, network.serviceCidr)) {
      issues.push({ path: ["network", "serviceCidr"], message: `overlaps vpcCidr ${network.vpcCidr}` });
    }
    return issues;
  }),
  rule(["cloud", "cluster"], ({ cloud, cluster }) => {
    const issues: Issue[] = [];
    if (cloud === "aws" && cluster?.clusterSpec !== undefined) {
      issues.push({ path: ["cluster", "clusterSpec"], message: "applies only to ACK (cloud alicloud)" });
    }
    if (cloud === "alicloud" && (cluster?.adminPrincipalArns ?? []).length > 0) {
      issues.push({ path: ["cluster", "adminPrincipalArns"], message: "applies only to EKS (cloud aws)" });
    }
    return issues;
  }),
  rule(["cloud", "platform"], ({ cloud, platform }) =>
    cloud === "existing" && platform.data.objectStorage.provider === "cloud"
      ? [
          {
            path: ["platform", "data", "objectStorage", "provider"],
            message: "cloud needs a cloud: use minio on an existing cluster",
          },
        ]
      : [],
  ),
  rule(["systemNodePool"], ({ systemNodePool }) =>
    systemNodePool ? sizeRules(["systemNodePool"], systemNodePool) : [],
  ),
  rule(["cloud", "gpuNodePools"], ({ cloud, gpuNodePools }) => {
    const issues: Issue[] = [];
    const seen = new Set<string>();
    for (const [index, pool] of (gpuNodePools ?? []).entries()) {
      const path = ["gpuNodePools", index];
      issues.push(...sizeRules(path, pool));
      if (seen.has(pool.name))
        issues.push({ path: [...path, "name"], message: `"${pool.name}" is used by another pool` });
      if (pool.name === "system")
        issues.push({ path: [...path, "name"], message: `"system" is the system pool's name` });
      seen.add(pool.name);
      if (cloud === "aws" && pool.driverVersion !== undefined) {
        issues.push({
          path: [...path, "driverVersion"],
          message: "applies only to ACK; EKS GPU AMIs ship their driver",
        });
      }
    }
    return issues;
  }),
  rule(["environment", "gpuNodePools", "inference"], ({ environment, gpuNodePools, inference }) =>
    inferenceIssues(inference, environment, gpuNodePools ?? []),
  ),
  rule(["environment", "gateway"], ({ environment, gateway }) => gatewayIssues(gateway, environment)),
  rule(["environment", "gateway", "inference", "mcp"], ({ environment, gateway, inference, mcp }) =>
    mcpIssues(mcp, environment, gateway, gatewayModels(inference, gateway)),
  ),
  rule(["environment", "gateway", "inference", "agent"], ({ environment, gateway, inference, agent }) =>
    agentIssues(agent, environment, gateway, gatewayModels(inference, gateway)),
  ),
  rule(["platform", "mcp"], ({ platform, mcp }) => {
    const topics = platform.data.kafka.topics;
    const index = topics.findIndex((topic) => topic.name === MCP_AUDIT_TOPIC.name);
    return mcp.enabled && mcp.kafkaAudit && index >= 0
      ? [
          {
            path: ["platform", "data", "kafka", "topics", index, "name"],
            message: `"${MCP_AUDIT_TOPIC.name}" is the MCP server's audit topic (mcp.kafkaAudit); name yours otherwise`,
          },
        ]
      : [];
  }),
];

export const stackConfigSchema = rules.reduce(
  (schema, [check, params]) => schema.superRefine(check, params),
  baseSchema,
);

export type StackConfigInput = Parsed;

function sizeRules(
  path: (string | number)[],
  pool: { minSize: number; maxSize: number; desiredSize?: number | undefined },
): Issue[] {
  const issues: Issue[] = [];
  if (pool.minSize > pool.maxSize) {
    issues.push({
      path: [...path, "minSize"],
      message: `(${pool.minSize}) exceeds maxSize (${pool.maxSize})`,
    });
  }
  if (
    pool.desiredSize !== undefined &&
    (pool.desiredSize < pool.minSize || pool.desiredSize > pool.maxSize)
  ) {
    issues.push({
      path: [...path, "desiredSize"],
      message: `(${pool.desiredSize}) must lie between minSize and maxSize`,
    });
  }
  return issues;
}
