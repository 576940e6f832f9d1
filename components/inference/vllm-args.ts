import type { ModelSource, VllmModelKind } from "./model-catalog";

/** Where the weights cache volume is mounted in every model server. */
export const MODEL_CACHE_DIR = "/models";

/** The engine settings of one served model, as the vLLM component takes them. */
export interface VllmEngineSettings {
  readonly servedName: string;
  readonly kind: VllmModelKind;
  readonly source: ModelSource;
  readonly gpusPerReplica: number;
  readonly tensorParallelSize: number;
  readonly maxModelLen: number;
  readonly dtype: string;
  readonly quantization?: string;
  readonly gpuMemoryUtilization: number;
  readonly trustRemoteCode: boolean;
  readonly toolCallParser?: string;
  readonly extraArgs: readonly string[];
  readonly port: number;
}

/** Where the weights are read from inside the container: the HF repo id, or the copied directory. */
export function modelLocation(source: ModelSource): string {
  return "huggingFace" in source
    ? source.huggingFace
    : `${MODEL_CACHE_DIR}/weights/${source.objectStoragePath}`;
}

/** Flags the component sets itself; extraArgs may not repeat them. */
const MANAGED_FLAGS = [
  "--served-model-name",
  "--host",
  "--port",
  "--tensor-parallel-size",
  "--pipeline-parallel-size",
  "--max-model-len",
  "--dtype",
  "--quantization",
  "--gpu-memory-utilization",
  "--download-dir",
  "--runner",
  "--tool-call-parser",
  "--enable-auto-tool-choice",
  "--trust-remote-code",
  "--revision",
  "--api-key",
];

/** Why these settings cannot run, one sentence each; empty when they can. */
export function vllmSettingsProblems(s: VllmEngineSettings): string[] {
  const problems: string[] = [];
  if (s.gpusPerReplica % s.tensorParallelSize !== 0)
    problems.push(
      `tensorParallelSize (${s.tensorParallelSize}) must divide gpusPerReplica (${s.gpusPerReplica})`,
    );
  if (s.toolCallParser && s.kind !== "chat")
    problems.push(`tool calling applies only to chat models, not ${s.kind}`);
  for (const arg of s.extraArgs) {
    const flag = arg.split("=")[0] as string;
    if (MANAGED_FLAGS.includes(flag)) problems.push(`extraArgs must not set ${flag}: it has its own setting`);
  }
  return problems;
}

/**
 * `vllm serve` arguments. Pooling models (embeddings, rerank) run vLLM's pooling runner, which serves
 * `/v1/embeddings` or `/rerank` + `/v1/rerank` + `/score`; chat models get the chat and completion API.
 */
export function vllmServeArgs(s: VllmEngineSettings): string[] {
  const problems = vllmSettingsProblems(s);
  if (problems.length > 0) throw new Error(`model ${s.servedName}: ${problems.join("; ")}`);
  const pipeline = s.gpusPerReplica / s.tensorParallelSize;
  return [
    modelLocation(s.source),
    `--served-model-name=${s.servedName}`,
    "--host=0.0.0.0",
    `--port=${s.port}`,
    `--download-dir=${MODEL_CACHE_DIR}/huggingface/hub`,
    ...("huggingFace" in s.source && s.source.revision ? [`--revision=${s.source.revision}`] : []),
    `--tensor-parallel-size=${s.tensorParallelSize}`,
    ...(pipeline > 1 ? [`--pipeline-parallel-size=${pipeline}`] : []),
    `--max-model-len=${s.maxModelLen}`,
    `--dtype=${s.dtype}`,
    ...(s.quantization ? [`--quantization=${s.quantization}`] : []),
    `--gpu-memory-utilization=${s.gpuMemoryUtilization}`,
    ...(s.kind === "embeddings" || s.kind === "rerank" ? ["--runner=pooling"] : []),
    ...(s.trustRemoteCode ? ["--trust-remote-code"] : []),
    ...(s.toolCallParser ? ["--enable-auto-tool-choice", `--tool-call-parser=${s.toolCallParser}`] : []),
    ...s.extraArgs,
  ];
}

/** `/dev/shm` for NCCL and PyTorch workers: 1 GiB alone, 8 GiB per GPU once tensors cross GPUs. */
export function sharedMemoryGi(gpusPerReplica: number): number {
  return gpusPerReplica > 1 ? 8 * gpusPerReplica : 1;
}
