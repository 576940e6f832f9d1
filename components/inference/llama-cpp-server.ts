import * as pulumi from "@pulumi/pulumi";
import { pinnedImage } from "../common/images";
import { RESTRICTED_CONTAINER } from "../common/security-context";
import { checkServerName, INTERNET_HTTPS, SERVING_DEFAULTS, type ServingArgs } from "./common-args";
import type { ModelEndpoint } from "./model-endpoints";
import { declareModelServer } from "./model-server";
import { fetchFromObjectStorage, storagePort } from "./object-storage-fetch";
import { MODEL_CACHE_DIR } from "./vllm-args";

/** The official llama.cpp server image, CPU build. */
export const LLAMA_CPP_IMAGE = "ghcr.io/ggml-org/llama.cpp:server-b9603";
const PORT = 8080;

export type LlamaCppKind = "chat" | "embeddings" | "rerank";

export interface LlamaCppServerArgs extends ServingArgs {
  /** Model name clients send (`--alias`). No default. */
  readonly servedName: string;
  readonly kind: LlamaCppKind;
  /** Where the `.gguf` file comes from: a download URL, or a path in the object storage's bucket. */
  readonly source: { readonly url: string } | { readonly objectStoragePath: string };
  /** Context window, tokens (`--ctx-size`; shared by the parallel slots). No default. */
  readonly contextLength: number;
  /** Parallel request slots (`--parallel`). Default `2`. */
  readonly parallel?: number;
  /** CPU threads (`--threads`); should match the CPU request. Default `4`. */
  readonly threads?: number;
  /** Image, pinned. Default {@link LLAMA_CPP_IMAGE}. */
  readonly image?: string;
}

/** The server's flags for one GGUF model. */
export function llamaCppArgs(args: LlamaCppServerArgs, modelPath: string): string[] {
  return [
    `--model=${modelPath}`,
    `--alias=${args.servedName}`,
    "--host=0.0.0.0",
    `--port=${PORT}`,
    `--ctx-size=${args.contextLength}`,
    `--parallel=${args.parallel ?? 2}`,
    `--threads=${args.threads ?? 4}`,
    "--metrics",
    ...(args.kind === "embeddings" ? ["--embeddings", "--pooling=cls"] : []),
    ...(args.kind === "rerank" ? ["--reranking"] : []),
  ];
}

/** An init container downloading the file once: a file already on the volume is kept. */
function downloadOnce(image: string, url: string, target: string) {
  return {
    name: "fetch-weights",
    image,
    command: ["/bin/sh", "-c"],
    args: [
      '[ -s "$TARGET" ] || { mkdir -p "$(dirname "$TARGET")" && ' +
        'curl -fsSL --retry 5 -o "$TARGET.part" "$MODEL_URL" && mv "$TARGET.part" "$TARGET"; }',
    ],
    env: [
      { name: "MODEL_URL", value: url },
      { name: "TARGET", value: target },
    ],
    resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "256Mi" } },
    securityContext: RESTRICTED_CONTAINER,
    volumeMounts: [{ name: "models", mountPath: MODEL_CACHE_DIR }],
  };
}

/**
 * llama.cpp's OpenAI-compatible server on CPU, for the local stack and clusters without GPUs: a small
 * quantized GGUF for chat (`/v1/chat/completions`), embeddings (`/v1/embeddings`) or reranking
 * (`/v1/rerank`). The weights are fetched once into the replica's volume.
 */
export class LlamaCppServer extends pulumi.ComponentResource {
  public readonly endpoint: ModelEndpoint;

  constructor(name: string, args: LlamaCppServerArgs, opts?: pulumi.ComponentResourceOptions) {
    checkServerName(name);
    const image = args.image ?? LLAMA_CPP_IMAGE;
    pinnedImage("image", image);
    if ("objectStoragePath" in args.source && !args.objectStorage)
      throw new Error(`${name}: the model comes from object storage, but no objectStorage was given`);
    if ("url" in args.source && !/^https:\/\/\S+\.gguf(\?\S*)?$/.test(args.source.url))
      throw new Error(`${name}: source.url must be an https URL of a .gguf file`);
    super("ai-platform:inference:LlamaCppServer", name, {}, opts);

    const storage = "objectStoragePath" in args.source ? args.objectStorage : undefined;
    const file =
      "url" in args.source
        ? `${MODEL_CACHE_DIR}/weights/${name}.gguf`
        : `${MODEL_CACHE_DIR}/weights/${args.source.objectStoragePath}`;
    const init =
      "url" in args.source
        ? downloadOnce(image, args.source.url, file)
        : fetchFromObjectStorage(storage as NonNullable<typeof storage>, args.source.objectStoragePath, file);
    const series = (metric: string) => `sum(${metric}{namespace="${args.namespace}",service="${name}"})`;
    const server = declareModelServer(
      name,
      {
        namespace: args.namespace,
        engine: "llama-cpp",
        image,
        args: llamaCppArgs(args, file),
        env: [],
        port: PORT,
        cpu: args.cpu,
        memory: args.memory,
        healthPath: "/health",
        startupSeconds: 900,
        metricsPath: "/metrics",
        cacheGi: args.cacheGi,
        initContainers: [init],
        replicas: args.replicas,
        autoscaling: args.autoscaling && {
          prometheusUrl: args.autoscaling.prometheusUrl,
          cooldownSeconds: args.autoscaling.cooldownSeconds,
          pollingSeconds: args.autoscaling.pollingSeconds,
          triggers: [
            { name: "deferred", query: series("llamacpp:requests_deferred"), threshold: 2 },
            {
              name: "processing",
              query: series("llamacpp:requests_processing"),
              threshold: args.parallel ?? 2,
            },
            ...(args.autoscaling.wakeQuery
              ? [{ name: "demand", query: args.autoscaling.wakeQuery, threshold: 1 }]
              : []),
          ],
        },
        highAvailability: args.highAvailability ?? false,
        clientNamespaces: args.clientNamespaces ?? SERVING_DEFAULTS.clientNamespaces,
        metricsNamespace: args.metricsNamespace ?? SERVING_DEFAULTS.metricsNamespace,
        egress: storage
          ? [{ name: "object-storage", peers: storage.networkPeers, ports: [storagePort(storage.endpoint)] }]
          : [INTERNET_HTTPS],
      },
      this,
    );
    this.endpoint = {
      name: args.servedName,
      url: `${server.baseUrl}/v1`,
      kind: args.kind,
      contextLength: args.contextLength,
      api: "openai",
    };
    this.registerOutputs({ endpoint: this.endpoint });
  }
}
