import type * as kubernetes from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { allowIngress } from "../../components/baseline/network-policy";
import { ChatTtsServer } from "../../components/inference/chattts-server";
import type { ServingArgs } from "../../components/inference/common-args";
import { inferenceAlerts } from "../../components/inference/inference-alerts";
import { inferenceDashboards } from "../../components/inference/inference-dashboards";
import { KEDA_PODS, KedaOperator } from "../../components/inference/keda-operator";
import { LlamaCppServer } from "../../components/inference/llama-cpp-server";
import type { ModelEndpoint } from "../../components/inference/model-endpoints";
import type { ModelObjectStorage } from "../../components/inference/object-storage-fetch";
import { VllmModel } from "../../components/inference/vllm-model";
import { WhisperServer } from "../../components/inference/whisper-server";
import type { PlatformConfig } from "../config";
import { type GpuPoolLike, resolveGpuType } from "../inference-config-schema";
import { copyObjectStorageKeys, type DataArea } from "./data";
import type { PlatformNamespaces } from "./namespaces";
import type { ObservabilityArea } from "./observability";

/** Prometheus's pods (the operator's labels in kube-prometheus-stack), which KEDA queries. */
const PROMETHEUS_PODS = {
  "app.kubernetes.io/name": "prometheus",
  prometheus: "kube-prometheus-stack-prometheus",
};
const OBJECT_STORAGE_SECRET = "inference-object-storage";

export interface InferenceArea {
  /** Every model endpoint, for the LLM gateway and the outputs. */
  readonly endpoints: ModelEndpoint[];
  /** StatefulSet names of the model servers. */
  readonly servers: string[];
}

/** Kubernetes object names are DNS labels: `qwen2.5-7b-instruct` runs as `qwen2-5-7b-instruct`. */
export const serverName = (model: string) => model.replace(/\./g, "-");

/**
 * The gateway's request counter for one model, which wakes a model scaled to zero. It follows the
 * OpenTelemetry GenAI convention the gateway exports (`gen_ai.server.request.duration`).
 */
const demandQuery = (model: string) =>
  `sum(rate(gen_ai_server_request_duration_seconds_count{gen_ai_request_model="${model}"}[2m]))`;

/**
 * Self-hosted inference in the ai namespace: one vLLM server per enabled GPU model, llama.cpp for CPU
 * models, Whisper and ChatTTS, scaled by KEDA on Prometheus, with alert rules and Grafana dashboards.
 */
export function deployInference(
  config: PlatformConfig,
  namespaces: PlatformNamespaces,
  data: DataArea,
  observability: ObservabilityArea,
  provider: kubernetes.Provider,
): InferenceArea {
  const inference = config.inference;
  if (!inference.enabled) return { endpoints: [], servers: [] };
  const namespace = namespaces.ai.name;
  const prod = config.environment === "prod";
  const pools: GpuPoolLike[] = config.cloud === "existing" ? [] : [...config.gpuNodePools];
  const gpuTypeOf = (own: string | undefined) => {
    const type = resolveGpuType(own, pools);
    // The config schema checked this already; this guards programmatic callers.
    if (!type) throw new Error("a GPU workload has no gpuType and the GPU pools do not imply one");
    return type;
  };

  // KEDA runs beside the workloads it scales; its network allows select its own pods only.
  const keda = new KedaOperator(
    "keda",
    { namespace, prometheusNamespace: namespaces.observability.name },
    { providers: [provider], dependsOn: [namespaces.ai] },
  );
  allowIngress(
    "prometheus-from-keda",
    {
      namespace: namespaces.observability.name,
      podLabels: PROMETHEUS_PODS,
      peers: [{ namespace, podLabels: KEDA_PODS }],
      ports: [9090],
    },
    { parent: namespaces.observability },
  );

  const { objectStorage } = data;
  const usesObjectStorage = [...Object.values(inference.models), ...Object.values(inference.cpuModels)].some(
    (model) => model.enabled && "objectStoragePath" in model.source,
  );
  // `mc` signs with static keys only: the model fetch takes the key pair even where roles exist.
  const keys = usesObjectStorage
    ? copyObjectStorageKeys(OBJECT_STORAGE_SECRET, namespace, objectStorage, namespaces.ai)
    : undefined;
  const credentials = keys?.secret;
  const modelStorage: ModelObjectStorage = {
    endpoint: objectStorage.endpoint,
    bucket: objectStorage.buckets.models,
    credentialsSecretName: OBJECT_STORAGE_SECRET,
    accessKeyIdKey: "accessKey",
    secretAccessKeyKey: "secretKey",
    clientImage: config.platform.data.objectStorage.minioClientImage,
    networkPeers: objectStorage.networkPeers,
  };

  const opts: pulumi.ComponentResourceOptions = {
    providers: [provider],
    // ScaledObjects need KEDA's CRD; ServiceMonitors the Prometheus Operator's.
    dependsOn: [namespaces.ai, keda, observability.monitoring, ...(credentials ? [credentials] : [])],
  };
  const serving = (
    model: string,
    settings: { replicas: { min: number; max: number }; cpu: string; memory: string; cacheGi: number },
  ): ServingArgs => ({
    namespace,
    replicas: settings.replicas,
    cpu: settings.cpu,
    memory: settings.memory,
    cacheGi: settings.cacheGi,
    highAvailability: inference.highAvailability,
    objectStorage: modelStorage,
    autoscaling: {
      prometheusUrl: observability.monitoring.prometheusUrl,
      cooldownSeconds: inference.autoscaling.cooldownSeconds,
      pollingSeconds: inference.autoscaling.pollingSeconds,
      ...(settings.replicas.min === 0 ? { wakeQuery: demandQuery(model) } : {}),
    },
  });

  const endpoints: ModelEndpoint[] = [];
  const servers: string[] = [];
  for (const [model, settings] of Object.entries(inference.models)) {
    if (!settings.enabled) continue;
    const name = serverName(model);
    const server = new VllmModel(
      name,
      {
        ...serving(model, settings),
        image: inference.vllmImage,
        gpuType: gpuTypeOf(settings.gpuType),
        engine: {
          servedName: model,
          kind: settings.kind,
          source: settings.source,
          gpusPerReplica: settings.gpusPerReplica,
          tensorParallelSize: settings.tensorParallelSize,
          maxModelLen: settings.maxModelLen,
          dtype: settings.dtype,
          quantization: settings.quantization,
          gpuMemoryUtilization: settings.gpuMemoryUtilization,
          trustRemoteCode: settings.trustRemoteCode,
          toolCallParser: settings.toolCallParser,
          extraArgs: settings.extraArgs,
        },
        waitingPerReplica: inference.autoscaling.waitingPerReplica,
        runningPerReplica: inference.autoscaling.runningPerReplica,
        ...(inference.huggingFaceTokenSecret
          ? {
              huggingFaceToken: {
                secretName: inference.huggingFaceTokenSecret.name,
                key: inference.huggingFaceTokenSecret.key,
              },
            }
          : {}),
      },
      opts,
    );
    endpoints.push(server.endpoint);
    servers.push(name);
  }
  for (const [model, settings] of Object.entries(inference.cpuModels)) {
    if (!settings.enabled) continue;
    const name = serverName(model);
    const server = new LlamaCppServer(
      name,
      {
        ...serving(model, settings),
        image: inference.llamaCppImage,
        servedName: model,
        kind: settings.kind,
        source: settings.source,
        contextLength: settings.contextLength,
        threads: settings.threads,
        parallel: settings.parallel,
      },
      opts,
    );
    endpoints.push(server.endpoint);
    servers.push(name);
  }
  const { whisper, chatTts } = inference;
  if (whisper.enabled) {
    const name = serverName(whisper.servedName);
    const server = new WhisperServer(
      name,
      {
        namespace,
        servedName: whisper.servedName,
        model: whisper.model,
        device: whisper.device,
        ...(whisper.device === "gpu" ? { gpuType: gpuTypeOf(whisper.gpuType) } : {}),
        computeType: whisper.computeType,
        language: whisper.language,
        hotwords: whisper.hotwords,
        replicas: whisper.replicas,
        cpu: whisper.cpu,
        memory: whisper.memory,
        cacheGi: whisper.cacheGi,
        highAvailability: inference.highAvailability && whisper.replicas > 1,
        image: whisper.images[whisper.device],
      },
      opts,
    );
    endpoints.push(server.endpoint);
    servers.push(name);
  }
  if (chatTts.enabled) {
    const name = serverName(chatTts.servedName);
    const server = new ChatTtsServer(
      name,
      {
        namespace,
        servedName: chatTts.servedName,
        voice: chatTts.voice,
        emotion: chatTts.emotion,
        device: chatTts.device,
        ...(chatTts.device === "gpu" ? { gpuType: gpuTypeOf(chatTts.gpuType) } : {}),
        replicas: chatTts.replicas,
        cpu: chatTts.cpu,
        memory: chatTts.memory,
        cacheGi: chatTts.cacheGi,
        highAvailability: inference.highAvailability && chatTts.replicas > 1,
        image: chatTts.image,
      },
      opts,
    );
    endpoints.push(server.endpoint);
    servers.push(name);
  }

  const monitoringOpts = { parent: namespaces.ai, dependsOn: [observability.monitoring] };
  inferenceAlerts(
    "inference",
    { namespace, servers, gpuIdleAlert: prod && pools.length > 0 },
    monitoringOpts,
  );
  inferenceDashboards(namespace, monitoringOpts);
  return { endpoints, servers };
}
