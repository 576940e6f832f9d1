import { z } from "zod";
import { checkGpuFit, type GpuDemand, type GpuPoolCapacity } from "../components/inference/gpu-fit";

/** The `inference` section: model servers, speech, autoscaling. Profiles give every default. */

const modelName = z
  .string()
  .regex(/^[a-z0-9]([a-z0-9.-]{0,40}[a-z0-9])?$/, "must be lowercase letters, digits, '.' and '-'");
const imageRef = z
  .string()
  .regex(/^[^\s:@]+(:[\w][\w.-]{0,127})?(@sha256:[a-f0-9]{64})?$/, "must be an image reference")
  .refine((image) => /(:[\w][\w.-]*|@sha256:[a-f0-9]{64})$/.test(image) && !image.endsWith(":latest"), {
    message: "must be pinned by a version tag or digest (not :latest)",
  });
const quantity = z
  .string()
  .regex(/^\d+(\.\d+)?(m|Mi|Gi|Ki)?$/, "must be a Kubernetes quantity such as 4, 500m or 16Gi");
const gpuType = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9.]{0,61}[a-z0-9])?$/, "must name a GPU type, e.g. nvidia-a10");
const objectStoragePath = z
  .string()
  .regex(/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/, "must be a relative path in the models bucket")
  .refine((path) => !path.split("/").includes(".."), "must not contain ..");

const replicas = z
  .strictObject({ min: z.number().int().min(0), max: z.number().int().min(1) })
  .refine((r) => r.min <= r.max, { message: "min must not exceed max", path: ["min"] });
const resources = { cpu: quantity, memory: quantity, cacheGi: z.number().int().min(1).max(2048) };

const vllmModelSchema = z
  .strictObject({
    enabled: z.boolean(),
    kind: z.enum(["chat", "completion", "embeddings", "rerank"]),
    source: z.union([
      z.strictObject({
        huggingFace: z
          .string()
          .regex(/^[\w.-]+\/[\w.-]+$/, "must be a Hugging Face repo id such as Qwen/Qwen2.5-7B-Instruct"),
        revision: z.string().min(1).optional(),
      }),
      z.strictObject({ objectStoragePath }),
    ]),
    /** GPU type of the pool; default: the type of the stack's GPU pools when they have one type. */
    gpuType: gpuType.optional(),
    gpusPerReplica: z.number().int().min(1).max(16),
    tensorParallelSize: z.number().int().min(1).max(16),
    maxModelLen: z.number().int().min(256).max(1048576),
    dtype: z.enum(["auto", "bfloat16", "float16"]),
    quantization: z.enum(["awq", "gptq", "fp8", "bitsandbytes", "compressed-tensors"]).optional(),
    gpuMemoryUtilization: z.number().min(0.1).max(0.98),
    trustRemoteCode: z.boolean(),
    /** vLLM tool parser (`--tool-call-parser`), e.g. hermes for Qwen2.5; absent: no tool calling. */
    toolCallParser: z
      .string()
      .regex(/^[a-z0-9_]+$/, "must be a vLLM tool parser name")
      .optional(),
    extraArgs: z.array(z.string().regex(/^--[a-z0-9-]+(=.*)?$/, "must be a --flag or --flag=value")),
    replicas,
    ...resources,
  })
  .superRefine((model, ctx) => {
    if (model.gpusPerReplica % model.tensorParallelSize !== 0)
      ctx.addIssue({
        code: "custom",
        path: ["tensorParallelSize"],
        message: `must divide gpusPerReplica (${model.gpusPerReplica})`,
      });
    if (model.toolCallParser && model.kind !== "chat")
      ctx.addIssue({ code: "custom", path: ["toolCallParser"], message: "applies only to chat models" });
  });

const cpuModelSchema = z.strictObject({
  enabled: z.boolean(),
  kind: z.enum(["chat", "embeddings", "rerank"]),
  source: z.union([
    z.strictObject({
      url: z.string().regex(/^https:\/\/\S+\.gguf(\?\S*)?$/, "must be an https URL of a .gguf file"),
    }),
    z.strictObject({ objectStoragePath }),
  ]),
  contextLength: z.number().int().min(256).max(131072),
  threads: z.number().int().min(1).max(128),
  parallel: z.number().int().min(1).max(64),
  replicas,
  ...resources,
});

const device = z.enum(["gpu", "cpu"]);

const whisperSchema = z.strictObject({
  enabled: z.boolean(),
  servedName: modelName,
  /** The faster-whisper (CTranslate2) model, e.g. Systran/faster-whisper-large-v3. */
  model: z.string().regex(/^[\w.-]+\/[\w.-]+$/, "must be a Hugging Face repo id"),
  device,
  gpuType: gpuType.optional(),
  computeType: z.enum(["default", "float16", "int8_float16", "int8", "float32"]).optional(),
  language: z
    .string()
    .regex(/^[a-z]{2,3}$/, "must be an ISO 639-1 code such as zh or en")
    .optional(),
  hotwords: z.array(z.string().min(1)),
  replicas: z.number().int().min(1).max(16),
  images: z.strictObject({ gpu: imageRef, cpu: imageRef }),
  ...resources,
});

const chatTtsSchema = z.strictObject({
  enabled: z.boolean(),
  servedName: modelName,
  image: imageRef,
  device,
  gpuType: gpuType.optional(),
  voice: z.strictObject({
    audioSeed: z.number().int().min(0),
    textSeed: z.number().int().min(0),
    temperature: z.number().min(0.01).max(2),
    topP: z.number().min(0).max(1),
    topK: z.number().int().min(1).max(100),
  }),
  emotion: z.strictObject({
    oral: z.number().int().min(0).max(9),
    laugh: z.number().int().min(0).max(2),
    break: z.number().int().min(0).max(7),
    speed: z.number().int().min(0).max(9),
  }),
  replicas: z.number().int().min(1).max(16),
  ...resources,
});

export const inferenceSchema = z.strictObject({
  enabled: z.boolean(),
  vllmImage: imageRef,
  llamaCppImage: imageRef,
  /** Secret in the ai namespace with a Hugging Face token (e.g. synced from Vault); absent: none. */
  huggingFaceTokenSecret: z.strictObject({ name: z.string().min(1), key: z.string().min(1) }).optional(),
  autoscaling: z.strictObject({
    /** Requests waiting per replica before KEDA adds one. */
    waitingPerReplica: z.number().int().min(1),
    runningPerReplica: z.number().int().min(1),
    cooldownSeconds: z.number().int().min(30),
    pollingSeconds: z.number().int().min(5),
  }),
  /** PodDisruptionBudgets and zone spread for every model server. */
  highAvailability: z.boolean(),
  models: z.record(modelName, vllmModelSchema),
  cpuModels: z.record(modelName, cpuModelSchema),
  whisper: whisperSchema,
  chatTts: chatTtsSchema,
});

export type InferenceConfig = z.output<typeof inferenceSchema>;
export type VllmModelConfig = InferenceConfig["models"][string];
export type CpuModelConfig = InferenceConfig["cpuModels"][string];

/** A GPU pool as the inference plan sees it. */
export interface GpuPoolLike {
  readonly name: string;
  readonly gpuType: string;
  readonly gpusPerNode: number;
  readonly maxSize: number;
}

type Issue = { path: (string | number)[]; message: string };

/** The GPU type a GPU workload runs on: its own, or the pools' only type. */
export function resolveGpuType(own: string | undefined, pools: readonly GpuPoolLike[]): string | undefined {
  if (own) return own;
  const types = [...new Set(pools.map((p) => p.gpuType))];
  return types.length === 1 ? types[0] : undefined;
}

/** Every GPU workload of the plan, at its largest. */
export function gpuDemands(inference: InferenceConfig, pools: readonly GpuPoolLike[]): GpuDemand[] {
  if (!inference.enabled) return [];
  const demands: GpuDemand[] = [];
  for (const [name, model] of Object.entries(inference.models)) {
    if (!model.enabled) continue;
    demands.push({
      model: name,
      gpuType: resolveGpuType(model.gpuType, pools) ?? "(unset)",
      gpusPerReplica: model.gpusPerReplica,
      maxReplicas: model.replicas.max,
    });
  }
  for (const [key, speech] of [
    ["whisper", inference.whisper],
    ["chatTts", inference.chatTts],
  ] as const) {
    if (!speech.enabled || speech.device !== "gpu") continue;
    demands.push({
      model: speech.servedName,
      gpuType: resolveGpuType(speech.gpuType, pools) ?? `(unset for ${key})`,
      gpusPerReplica: 1,
      maxReplicas: speech.replicas,
    });
  }
  return demands;
}

/** The pools' capacity for {@link checkGpuFit}. */
export function gpuCapacity(pools: readonly GpuPoolLike[]): GpuPoolCapacity[] {
  return pools.map((p) => ({
    name: p.name,
    gpuType: p.gpuType,
    gpusPerNode: p.gpusPerNode,
    maxNodes: p.maxSize,
  }));
}

/** Cross-field rules of the inference section (needs the environment and the GPU pools). */
export function inferenceIssues(
  inference: InferenceConfig,
  environment: string,
  pools: readonly GpuPoolLike[],
): Issue[] {
  if (!inference.enabled) return [];
  const issues: Issue[] = [];
  const types = [...new Set(pools.map((p) => p.gpuType))];
  const needsType = (path: (string | number)[], own: string | undefined) => {
    if (own || types.length === 1) return;
    issues.push({
      path: [...path, "gpuType"],
      message:
        types.length === 0
          ? "runs on GPU, but the stack has no GPU pool: disable it, or use a CPU model (cpuModels)"
          : `is required: the GPU pools offer several types (${types.join(", ")})`,
    });
  };
  for (const [name, model] of Object.entries(inference.models)) {
    if (!model.enabled) continue;
    needsType(["inference", "models", name], model.gpuType);
    if (environment === "prod" && model.replicas.min === 0)
      issues.push({
        path: ["inference", "models", name, "replicas", "min"],
        message: "must be at least 1 in prod (no scale to zero)",
      });
  }
  if (inference.whisper.enabled && inference.whisper.device === "gpu")
    needsType(["inference", "whisper"], inference.whisper.gpuType);
  if (inference.chatTts.enabled && inference.chatTts.device === "gpu")
    needsType(["inference", "chatTts"], inference.chatTts.gpuType);

  const names = [
    ...Object.entries(inference.models)
      .filter(([, m]) => m.enabled)
      .map(([n]) => n),
    ...Object.entries(inference.cpuModels)
      .filter(([, m]) => m.enabled)
      .map(([n]) => n),
    ...(inference.whisper.enabled ? [inference.whisper.servedName] : []),
    ...(inference.chatTts.enabled ? [inference.chatTts.servedName] : []),
  ];
  for (const name of new Set(names.filter((n, i) => names.indexOf(n) !== i)))
    issues.push({ path: ["inference"], message: `serves two models named "${name}"` });

  if (issues.length === 0 && pools.length > 0) {
    const fit = checkGpuFit(gpuDemands(inference, pools), gpuCapacity(pools));
    for (const problem of fit.problems)
      issues.push({ path: ["inference"], message: `does not fit the GPU pools: ${problem}` });
  }
  return issues;
}
