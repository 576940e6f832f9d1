import { describe, expect, it } from "vitest";
import { VLLM_MODEL_CATALOG } from "../../components/inference/model-catalog";

/** These overrides replace the prod file's models, so the services that name some of them stay off. */
const WITHOUT_MODEL_CONSUMERS = {
  "ai-platform:mcp": { enabled: false },
  "ai-platform:agent": { enabled: false },
};
const CHART = "kubernetes:helm.sh/v4:Chart";

import { referenceChartValues, unknownValuesKeys } from "../harness/chart-reference";
import { schemaProblems, securityViolations } from "../harness/component-checks";
import { promtoolCheckRules } from "../harness/promtool";
import { byName, ofType } from "../harness/queries";
import { ProgramFailed, runStackFile, type StackRun } from "../harness/run-stack";

const STATEFUL_SET = "kubernetes:apps/v1:StatefulSet";
const SCALED_OBJECT = "kubernetes:keda.sh/v1alpha1:ScaledObject";
const SERVICE = "kubernetes:core/v1:Service";
const RULE = "kubernetes:monitoring.coreos.com/v1:PrometheusRule";
const PDB = "kubernetes:policy/v1:PodDisruptionBudget";

const inAi = (run: StackRun, type: string) =>
  ofType(run, type).filter((r) => r.inputs.metadata?.namespace === "ai");
const modelServers = (run: StackRun) =>
  inAi(run, STATEFUL_SET).filter(
    (s) => s.inputs.metadata.labels["app.kubernetes.io/part-of"] === "ai-platform-inference",
  );
const names = (resources: { inputs: any }[]) => resources.map((r) => r.inputs.metadata.name).sort();
const container = (set: { inputs: any }) => set.inputs.spec.template.spec.containers[0];

describe.each([
  [
    "dev",
    ["bge-m3-cpu", "bge-reranker-v2-m3-cpu", "chatglm3-6b", "chattts", "whisper"],
    ["chatglm3-6b", "chattts"],
  ],
  [
    "prod",
    [
      "bge-m3",
      "bge-reranker-v2-m3-cpu",
      "chattts",
      "codegeex4-all-9b",
      "glm-4-9b-chat",
      "qwen2-5-7b-instruct",
      "whisper",
    ],
    ["bge-m3", "chattts", "codegeex4-all-9b", "glm-4-9b-chat", "qwen2-5-7b-instruct", "whisper"],
  ],
  ["local", ["bge-m3-cpu", "bge-reranker-v2-m3-cpu", "qwen2-5-1-5b-instruct", "whisper"], []],
])("%s stack", (stack, servers, gpuServers) => {
  it("runs a server, a Service and (for autoscaled ones) a ScaledObject for enabled models only", async () => {
    const run = await runStackFile(stack);
    expect(names(modelServers(run))).toEqual(servers);
    const services = names(inAi(run, SERVICE).filter((s) => servers.includes(s.inputs.metadata.name)));
    expect(services).toEqual(servers);
    const scaled = names(inAi(run, SCALED_OBJECT));
    expect(scaled).toEqual(servers.filter((s) => s !== "whisper" && s !== "chattts"));
  });

  it("requests GPUs only for GPU models, on their pool's type, tolerating the GPU taint", async () => {
    const run = await runStackFile(stack);
    for (const set of modelServers(run)) {
      const pod = set.inputs.spec.template.spec;
      const name = set.inputs.metadata.name;
      const limits = container(set).resources.limits;
      if (gpuServers.includes(name)) {
        expect(limits["nvidia.com/gpu"], name).toBe("1");
        expect(container(set).resources.requests["nvidia.com/gpu"], name).toBe("1");
        expect(pod.nodeSelector, name).toEqual({ "ai-platform/gpu-type": "nvidia-a10" });
        expect(pod.tolerations, name).toEqual([
          { key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" },
        ]);
      } else {
        expect(limits["nvidia.com/gpu"], name).toBeUndefined();
        expect(pod.tolerations, name).toBeUndefined();
      }
    }
  });

  it("gives every server probes, a weights volume and restricted security", async () => {
    const run = await runStackFile(stack);
    for (const set of modelServers(run)) {
      const c = container(set);
      const name = set.inputs.metadata.name;
      expect(c.startupProbe.httpGet.port, name).toBe("http");
      expect(c.startupProbe.failureThreshold * c.startupProbe.periodSeconds, name).toBeGreaterThanOrEqual(
        300,
      );
      expect(c.readinessProbe.httpGet.path, name).toBe(name === "chattts" ? "/openapi.json" : "/health");
      expect(c.volumeMounts[0], name).toEqual({ name: "models", mountPath: "/models" });
      expect(set.inputs.spec.volumeClaimTemplates[0].spec.resources.requests.storage, name).toMatch(
        /^\d+Gi$/,
      );
      expect(set.inputs.spec.template.spec.securityContext.runAsNonRoot, name).toBe(true);
    }
  });

  it("validates every declared inference object against kubernetes-models and the CRDs", async () => {
    const run = await runStackFile(stack);
    const objects = run.resources.filter(
      (r) =>
        r.type.startsWith("kubernetes:") &&
        !r.type.startsWith("kubernetes:helm.sh/") &&
        r.inputs.metadata?.namespace === "ai",
    );
    expect(objects.length).toBeGreaterThan(20);
    expect(await schemaProblems(objects)).toEqual([]);
    const keda = byName(run, CHART, "keda-chart").inputs;
    expect(keda).toMatchObject({ chart: "keda", version: "2.20.2", namespace: "ai" });
    expect(unknownValuesKeys(keda.values, referenceChartValues("keda"), ["podLabels", "resources"])).toEqual(
      [],
    );
  });

  it("declares alert rules that pass promtool check rules", async () => {
    const run = await runStackFile(stack);
    const [rule] = ofType(run, RULE).filter((r) => r.inputs.metadata.name === "inference");
    expect(rule?.inputs.metadata.labels).toEqual({ release: "kube-prometheus-stack" });
    const result = promtoolCheckRules(rule?.inputs.spec.groups);
    expect(result.output).toContain("SUCCESS");
    const alerts = rule?.inputs.spec.groups.flatMap((g: any) => g.rules.map((r: any) => r.alert));
    expect(alerts.includes("GpuNodeIdle")).toBe(stack === "prod");
  });

  it("passes the security pack's mandatory rules", async () => {
    const run = await runStackFile(stack);
    const inference = new Set(
      inAi(run, STATEFUL_SET)
        .concat(inAi(run, SERVICE), inAi(run, SCALED_OBJECT))
        .filter((r) => !r.inputs.metadata.name.startsWith("milvus"))
        .map((r) => r.urn),
    );
    expect(inference.size).toBeGreaterThanOrEqual(servers.length * 2);
    const violations = securityViolations(run).filter(
      (v) => v.enforcementLevel === "mandatory" && v.urn !== undefined && inference.has(v.urn),
    );
    expect(violations).toEqual([]);
  });
});

describe("vLLM servers", () => {
  it("run the pinned official image with the model's engine arguments", async () => {
    const run = await runStackFile("prod");
    const qwen = container(byName(run, STATEFUL_SET, "qwen2-5-7b-instruct"));
    expect(qwen.image).toBe("vllm/vllm-openai:v0.12.0");
    expect(qwen.command).toEqual(["vllm", "serve"]);
    expect(qwen.args).toEqual([
      "Qwen/Qwen2.5-7B-Instruct",
      "--served-model-name=qwen2.5-7b-instruct",
      "--host=0.0.0.0",
      "--port=8000",
      "--download-dir=/models/huggingface/hub",
      "--tensor-parallel-size=1",
      "--max-model-len=32768",
      "--dtype=bfloat16",
      "--gpu-memory-utilization=0.92",
      "--enable-auto-tool-choice",
      "--tool-call-parser=hermes",
    ]);
    const bge = container(byName(run, STATEFUL_SET, "bge-m3"));
    expect(bge.args).toContain("--runner=pooling");
    expect(VLLM_MODEL_CATALOG["glm-4-9b-chat"].source.huggingFace).toBe("zai-org/glm-4-9b-chat-hf");
  });

  it("scale on the vLLM queue and running requests; dev scales to zero, prod keeps one and a PDB", async () => {
    const dev = await runStackFile("dev");
    const devScaler = byName(dev, SCALED_OBJECT, "chatglm3-6b-scaler").inputs.spec;
    expect(devScaler).toMatchObject({
      scaleTargetRef: { kind: "StatefulSet", name: "chatglm3-6b" },
      minReplicaCount: 0,
      maxReplicaCount: 1,
    });
    expect(devScaler.triggers.map((t: any) => [t.name, t.metadata.query])).toEqual([
      ["queue", 'sum(vllm:num_requests_waiting{namespace="ai",model_name="chatglm3-6b"})'],
      ["running", 'sum(vllm:num_requests_running{namespace="ai",model_name="chatglm3-6b"})'],
      [
        "demand",
        'sum(rate(gen_ai_server_request_duration_seconds_count{gen_ai_request_model="chatglm3-6b"}[2m]))',
      ],
    ]);
    expect(devScaler.triggers[0].metadata.serverAddress).toBe(
      "http://kube-prometheus-stack-prometheus.observability.svc.cluster.local:9090",
    );
    expect(inAi(dev, PDB)).toEqual([]);

    const prod = await runStackFile("prod");
    const prodScaler = byName(prod, SCALED_OBJECT, "glm-4-9b-chat-scaler").inputs.spec;
    expect(prodScaler).toMatchObject({ minReplicaCount: 1, maxReplicaCount: 2 });
    expect(prodScaler.triggers.map((t: any) => t.name)).toEqual(["queue", "running"]);
    expect(names(inAi(prod, PDB))).toContain("glm-4-9b-chat");
  });

  it("read the Hugging Face token from a Secret, never inline", async () => {
    const run = await runStackFile("prod", {
      "ai-platform:inference": {
        huggingFaceTokenSecret: { name: "huggingface", key: "token" },
        models: { "qwen2.5-7b-instruct": { enabled: true, replicas: { min: 1, max: 1 } } },
      },
      ...WITHOUT_MODEL_CONSUMERS,
    });
    const env = container(byName(run, STATEFUL_SET, "qwen2-5-7b-instruct")).env;
    expect(env.find((e: any) => e.name === "HF_TOKEN")).toEqual({
      name: "HF_TOKEN",
      valueFrom: { secretKeyRef: { name: "huggingface", key: "token" } },
    });
  });

  it("size /dev/shm for tensor parallelism", async () => {
    const run = await runStackFile("prod", {
      "ai-platform:gpuNodePools": [
        {
          name: "gpu-a10x4",
          instanceTypes: ["ecs.gn7i-c32g1.8xlarge"],
          gpuType: "nvidia-a10",
          gpusPerNode: 4,
          minSize: 1,
          maxSize: 2,
        },
      ],
      "ai-platform:inference": {
        models: {
          "glm-4-9b-chat": {
            enabled: true,
            gpusPerReplica: 2,
            tensorParallelSize: 2,
            replicas: { min: 1, max: 2 },
          },
        },
      },
      ...WITHOUT_MODEL_CONSUMERS,
    });
    const set = byName(run, STATEFUL_SET, "glm-4-9b-chat").inputs;
    expect(set.spec.template.spec.volumes).toEqual([
      { name: "dshm", emptyDir: { medium: "Memory", sizeLimit: "16Gi" } },
    ]);
    expect(container({ inputs: set }).args).toContain("--tensor-parallel-size=2");
    expect(container({ inputs: set }).resources.limits["nvidia.com/gpu"]).toBe("2");
  });
});

describe("model endpoints", () => {
  it("are published in the outputs for the gateway, with in-cluster URLs and kinds", async () => {
    const run = await runStackFile("dev");
    const endpoints = (run.outputs.services as any).modelEndpoints;
    expect(endpoints.map((e: any) => [e.name, e.kind, e.url, e.api])).toEqual([
      ["chatglm3-6b", "chat", "http://chatglm3-6b.ai.svc.cluster.local:8000/v1", "openai"],
      ["bge-m3-cpu", "embeddings", "http://bge-m3-cpu.ai.svc.cluster.local:8080/v1", "openai"],
      [
        "bge-reranker-v2-m3-cpu",
        "rerank",
        "http://bge-reranker-v2-m3-cpu.ai.svc.cluster.local:8080/v1",
        "openai",
      ],
      ["whisper", "audio-transcription", "http://whisper.ai.svc.cluster.local:8000/v1", "openai"],
      ["chattts", "audio-speech", "http://chattts.ai.svc.cluster.local:8000", "chattts"],
    ]);
    expect(endpoints[0].contextLength).toBe(8192);
    expect(endpoints[3].upstreamModel).toBe("Systran/faster-whisper-small");
    expect(endpoints[4].requestDefaults).toMatchObject({
      audio_seed: 2222,
      refine_text_prompt: "[oral_2][laugh_0][break_6]",
      infer_code_prompt: "[speed_5]",
    });
  });
});

describe("config errors", () => {
  it("fail before any resource when the plan does not fit the GPU pools, naming models and pool", async () => {
    const failure = await runStackFile("dev", {
      "ai-platform:inference": {
        models: {
          "chatglm3-6b": { enabled: true, replicas: { min: 0, max: 2 } },
          "qwen2.5-7b-instruct": { enabled: true },
        },
      },
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ProgramFailed);
    expect((failure as ProgramFailed).declared).toEqual([]);
    const message = String((failure as ProgramFailed).cause);
    expect(message).toContain("ai-platform:inference: does not fit the GPU pools");
    expect(message).toContain("chatglm3-6b (2 × 1 GPU)");
    expect(message).toContain("qwen2.5-7b-instruct (1 × 1 GPU)");
    expect(message).toContain("gpu-a10 (2 nodes × 1 GPU) offer 2");
  });

  it("report every bad inference key at once", async () => {
    const failure = await runStackFile("prod", {
      "ai-platform:inference": {
        vllmImage: "vllm/vllm-openai:latest",
        models: {
          "glm-4-9b-chat": { enabled: true, tensorParallelSize: 3, replicas: { min: 0, max: 1 } },
          "bge-m3": { toolCallParser: "hermes" },
        },
        whisper: { language: "Chinese" },
        chatTts: { emotion: { laugh: 5 } },
      },
    }).catch((error: unknown) => error);
    const message = String((failure as ProgramFailed).cause);
    for (const expected of [
      "ai-platform:inference.vllmImage: must be pinned",
      "ai-platform:inference.models.glm-4-9b-chat.tensorParallelSize: must divide gpusPerReplica (1)",
      "ai-platform:inference.models.bge-m3.toolCallParser: applies only to chat models",
      "ai-platform:inference.whisper.language: must be an ISO 639-1 code",
      "ai-platform:inference.chatTts.emotion.laugh",
    ])
      expect(message).toContain(expected);
  });

  it("reject GPU models on a stack without GPU pools", async () => {
    const failure = await runStackFile("local", {
      "ai-platform:inference": { models: { "qwen2.5-7b-instruct": { enabled: true } } },
    }).catch((error: unknown) => error);
    expect(String((failure as ProgramFailed).cause)).toContain(
      "ai-platform:inference.models.qwen2.5-7b-instruct.gpuType: runs on GPU, but the stack has no GPU pool",
    );
  });
});
