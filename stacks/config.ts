import * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import { type StackConfigInput, stackConfigSchema } from "./config-schema";
import {
  CLOUDS,
  type Cloud,
  deepMerge,
  ENVIRONMENTS,
  type Environment,
  isPlainObject,
  profileFor,
} from "./profiles";

/** The config namespace of this project (the `name` in Pulumi.yaml). */
export const CONFIG_NAMESPACE = "ai-platform";

export type GpuNodePoolConfig = NonNullable<StackConfigInput["gpuNodePools"]>[number];

interface CommonConfig {
  readonly stack: string;
  readonly environment: Environment;
  /** Base for resource names, e.g. `aip-dev`. */
  readonly name: string;
  /** Pulumi `protect` on stateful and expensive resources. */
  readonly protect: boolean;
  /** Cost-allocation tags/labels every taggable resource carries: team, env, cost-center and extras. */
  readonly tags: Readonly<Record<string, string>>;
  /** Services deployed on the cluster. */
  readonly platform: StackConfigInput["platform"];
  /** Model servers, speech and their autoscaling. */
  readonly inference: StackConfigInput["inference"];
  readonly gateway: StackConfigInput["gateway"];
  readonly mcp: StackConfigInput["mcp"];
  readonly agent: StackConfigInput["agent"];
}

export interface ManagedClusterConfig extends CommonConfig {
  readonly cloud: "alicloud" | "aws";
  readonly region: string;
  readonly network: NonNullable<StackConfigInput["network"]>;
  readonly cluster: NonNullable<StackConfigInput["cluster"]>;
  readonly systemNodePool: NonNullable<StackConfigInput["systemNodePool"]>;
  readonly gpuNodePools: readonly GpuNodePoolConfig[];
}

export interface ExistingClusterConfig extends CommonConfig {
  readonly cloud: "existing";
  readonly existingCluster: NonNullable<StackConfigInput["existingCluster"]>;
}

export type PlatformConfig = ManagedClusterConfig | ExistingClusterConfig;

/** Thrown before any resource is declared; its message lists every bad key at once. */
export class StackConfigError extends Error {
  constructor(
    readonly stackName: string,
    readonly problems: readonly string[],
  ) {
    super(
      `Invalid configuration for stack "${stackName}" (${problems.length} problem(s)):\n${problems.map((p) => `  - ${p}`).join("\n")}`,
    );
    this.name = "StackConfigError";
  }
}

/** Reads this project's keys from the stack's Pulumi config: the one place config is read. */
export function readPlatformConfig(): PlatformConfig {
  const prefix = `${CONFIG_NAMESPACE}:`;
  const raw: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(pulumi.runtime.allConfig())) {
    if (key.startsWith(prefix)) raw[key.slice(prefix.length)] = decodeConfigValue(value);
  }
  return parsePlatformConfig(raw, pulumi.getStack());
}

/** Structured values arrive as JSON text, scalars as plain text (`true`, `3`, `dev`). */
function decodeConfigValue(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/** Merges the environment profile under `raw`, validates the result and reports every problem at once. */
export function parsePlatformConfig(raw: Readonly<Record<string, unknown>>, stack: string): PlatformConfig {
  // The profile depends on environment and cloud; when either is invalid, validate the rest against a
  // stand-in profile so that one run still reports every problem.
  const environment = pick(ENVIRONMENTS, raw.environment, "dev");
  const cloud = pick(CLOUDS, raw.cloud, "alicloud");
  const profile = profileFor(environment, cloud);
  const merged = deepMerge(profile.stackDefaults, raw);
  merged.inference = isPlainObject(raw.inference)
    ? deepMerge(profile.inferenceDefaults, raw.inference)
    : (raw.inference ?? profile.inferenceDefaults);
  if (Array.isArray(raw.gpuNodePools)) {
    merged.gpuNodePools = raw.gpuNodePools.map((pool) =>
      isPlainObject(pool) ? deepMerge(profile.gpuNodePoolDefaults, pool) : pool,
    );
  }

  const result = stackConfigSchema.safeParse(merged);
  if (!result.success) throw new StackConfigError(stack, formatIssues(result.error.issues));
  return toPlatformConfig(result.data, stack);
}

function toPlatformConfig(input: StackConfigInput, stack: string): PlatformConfig {
  const common: CommonConfig = {
    stack,
    environment: input.environment,
    name:
      input.name ??
      `aip-${stack}`
        .toLowerCase()
        .replace(/[^a-z0-9-]/g, "-")
        .slice(0, 30),
    protect: input.protect,
    platform: input.platform,
    inference: input.inference,
    gateway: input.gateway,
    mcp: input.mcp,
    agent: input.agent,
    tags: {
      ...input.tags.extra,
      team: input.tags.team,
      env: input.environment,
      "cost-center": input.tags.costCenter,
    },
  };
  if (input.cloud === "existing") {
    return { ...common, cloud: "existing", existingCluster: input.existingCluster ?? {} };
  }
  const { region, network, cluster, systemNodePool } = input;
  // The schema's cross-field rules guarantee these for managed clouds.
  if (!region || !network || !cluster || !systemNodePool)
    throw new Error("internal: managed cluster config incomplete");
  return {
    ...common,
    cloud: input.cloud,
    region,
    network,
    cluster,
    systemNodePool,
    gpuNodePools: input.gpuNodePools ?? [],
  };
}

function formatIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.flatMap((issue) =>
    issue.code === "unrecognized_keys"
      ? issue.keys.map((key) => `${configKey([...issue.path, key])}: unknown key`)
      : [`${configKey(issue.path)}: ${issue.message}`],
  );
}

/** `["gpuNodePools", 0, "maxSize"]` becomes `ai-platform:gpuNodePools[0].maxSize`, as in `pulumi config set --path`. */
function configKey(path: readonly PropertyKey[]): string {
  return `${CONFIG_NAMESPACE}:${path
    .map((part, index) =>
      typeof part === "number" ? `[${part}]` : `${index === 0 ? "" : "."}${String(part)}`,
    )
    .join("")}`;
}

function pick<T extends string>(allowed: readonly T[], value: unknown, fallback: T): T {
  return allowed.includes(value as T) ? (value as T) : fallback;
}

export type { Cloud, Environment };
