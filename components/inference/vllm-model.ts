import * as pulumi from "@pulumi/pulumi";
import { pinnedImage } from "../common/images";
import { checkServerName, INTERNET_HTTPS, SERVING_DEFAULTS, type ServingArgs } from "./common-args";
import type { ModelEndpoint } from "./model-endpoints";
import { declareModelServer } from "./model-server";
import { fetchFromObjectStorage, storagePort } from "./object-storage-fetch";
import { MODEL_CACHE_DIR, sharedMemoryGi, type VllmEngineSettings, vllmServeArgs } from "./vllm-args";

/** The official vLLM OpenAI-compatible server image. */
export const VLLM_IMAGE = "vllm/vllm-openai:v0.12.0";
const PORT = 8000;

export interface VllmModelArgs extends ServingArgs {
  /** Engine settings (served name, source, parallelism, context, dtype, tool calling…). No default. */
  readonly engine: Omit<VllmEngineSettings, "port">;
  /** GPU type of the pool to run on (the `ai-platform/gpu-type` node label). No default. */
  readonly gpuType: string;
  /** Image, pinned. Default {@link VLLM_IMAGE}. */
  readonly image?: string;
  /** Secret (in `namespace`) holding a Hugging Face token under `key`, for gated models. Default: none. */
  readonly huggingFaceToken?: { readonly secretName: string; readonly key: string };
  /** Requests waiting per replica before KEDA adds one. Default `4`. */
  readonly waitingPerReplica?: number;
  /** Requests running per replica before KEDA adds one. Default `16`. */
  readonly runningPerReplica?: number;
}

/** A PromQL selector of one model's vLLM series (vLLM labels them with the served name). */
export const vllmSeries = (metric: string, model: string, namespace: string) =>
  `sum(${metric}{namespace="${namespace}",model_name="${model}"})`;

/**
 * One OpenAI-compatible vLLM server for one model: GPUs from the model's pool (tolerating its taint),
 * weights cached per replica, `/health` probes with a startup allowance for loading, metrics for
 * Prometheus, and KEDA scaling on the queue (`vllm:num_requests_waiting`) and running requests.
 */
export class VllmModel extends pulumi.ComponentResource {
  public readonly endpoint: ModelEndpoint;

  constructor(name: string, args: VllmModelArgs, opts?: pulumi.ComponentResourceOptions) {
    checkServerName(name);
    const image = args.image ?? VLLM_IMAGE;
    pinnedImage("image", image);
    const settings = { ...args.engine, port: PORT };
    const serveArgs = vllmServeArgs(settings);
    const source = settings.source;
    if ("objectStoragePath" in source && !args.objectStorage)
      throw new Error(`${name}: the model comes from object storage, but no objectStorage was given`);
    super("ai-platform:inference:VllmModel", name, {}, opts);

    const { namespace } = args;
    const served = settings.servedName;
    const storage = "objectStoragePath" in source ? args.objectStorage : undefined;
    const storagePath = "objectStoragePath" in source ? source.objectStoragePath : "";
    const autoscaling = args.autoscaling && {
      prometheusUrl: args.autoscaling.prometheusUrl,
      cooldownSeconds: args.autoscaling.cooldownSeconds,
      pollingSeconds: args.autoscaling.pollingSeconds,
      triggers: [
        {
          name: "queue",
          query: vllmSeries("vllm:num_requests_waiting", served, namespace),
          threshold: args.waitingPerReplica ?? 4,
        },
        {
          name: "running",
          query: vllmSeries("vllm:num_requests_running", served, namespace),
          threshold: args.runningPerReplica ?? 16,
        },
        ...(args.autoscaling.wakeQuery
          ? [{ name: "demand", query: args.autoscaling.wakeQuery, threshold: 1 }]
          : []),
      ],
    };
    const server = declareModelServer(
      name,
      {
        namespace,
        engine: "vllm",
        image,
        command: ["vllm", "serve"],
        args: serveArgs,
        env: [
          // No usage reports leave the cluster.
          { name: "VLLM_NO_USAGE_STATS", value: "1" },
          { name: "DO_NOT_TRACK", value: "1" },
          ...(args.huggingFaceToken
            ? [
                {
                  name: "HF_TOKEN",
                  valueFrom: {
                    secretKeyRef: { name: args.huggingFaceToken.secretName, key: args.huggingFaceToken.key },
                  },
                },
              ]
            : []),
          // Weights from object storage are local files: never call the Hub.
          ...(storage ? [{ name: "HF_HUB_OFFLINE", value: "1" }] : []),
        ],
        port: PORT,
        cpu: args.cpu,
        memory: args.memory,
        gpu: { type: args.gpuType, count: settings.gpusPerReplica },
        healthPath: "/health",
        // Downloading and loading 20 GB of weights on a cold node: allow 30 minutes.
        startupSeconds: 1800,
        metricsPath: "/metrics",
        cacheGi: args.cacheGi,
        sharedMemoryGi: sharedMemoryGi(settings.gpusPerReplica),
        initContainers: storage
          ? [fetchFromObjectStorage(storage, storagePath, `${MODEL_CACHE_DIR}/weights/${storagePath}`)]
          : [],
        replicas: args.replicas,
        autoscaling,
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
      name: served,
      url: `${server.baseUrl}/v1`,
      kind: settings.kind,
      contextLength: settings.maxModelLen,
      api: "openai",
    };
    this.registerOutputs({ endpoint: this.endpoint });
  }
}
