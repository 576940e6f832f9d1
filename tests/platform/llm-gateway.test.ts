import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { NON_PUBLIC_RANGES } from "../../components/gateway/gateway-network";
import { LlmGateway, type LlmGatewayArgs } from "../../components/gateway/llm-gateway";
import { httpsListenerName } from "../../components/ingress/hostnames";
import { GENERATED_PASSWORD_PREFIX } from "../../policies/offline/mocks";
import { expectNotInPlainInputs, securityViolations } from "../harness/component-checks";
import { byName, ofType, single } from "../harness/queries";
import { ProgramFailed, renderComponents, type StackRun } from "../harness/run-stack";
import {
  CONFIG_MAP,
  configOf,
  container,
  DEPLOYMENT,
  declareSharedGateway,
  describeEnvironmentShapes,
  HPA,
  HTTP_ROUTE,
  NETWORK_POLICY,
  PDB,
  podSpec,
  policy,
  SERVICE_MONITOR,
  tcp,
} from "../harness/service-component";

const SECRET = "kubernetes:core/v1:Secret";

const DIGEST = `sha256:${"b".repeat(64)}`;
const IMAGE = `registry.example.com/ai-platform/gateway:0.1.0@${DIGEST}`;
const POD_LABELS = { "app.kubernetes.io/name": "llm-gateway", "app.kubernetes.io/instance": "llm-gateway" };
const DEV: LlmGatewayArgs = {
  namespace: "ai",
  image: IMAGE,
  modelEndpoints: [
    {
      name: "qwen2.5-7b-instruct",
      url: "http://qwen2-5-7b-instruct.ai.svc.cluster.local:8000/v1",
      kind: "chat",
      contextLength: 32768,
      api: "openai",
      engine: "vllm",
    },
    // Resolved later, as a Pulumi Output, like any URL another resource computes.
    {
      name: "chattts",
      url: pulumi.output("http://chattts.ai.svc.cluster.local:8000"),
      kind: "audio-speech",
      api: "chattts",
    },
    {
      name: "qwen2.5-1.5b-cpu",
      url: "http://qwen2-5-1-5b-cpu.ai.svc.cluster.local:8080/v1",
      kind: "chat",
      api: "openai",
    },
  ],
  cloudModels: [
    {
      name: "claude-sonnet",
      provider: "anthropic",
      model: "claude-sonnet-4-5",
      apiKeySecret: { name: "llm-provider-keys", key: "anthropic" },
      inputCostPerMillionTokens: 3,
      outputCostPerMillionTokens: 15,
    },
  ],
  redis: {
    secretName: "llm-gateway-redis",
    peer: { namespace: "data", podLabels: { app: "redis", redis_setup_type: "standalone" } },
    port: 6379,
  },
  database: {
    secretName: "llm-gateway-database",
    key: "uri",
    peer: { namespace: "data", podLabels: { "cnpg.io/cluster": "postgres" } },
    port: 5432,
  },
  route: {
    hostname: "llm.ai.example.com",
    gatewayName: "platform",
    gatewayNamespace: "ingress",
    listenerName: httpsListenerName("llm"),
  },
  extraEgress: [{ name: "keycloak", peers: [{ namespace: "identity" }], ports: [8080] }],
};
const PROD: LlmGatewayArgs = { ...DEV, replicas: { min: 2, max: 6 }, highAvailability: true };

async function render(args: LlmGatewayArgs, withSharedGateway = false) {
  let gateway: LlmGateway | undefined;
  const run = await renderComponents(() => {
    if (withSharedGateway) declareSharedGateway("ingress");
    gateway = new LlmGateway("llm-gateway", args);
  });
  return { run, gateway: gateway as LlmGateway };
}

const envByName = (run: StackRun): Record<string, any> =>
  Object.fromEntries(container(run).env.map((v: { name: string }) => [v.name, v]));
const namespaceOf = (peer: any) => peer.namespaceSelector?.matchLabels["kubernetes.io/metadata.name"];

describe("LlmGateway", () => {
  it("mounts a config with one entry per endpoint and cloud model, and rolls the pods when it changes", async () => {
    const { run, gateway } = await render(DEV);
    const configMap = single(run, CONFIG_MAP).inputs;
    expect(configMap.metadata).toMatchObject({ name: "llm-gateway-config", namespace: "ai" });
    const config = configOf(run);
    expect(
      config.model_list.map((m: any) => [m.model_name, m.litellm_params.model, m.litellm_params.api_base]),
    ).toEqual([
      [
        "qwen2.5-7b-instruct",
        "hosted_vllm/qwen2.5-7b-instruct",
        "http://qwen2-5-7b-instruct.ai.svc.cluster.local:8000/v1",
      ],
      ["chattts", "chattts/chattts", "http://chattts.ai.svc.cluster.local:8000"],
      [
        "qwen2.5-1.5b-cpu",
        "openai_compatible/qwen2.5-1.5b-cpu",
        "http://qwen2-5-1-5b-cpu.ai.svc.cluster.local:8080/v1",
      ],
      ["claude-sonnet", "anthropic/claude-sonnet-4-5", "https://api.anthropic.com/v1"],
    ]);
    expect(gateway.modelNames).toEqual([
      "qwen2.5-7b-instruct",
      "chattts",
      "qwen2.5-1.5b-cpu",
      "claude-sonnet",
    ]);
    expect(container(run).args).toEqual(["node", "dist/server.js", "--config", "/etc/gateway/config.yaml"]);
    expect(container(run).volumeMounts).toContainEqual({
      name: "config",
      mountPath: "/etc/gateway",
      readOnly: true,
    });
    expect(podSpec(run).volumes).toContainEqual({
      name: "config",
      configMap: { name: "llm-gateway-config" },
    });

    const checksum = (r: StackRun) =>
      single(r, DEPLOYMENT).inputs.spec.template.metadata.annotations["checksum/config"];
    expect(checksum(run)).toMatch(/^[a-f0-9]{64}$/);
    expect(checksum((await render({ ...DEV, maxRequestSizeMb: 25 })).run)).toBe(checksum(run));
    expect(checksum((await render({ ...DEV, routing: { numRetries: 4 } })).run)).not.toBe(checksum(run));
  });

  it("reads Redis, PostgreSQL, the master key and provider keys from Secrets by reference only", async () => {
    const { run, gateway } = await render(DEV);
    expect(envByName(run)).toEqual({
      REDIS_URL: {
        name: "REDIS_URL",
        valueFrom: { secretKeyRef: { name: "llm-gateway-redis", key: "url" } },
      },
      DATABASE_URL: {
        name: "DATABASE_URL",
        valueFrom: { secretKeyRef: { name: "llm-gateway-database", key: "uri" } },
      },
      GATEWAY_MASTER_KEY: {
        name: "GATEWAY_MASTER_KEY",
        valueFrom: { secretKeyRef: { name: "llm-gateway-master-key", key: "master-key" } },
      },
      ANTHROPIC_API_KEY: {
        name: "ANTHROPIC_API_KEY",
        valueFrom: { secretKeyRef: { name: "llm-provider-keys", key: "anthropic" } },
      },
    });
    const config = configOf(run);
    expect(config.general_settings.master_key).toBe("os.environ/GATEWAY_MASTER_KEY");
    expect(config.router_settings.redis_url).toBe("os.environ/REDIS_URL");
    expect(config.model_list[3].litellm_params.api_key).toBe("os.environ/ANTHROPIC_API_KEY");

    const secret = byName(run, SECRET, "llm-gateway-master-key");
    expect(secret.inputs.metadata).toEqual({ name: "llm-gateway-master-key", namespace: "ai" });
    expect(secret.inputs.stringData).toEqual({
      "master-key": `sk-${GENERATED_PASSWORD_PREFIX}llm-gateway-master-key`,
    });
    expect(secret.secretInputs).toContain("stringData");
    expectNotInPlainInputs(run, GENERATED_PASSWORD_PREFIX);
    // The component's own output is a secret too.
    const isSecret = await (gateway.masterKey as any).isSecret;
    expect(isSecret).toBe(true);
  });

  it("accepts the platform services' own keys from their Secrets, limited to the models given", async () => {
    const { run } = await render({
      ...DEV,
      serviceKeys: [
        {
          alias: "mcp-server",
          secret: { name: "mcp-server-gateway-key", key: "key" },
          models: ["claude-sonnet"],
        },
      ],
    });
    expect(envByName(run).GATEWAY_SERVICE_KEY_MCP_SERVER).toEqual({
      name: "GATEWAY_SERVICE_KEY_MCP_SERVER",
      valueFrom: { secretKeyRef: { name: "mcp-server-gateway-key", key: "key" } },
    });
    expect(configOf(run).general_settings.service_keys).toEqual([
      { alias: "mcp-server", key: "os.environ/GATEWAY_SERVICE_KEY_MCP_SERVER", models: ["claude-sonnet"] },
    ]);
  });

  it("exports traces to an in-cluster collector when given one, and may reach it", async () => {
    const endpoint = "http://alloy.observability.svc.cluster.local:4318/v1/traces";
    const { run } = await render({ ...DEV, tracesEndpoint: endpoint });
    expect(envByName(run).OTEL_EXPORTER_OTLP_TRACES_ENDPOINT).toEqual({
      name: "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
      value: endpoint,
    });
    expect(configOf(run).litellm_settings.callbacks).toEqual(["otel"]);
    expect(policy(run, "llm-gateway-traces").egress).toEqual([
      {
        to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "observability" } } }],
        ports: tcp(4318),
      },
    ]);
    const { run: plain } = await render(DEV);
    expect(configOf(plain).litellm_settings.callbacks).toBeUndefined();
  });

  it("runs restricted with a read-only root, /tmp as emptyDir, requests and a memory limit, and probes", async () => {
    const { run } = await render(DEV);
    expect(container(run).securityContext).toEqual({
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
      seccompProfile: { type: "RuntimeDefault" },
      readOnlyRootFilesystem: true,
    });
    expect(podSpec(run).securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001 });
    expect(podSpec(run).automountServiceAccountToken).toBe(false);
    expect(podSpec(run).volumes).toContainEqual({ name: "tmp", emptyDir: { sizeLimit: "64Mi" } });
    expect(container(run).volumeMounts).toContainEqual({ name: "tmp", mountPath: "/tmp" });
    expect(container(run).resources).toEqual({
      requests: { cpu: "250m", memory: "256Mi" },
      limits: { memory: "512Mi" },
    });
    expect(container(run).readinessProbe.httpGet).toEqual({ path: "/health/readiness", port: "http" });
    expect(container(run).livenessProbe.httpGet).toEqual({ path: "/health/liveliness", port: "http" });
    expect(container(run).ports).toEqual([{ name: "http", containerPort: 4000, protocol: "TCP" }]);
  });

  it("scales on CPU between min and max, leaving the replica count to the autoscaler", async () => {
    const { run } = await render(PROD);
    expect(single(run, DEPLOYMENT).inputs.spec.replicas).toBeUndefined();
    expect(single(run, HPA).inputs.spec).toEqual({
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "llm-gateway" },
      minReplicas: 2,
      maxReplicas: 6,
      metrics: [
        {
          type: "Resource",
          resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } },
        },
      ],
    });
  });

  it("adds a PodDisruptionBudget and a zone spread only with highAvailability (prod)", async () => {
    const dev = (await render(DEV)).run;
    expect(ofType(dev, PDB)).toEqual([]);
    expect(podSpec(dev).topologySpreadConstraints).toBeUndefined();
    const prod = (await render(PROD)).run;
    expect(single(prod, PDB).inputs.spec).toEqual({
      maxUnavailable: 1,
      selector: { matchLabels: POD_LABELS },
    });
    expect(podSpec(prod).topologySpreadConstraints.map((c: any) => c.topologyKey)).toEqual([
      "topology.kubernetes.io/zone",
      "kubernetes.io/hostname",
    ]);
    for (const constraint of podSpec(prod).topologySpreadConstraints)
      expect(constraint.labelSelector.matchLabels).toEqual(POD_LABELS);
  });

  it("attaches its HTTPRoute to the shared Gateway's HTTPS listener and keeps /metrics off it", async () => {
    const { run, gateway } = await render(DEV, true);
    const route = byName(run, HTTP_ROUTE, "llm-gateway-route").inputs;
    expect(route.metadata).toEqual({ name: "llm-gateway", namespace: "ai" });
    expect(route.spec.parentRefs).toEqual([
      { name: "platform", namespace: "ingress", sectionName: "https-llm" },
    ]);
    expect(route.spec.hostnames).toEqual(["llm.ai.example.com"]);
    expect(route.spec.rules).toEqual([
      { matches: [{ path: { type: "PathPrefix", value: "/metrics" } }] },
      {
        matches: [{ path: { type: "PathPrefix", value: "/" } }],
        backendRefs: [{ name: "llm-gateway", port: 4000 }],
        timeouts: { request: "0s" },
      },
    ]);
    // The listener it names is the Gateway's HTTPS listener for that hostname.
    const listener = single(
      run,
      "kubernetes:gateway.networking.k8s.io/v1:Gateway",
    ).inputs.spec.listeners.find((l: { name: string }) => l.name === "https-llm");
    expect(listener).toMatchObject({ protocol: "HTTPS", hostname: "llm.ai.example.com" });
    const violations = securityViolations(run).filter((v) => v.rule === "gateway-routes-https-only");
    expect(violations).toEqual([]);
    expect(gateway.publicUrl).toBe("https://llm.ai.example.com/v1");
    expect(gateway.internalUrl).toBe("http://llm-gateway.ai.svc.cluster.local:4000/v1");
  });

  it("declares a ServiceMonitor Prometheus selects, on the Service's http port", async () => {
    const { run } = await render(DEV);
    const monitor = single(run, SERVICE_MONITOR).inputs;
    expect(monitor.metadata).toEqual({
      name: "llm-gateway",
      namespace: "ai",
      labels: { release: "kube-prometheus-stack" },
    });
    expect(monitor.spec).toEqual({
      selector: { matchLabels: POD_LABELS },
      endpoints: [{ port: "http", path: "/metrics", interval: "15s" }],
    });
    const service = byName(run, "kubernetes:core/v1:Service", "llm-gateway").inputs;
    expect(service.metadata.labels).toEqual(POD_LABELS);
    expect(service.spec.ports).toEqual([{ name: "http", port: 4000, targetPort: "http", protocol: "TCP" }]);
  });

  it("admits the Envoy proxies, client namespaces and Prometheus on 4000, and reaches only what it calls", async () => {
    const { run } = await render(DEV);
    const all = ofType(run, NETWORK_POLICY);
    for (const p of all) expect(p.inputs.spec.podSelector.matchLabels, p.name).toEqual(POD_LABELS);
    expect(all.map((p) => p.name).sort()).toEqual([
      "llm-gateway-clients",
      "llm-gateway-cloud-providers",
      "llm-gateway-dns",
      "llm-gateway-from-gateway",
      "llm-gateway-keycloak",
      "llm-gateway-metrics",
      "llm-gateway-model-servers",
      "llm-gateway-postgres",
      "llm-gateway-redis",
    ]);
    const fromGateway = policy(run, "llm-gateway-from-gateway").ingress[0];
    expect(fromGateway.from[0].podSelector.matchLabels).toEqual({
      "app.kubernetes.io/component": "proxy",
      "app.kubernetes.io/managed-by": "envoy-gateway",
    });
    expect(namespaceOf(fromGateway.from[0])).toBe("ingress");
    expect(policy(run, "llm-gateway-clients").ingress[0].from.map(namespaceOf)).toEqual(["ai"]);
    expect(policy(run, "llm-gateway-metrics").ingress[0].from.map(namespaceOf)).toEqual(["observability"]);
    for (const name of ["llm-gateway-from-gateway", "llm-gateway-clients", "llm-gateway-metrics"])
      expect(policy(run, name).ingress[0].ports, name).toEqual(tcp(4000));

    // Model servers: the ports their URLs name, in their namespace (the Output URL included).
    expect(policy(run, "llm-gateway-model-servers").egress).toEqual([
      {
        to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ai" } } }],
        ports: tcp(8000, 8080),
      },
    ]);
    expect(policy(run, "llm-gateway-redis").egress[0]).toEqual({
      to: [
        {
          namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "data" } },
          podSelector: { matchLabels: { app: "redis", redis_setup_type: "standalone" } },
        },
      ],
      ports: tcp(6379),
    });
    expect(policy(run, "llm-gateway-postgres").egress[0].ports).toEqual(tcp(5432));
    expect(policy(run, "llm-gateway-keycloak").egress[0].ports).toEqual(tcp(8080));
    expect(policy(run, "llm-gateway-dns").egress[0].ports).toEqual([
      { protocol: "UDP", port: 53 },
      { protocol: "TCP", port: 53 },
    ]);
    expect(policy(run, "llm-gateway-cloud-providers").egress).toEqual([
      { to: [{ ipBlock: { cidr: "0.0.0.0/0", except: NON_PUBLIC_RANGES } }], ports: tcp(443) },
    ]);
    expect(NON_PUBLIC_RANGES).toContain("169.254.0.0/16");

    // Without cloud models, nothing beyond the cluster.
    const local = (await render({ ...DEV, cloudModels: [] })).run;
    expect(ofType(local, NETWORK_POLICY).map((p) => p.name)).not.toContain("llm-gateway-cloud-providers");
    expect(envByName(local).ANTHROPIC_API_KEY).toBeUndefined();
  });

  it.each([
    [{ image: "registry.example.com/ai-platform/gateway:latest" }, "image: image"],
    [{ image: "registry.example.com/ai-platform/gateway" }, "has no tag"],
    [{ replicas: { min: 3, max: 2 } }, "replicas.max must not be below replicas.min"],
    [{ highAvailability: true }, "highAvailability needs replicas.min of 2 or more"],
    [{ route: { ...DEV.route, listenerName: "http" } }, "is the plain-HTTP listener"],
    [{ route: { ...DEV.route, hostname: "https://llm.ai.example.com" } }, "must be a bare DNS name"],
    [
      { modelEndpoints: [{ name: "x", url: "http://10.0.0.5:8000/v1", kind: "chat", api: "openai" }] },
      "modelEndpoints.x.url: model endpoint URL",
    ],
    [{ modelEndpoints: [], cloudModels: [] }, "no models"],
    [
      { routing: { fallbacks: { "qwen2.5-7b-instruct": ["gpt-9"] } } },
      '"gpt-9" is not a model of this gateway',
    ],
  ] as const)("rejects %j before declaring anything", async (override, message) => {
    const failure = await render({ ...DEV, ...override } as LlmGatewayArgs).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ProgramFailed);
    expect(String((failure as ProgramFailed).cause)).toContain(message);
    expect((failure as ProgramFailed).declared).toEqual([]);
  });

  it("lists every bad argument in one error", async () => {
    const failure = (await render({
      ...DEV,
      image: "gateway:latest",
      highAvailability: true,
      routing: { strategy: "random" as "least-busy" },
    }).catch((error: unknown) => error)) as ProgramFailed;
    const message = String(failure.cause);
    expect(message).toContain("invalid arguments (3)");
    for (const part of ["image:", "highAvailability", "routing.strategy"]) expect(message).toContain(part);
  });

  describeEnvironmentShapes(
    [
      ["dev", DEV],
      ["prod", PROD],
    ],
    render,
  );
});
