import { CHATTTS_IMAGE } from "../components/inference/chattts-server";
import { LLAMA_CPP_IMAGE } from "../components/inference/llama-cpp-server";
import {
  CPU_MODEL_CATALOG,
  VLLM_MODEL_CATALOG,
  type VllmModelSpec,
} from "../components/inference/model-catalog";
import { VLLM_IMAGE } from "../components/inference/vllm-model";
import { WHISPER_IMAGES } from "../components/inference/whisper-server";

/**
 * Environment profiles: every default the stack config has, written once. A stack file only states
 * what differs from its profile. Arrays in a stack file replace the profile's; objects merge key by key.
 */
export const ENVIRONMENTS = ["dev", "prod", "local"] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

export const CLOUDS = ["alicloud", "aws", "existing"] as const;
export type Cloud = (typeof CLOUDS)[number];
export type ManagedCloud = Exclude<Cloud, "existing">;

type Defaults = Record<string, unknown>;

/** Per-environment sizing of the model servers; the model facts come from the catalogs. */
const INFERENCE_SIZING: Record<
  Environment,
  {
    gpuReplicas: { min: number; max: number };
    cpuReplicas: { min: number; max: number };
    cooldownSeconds: number;
    highAvailability: boolean;
    whisper: Defaults;
  }
> = {
  // Dev scales GPU models to zero after 10 idle minutes (the gateway's demand wakes them).
  dev: {
    gpuReplicas: { min: 0, max: 1 },
    cpuReplicas: { min: 1, max: 2 },
    cooldownSeconds: 600,
    highAvailability: false,
    whisper: { device: "cpu", model: "Systran/faster-whisper-small", cpu: "2", memory: "4Gi" },
  },
  prod: {
    gpuReplicas: { min: 1, max: 2 },
    cpuReplicas: { min: 2, max: 4 },
    cooldownSeconds: 900,
    highAvailability: true,
    whisper: { device: "gpu", model: "Systran/faster-whisper-large-v3", cpu: "4", memory: "16Gi" },
  },
  local: {
    gpuReplicas: { min: 0, max: 1 },
    cpuReplicas: { min: 1, max: 1 },
    cooldownSeconds: 600,
    highAvailability: false,
    whisper: { device: "cpu", model: "Systran/faster-whisper-small", cpu: "1", memory: "3Gi" },
  },
};

/** The inference section's defaults: every catalog model present and disabled; stack files enable them. */
function inferenceDefaults(environment: Environment): Defaults {
  const sizing = INFERENCE_SIZING[environment];
  const models = Object.fromEntries(
    Object.entries(VLLM_MODEL_CATALOG).map(([name, spec]) => {
      const { gpuMemoryGi: _documentationOnly, toolCallParser, ...engine } = spec as VllmModelSpec;
      const pooling = spec.kind === "embeddings" || spec.kind === "rerank";
      return [
        name,
        {
          enabled: false,
          ...engine,
          ...(toolCallParser ? { toolCallParser } : {}),
          extraArgs: [],
          replicas: sizing.gpuReplicas,
          // vLLM holds the weights in host memory while loading them onto the GPU.
          cpu: pooling ? "2" : "4",
          memory: pooling ? "8Gi" : "32Gi",
        },
      ];
    }),
  );
  const cpuModels = Object.fromEntries(
    Object.entries(CPU_MODEL_CATALOG).map(([name, spec]) => [
      name,
      {
        enabled: false,
        kind: spec.kind,
        source: { url: spec.url },
        contextLength: spec.contextLength,
        threads: 4,
        parallel: 2,
        replicas: sizing.cpuReplicas,
        cpu: "4",
        memory: spec.kind === "chat" ? "4Gi" : "2Gi",
        cacheGi: spec.cacheGi,
      },
    ]),
  );
  return {
    enabled: true,
    vllmImage: VLLM_IMAGE,
    llamaCppImage: LLAMA_CPP_IMAGE,
    autoscaling: {
      waitingPerReplica: 4,
      runningPerReplica: 16,
      cooldownSeconds: sizing.cooldownSeconds,
      pollingSeconds: 15,
    },
    highAvailability: sizing.highAvailability,
    models,
    cpuModels,
    whisper: {
      enabled: true,
      servedName: "whisper",
      ...sizing.whisper,
      hotwords: [],
      replicas: 1,
      images: WHISPER_IMAGES,
      cacheGi: 10,
    },
    chatTts: {
      enabled: false,
      servedName: "chattts",
      image: CHATTTS_IMAGE,
      device: "gpu",
      // ChatTTS's own defaults: a fixed speaker seed keeps one voice across requests.
      voice: { audioSeed: 2222, textSeed: 42, temperature: 0.3, topP: 0.7, topK: 20 },
      emotion: { oral: 2, laugh: 0, break: 6, speed: 5 },
      replicas: 1,
      cpu: "4",
      memory: "16Gi",
      cacheGi: 10,
    },
  };
}

/**
 * The last MinIO community releases; MinIO no longer publishes images, so mirror these into your own
 * registry (or build from source) and set the stack's platform.data.objectStorage images to the copy.
 */
const MINIO_IMAGES = {
  minioImage: "quay.io/minio/minio:RELEASE.2025-09-07T16-13-09Z",
  minioClientImage: "quay.io/minio/mc:RELEASE.2025-08-13T08-35-41Z",
};

/** Ingress, identity and secrets with one replica each: dev and local are not highly available. */
const SINGLE_REPLICA_CONTROL_PLANE = {
  ingress: {
    gatewayClassName: "envoy-gateway",
    installEnvoyGateway: true,
    controllerReplicas: 1,
    proxyReplicas: 1,
    certManagerReplicas: 1,
  },
  identity: { keycloakReplicas: 1 },
  secrets: {
    vaultMode: "standalone",
    vaultStorageGi: 5,
    vaultAuditStorageGi: 5,
    externalSecretsReplicas: 1,
  },
};

/**
 * The platform's own services, off until a stack file enables them with an image. The MCP audit to
 * Kafka stays off by default for now: the reference CRDs every declared custom resource is validated
 * against (../shared/k8s-reference) have no KafkaBridge yet.
 */
const serviceDefaults = (replicas: { min: number; max: number }, knowledgeVolumeGi: number): Defaults => ({
  gateway: { enabled: false, replicas, cloudModels: [] },
  mcp: { enabled: false, replicas, knowledgeVolumeGi, kafkaAudit: false },
  agent: { enabled: false, replicas },
});

/** Settings that depend on the environment only. */
const ENVIRONMENT_DEFAULTS: Record<Environment, Defaults> = {
  dev: {
    protect: false,
    ...serviceDefaults({ min: 1, max: 2 }, 5),
    platform: {
      tls: { issuer: "letsencrypt" },
      ...SINGLE_REPLICA_CONTROL_PLANE,
      observability: {
        prometheusRetention: "3d",
        prometheusStorageGi: 20,
        replicas: 1,
        logs: { mode: "single-binary", retentionHours: 72 },
      },
      vector: { mode: "standalone", storageGi: 20, messageQueue: "woodpecker" },
      data: {
        objectStorage: { provider: "minio", ...MINIO_IMAGES, mode: "standalone", storageGi: 50 },
        postgres: { instances: 1, storageGi: 20, appDatabases: [] },
        redis: { mode: "standalone", storageGi: 8 },
        kafka: { nodes: 1, storageGi: 20, topics: [] },
      },
    },
  },
  prod: {
    protect: true,
    ...serviceDefaults({ min: 2, max: 6 }, 20),
    platform: {
      tls: { issuer: "letsencrypt" },
      ingress: {
        gatewayClassName: "envoy-gateway",
        installEnvoyGateway: true,
        controllerReplicas: 2,
        proxyReplicas: 2,
        certManagerReplicas: 2,
      },
      identity: { keycloakReplicas: 2 },
      secrets: { vaultMode: "ha", vaultStorageGi: 20, vaultAuditStorageGi: 20, externalSecretsReplicas: 2 },
      observability: {
        prometheusRetention: "15d",
        prometheusStorageGi: 100,
        replicas: 2,
        logs: { mode: "simple-scalable", retentionHours: 720 },
      },
      vector: { mode: "cluster", storageGi: 100, messageQueue: "kafka" },
      data: {
        // S3 or OSS: durable, no disks to run; MinIO settings apply if a stack chooses minio.
        objectStorage: { provider: "cloud", ...MINIO_IMAGES, mode: "distributed", storageGi: 500 },
        postgres: { instances: 3, storageGi: 100, appDatabases: [] },
        redis: { mode: "sentinel", storageGi: 16 },
        kafka: { nodes: 3, storageGi: 200, topics: [] },
      },
    },
  },
  local: {
    protect: false,
    ...serviceDefaults({ min: 1, max: 1 }, 2),
    platform: {
      // *.localhost resolves to the loopback address, so a port-forwarded Gateway answers locally.
      domain: "ai.localhost",
      tls: { issuer: "self-signed" },
      ...SINGLE_REPLICA_CONTROL_PLANE,
      observability: {
        prometheusRetention: "1d",
        prometheusStorageGi: 5,
        replicas: 1,
        logs: { mode: "single-binary", retentionHours: 24 },
      },
      vector: { mode: "standalone", storageGi: 5, messageQueue: "woodpecker" },
      data: {
        objectStorage: { provider: "minio", ...MINIO_IMAGES, mode: "standalone", storageGi: 10 },
        postgres: { instances: 1, storageGi: 5, appDatabases: [] },
        redis: { mode: "standalone", storageGi: 2 },
        kafka: { nodes: 1, storageGi: 5, topics: [] },
      },
    },
  },
};

/** Settings of managed clusters (ACK, EKS) that depend on the environment. */
const MANAGED_CLUSTER_DEFAULTS: Record<Environment, Defaults> = {
  dev: {
    network: { vpcCidr: "10.0.0.0/16", natGateways: "single" },
    cluster: { apiServerAccessCidrs: [], deletionProtection: false, logRetentionDays: 7 },
    systemNodePool: { minSize: 1, maxSize: 3, diskSizeGb: 100 },
    gpuNodePoolDefaults: { capacityType: "spot", minSize: 0, diskSizeGb: 200 },
  },
  prod: {
    network: { vpcCidr: "10.0.0.0/16", natGateways: "perZone" },
    cluster: { apiServerAccessCidrs: [], deletionProtection: true, logRetentionDays: 90 },
    systemNodePool: { minSize: 3, maxSize: 9, diskSizeGb: 120 },
    gpuNodePoolDefaults: { capacityType: "onDemand", minSize: 1, diskSizeGb: 300 },
  },
  local: {
    network: { vpcCidr: "10.0.0.0/16", natGateways: "single" },
    cluster: { apiServerAccessCidrs: [], deletionProtection: false, logRetentionDays: 7 },
    systemNodePool: { minSize: 1, maxSize: 2, diskSizeGb: 100 },
    gpuNodePoolDefaults: { capacityType: "spot", minSize: 0, diskSizeGb: 200 },
  },
};

/** Settings that depend on the cloud only. */
const CLOUD_DEFAULTS: Record<ManagedCloud, Defaults> = {
  alicloud: {
    network: { serviceCidr: "172.21.0.0/20" },
    cluster: { kubernetesVersion: "1.34.1-aliyun.1", clusterSpec: "ack.pro.small" },
    gpuNodePoolDefaults: { driverVersion: "550.144.03" },
  },
  aws: {
    network: { serviceCidr: "172.20.0.0/16" },
    cluster: { kubernetesVersion: "1.34", adminPrincipalArns: [] },
    gpuNodePoolDefaults: {},
  },
};

/** System pool instance types per cloud and environment, most preferred first. */
const SYSTEM_INSTANCE_TYPES: Record<ManagedCloud, Record<Environment, string[]>> = {
  alicloud: {
    dev: ["ecs.g7.xlarge", "ecs.g6.xlarge"],
    prod: ["ecs.g7.2xlarge", "ecs.g6.2xlarge"],
    local: ["ecs.g7.xlarge"],
  },
  aws: {
    dev: ["m7i.xlarge", "m6i.xlarge"],
    prod: ["m7i.2xlarge", "m6i.2xlarge"],
    local: ["m7i.xlarge"],
  },
};

export interface Profile {
  /** Defaults for the stack's own keys. */
  readonly stackDefaults: Defaults;
  /** Defaults applied to each entry of `gpuNodePools`. */
  readonly gpuNodePoolDefaults: Defaults;
  /** Defaults of the `inference` section: every catalog model (disabled) and the environment's sizing. */
  readonly inferenceDefaults: Defaults;
}

/** The defaults a stack of this environment on this cloud starts from. */
export function profileFor(environment: Environment, cloud: Cloud): Profile {
  const { gpuNodePoolDefaults: envGpuDefaults, ...managedDefaults } = MANAGED_CLUSTER_DEFAULTS[environment];
  if (cloud === "existing") {
    return {
      stackDefaults: { ...ENVIRONMENT_DEFAULTS[environment], existingCluster: {} },
      gpuNodePoolDefaults: {},
      inferenceDefaults: inferenceDefaults(environment),
    };
  }
  const { gpuNodePoolDefaults: cloudGpuDefaults, ...cloudDefaults } = CLOUD_DEFAULTS[cloud];
  return {
    stackDefaults: [
      ENVIRONMENT_DEFAULTS[environment],
      managedDefaults,
      cloudDefaults,
      { systemNodePool: { instanceTypes: SYSTEM_INSTANCE_TYPES[cloud][environment] }, gpuNodePools: [] },
    ].reduce(deepMerge, {}),
    gpuNodePoolDefaults: deepMerge(asDefaults(envGpuDefaults), asDefaults(cloudGpuDefaults)),
    inferenceDefaults: inferenceDefaults(environment),
  };
}

/**
 * Keys whose value is one of several shapes (a model's `source`: a Hugging Face repo or an object
 * storage path): a stack's value replaces the default whole, or the two shapes would mix.
 */
const ONE_OF_KEYS = new Set(["source"]);

/** Objects merge key by key; anything else in `override` (arrays included) replaces the default. */
export function deepMerge(defaults: Defaults, override: Defaults): Defaults {
  const merged: Defaults = { ...defaults };
  for (const [key, value] of Object.entries(override)) {
    const current = merged[key];
    merged[key] =
      isPlainObject(current) && isPlainObject(value) && !ONE_OF_KEYS.has(key)
        ? deepMerge(current, value)
        : value;
  }
  return merged;
}

function asDefaults(value: unknown): Defaults {
  return isPlainObject(value) ? value : {};
}

export function isPlainObject(value: unknown): value is Defaults {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
