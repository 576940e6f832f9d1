/**
 * The models the company licensed or chose, with the engine settings that fit a 24 GB GPU (A10, L4).
 * The stack profiles start from these; a stack file overrides any field per model. Written once.
 */
import type { ModelEndpointKind } from "./model-endpoints";

export type VllmModelKind = Extract<ModelEndpointKind, "chat" | "completion" | "embeddings" | "rerank">;

/** Weights from Hugging Face (repo id, optional revision) or a path in the platform's `models` bucket. */
export type ModelSource =
  | { readonly huggingFace: string; readonly revision?: string }
  | { readonly objectStoragePath: string };

export interface VllmModelSpec {
  readonly kind: VllmModelKind;
  readonly source: ModelSource;
  /** GPUs each replica requests (`nvidia.com/gpu`). */
  readonly gpusPerReplica: number;
  readonly tensorParallelSize: number;
  /** `--max-model-len`: the context length clients get. */
  readonly maxModelLen: number;
  readonly dtype: "auto" | "bfloat16" | "float16";
  readonly gpuMemoryUtilization: number;
  /** Models whose code lives in their Hugging Face repo (ChatGLM3, CodeGeeX4). */
  readonly trustRemoteCode: boolean;
  /** `--enable-auto-tool-choice --tool-call-parser <parser>`; absent: no tool calling. */
  readonly toolCallParser?: string;
  /** Volume for the weights cache, GiB: the weights once, plus room for an update. */
  readonly cacheGi: number;
  /** GPU memory the weights and a useful KV cache need, GiB (documentation and the README table). */
  readonly gpuMemoryGi: number;
}

export const VLLM_MODEL_CATALOG = {
  "glm-4-9b-chat": {
    kind: "chat",
    // The -hf repo uses the architecture vLLM implements natively (no remote code).
    source: { huggingFace: "zai-org/glm-4-9b-chat-hf" },
    gpusPerReplica: 1,
    tensorParallelSize: 1,
    // 19 GB of bf16 weights leave ~2.5 GB of KV cache on 24 GB: enough for 8k tokens × a few sequences.
    maxModelLen: 8192,
    dtype: "bfloat16",
    gpuMemoryUtilization: 0.92,
    trustRemoteCode: false,
    cacheGi: 50,
    gpuMemoryGi: 24,
  },
  "chatglm3-6b": {
    kind: "chat",
    source: { huggingFace: "zai-org/chatglm3-6b" },
    gpusPerReplica: 1,
    tensorParallelSize: 1,
    maxModelLen: 8192,
    dtype: "float16",
    gpuMemoryUtilization: 0.9,
    trustRemoteCode: true,
    cacheGi: 30,
    gpuMemoryGi: 16,
  },
  "qwen2.5-7b-instruct": {
    kind: "chat",
    source: { huggingFace: "Qwen/Qwen2.5-7B-Instruct" },
    gpusPerReplica: 1,
    tensorParallelSize: 1,
    maxModelLen: 32768,
    dtype: "bfloat16",
    gpuMemoryUtilization: 0.92,
    trustRemoteCode: false,
    // Qwen2.5's chat template emits Hermes-style <tool_call> blocks.
    toolCallParser: "hermes",
    cacheGi: 40,
    gpuMemoryGi: 24,
  },
  "codegeex4-all-9b": {
    kind: "chat",
    source: { huggingFace: "zai-org/codegeex4-all-9b" },
    gpusPerReplica: 1,
    tensorParallelSize: 1,
    maxModelLen: 8192,
    dtype: "bfloat16",
    gpuMemoryUtilization: 0.92,
    trustRemoteCode: true,
    cacheGi: 50,
    gpuMemoryGi: 24,
  },
  "bge-m3": {
    kind: "embeddings",
    source: { huggingFace: "BAAI/bge-m3" },
    gpusPerReplica: 1,
    tensorParallelSize: 1,
    maxModelLen: 8192,
    dtype: "float16",
    gpuMemoryUtilization: 0.5,
    trustRemoteCode: false,
    cacheGi: 10,
    gpuMemoryGi: 4,
  },
  "bge-reranker-v2-m3": {
    kind: "rerank",
    source: { huggingFace: "BAAI/bge-reranker-v2-m3" },
    gpusPerReplica: 1,
    tensorParallelSize: 1,
    maxModelLen: 8192,
    dtype: "float16",
    gpuMemoryUtilization: 0.5,
    trustRemoteCode: false,
    cacheGi: 10,
    gpuMemoryGi: 4,
  },
} as const satisfies Record<string, VllmModelSpec>;

export type CatalogModelName = keyof typeof VLLM_MODEL_CATALOG;

/** GGUF models for the llama.cpp CPU server: small, quantized, with the OpenAI API. */
export interface CpuModelSpec {
  readonly kind: Extract<ModelEndpointKind, "chat" | "embeddings" | "rerank">;
  /** Download URL of the `.gguf` file (or use objectStoragePath in the stack config). */
  readonly url: string;
  readonly contextLength: number;
  readonly cacheGi: number;
}

export const CPU_MODEL_CATALOG = {
  "qwen2.5-1.5b-instruct": {
    kind: "chat",
    url: "https://huggingface.co/Qwen/Qwen2.5-1.5B-Instruct-GGUF/resolve/main/qwen2.5-1.5b-instruct-q4_k_m.gguf",
    contextLength: 8192,
    cacheGi: 5,
  },
  "bge-m3-cpu": {
    kind: "embeddings",
    url: "https://huggingface.co/gpustack/bge-m3-GGUF/resolve/main/bge-m3-Q8_0.gguf",
    contextLength: 8192,
    cacheGi: 5,
  },
  "bge-reranker-v2-m3-cpu": {
    kind: "rerank",
    url: "https://huggingface.co/gpustack/bge-reranker-v2-m3-GGUF/resolve/main/bge-reranker-v2-m3-Q8_0.gguf",
    contextLength: 8192,
    cacheGi: 5,
  },
} as const satisfies Record<string, CpuModelSpec>;
