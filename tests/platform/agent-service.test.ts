import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { describe, expect, it } from "vitest";
import { AgentService, type AgentServiceArgs } from "../../components/agent/agent-service";
import { httpsListenerName } from "../../components/ingress/hostnames";
import { GENERATED_PASSWORD_PREFIX } from "../../policies/offline/mocks";
import { parseConfig } from "../../services/agent/src/config/load-config";
import { expectNotInPlainInputs } from "../harness/component-checks";
import { ofType, single } from "../harness/queries";
import { ProgramFailed, renderComponents, type StackRun } from "../harness/run-stack";
import {
  configOf,
  configText,
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

/** The keys the agent config contract fixes (/tmp/notes/agent-config-contract.md, services/agent README). */
const CONTRACT_KEYS = [
  "agents",
  "auth",
  "defaultModel",
  "gateway",
  "mcpServers",
  "router",
  "server",
  "sessions",
  "telemetry",
];
const KEYCLOAK = "http://keycloak-http.identity.svc.cluster.local/realms/ai-platform/protocol/openid-connect";
const IMAGE = `registry.example.com/ai-platform/agent:0.1.0@sha256:${"d".repeat(64)}`;
const POD_LABELS = { "app.kubernetes.io/name": "agent-service", "app.kubernetes.io/instance": "agent" };
const DEV: AgentServiceArgs = {
  namespace: "ai",
  image: IMAGE,
  replicas: { min: 1, max: 1 },
  route: {
    hostname: "agent.ai.example.com",
    gatewayName: "platform",
    gatewayNamespace: "ingress",
    listenerName: httpsListenerName("agent"),
  },
  keycloak: {
    // Resolved later, as Outputs of the Keycloak component.
    issuerUrl: pulumi.output("https://auth.ai.example.com/realms/ai-platform"),
    jwksUrl: pulumi.output(`${KEYCLOAK}/certs`),
    tokenUrl: pulumi.output(`${KEYCLOAK}/token`),
    clientId: "agent-service",
    clientSecret: { name: "keycloak-client-agent-service", key: "client-secret" },
    server: { peer: { namespace: "identity" }, port: 8080 },
  },
  llmGateway: {
    baseUrl: "http://llm-gateway.ai.svc.cluster.local:4000/v1",
    apiKeySecret: { name: "agent-service-gateway-key", key: "key" },
    server: { peer: { namespace: "ai", podLabels: { "app.kubernetes.io/name": "llm-gateway" } }, port: 4000 },
  },
  defaultModel: "qwen2.5-7b-instruct",
  mcpServers: [
    {
      name: "platform",
      url: pulumi.output("http://mcp-server.ai.svc.cluster.local:8080/mcp"),
      audience: "mcp-server",
      server: {
        peer: { namespace: "ai", podLabels: { "app.kubernetes.io/name": "mcp-server" } },
        port: 8080,
      },
    },
  ],
};
const PLATFORM_MCP = {
  name: "platform",
  url: "http://mcp-server.ai.svc.cluster.local:8080/mcp",
  audience: "mcp-server",
  server: { peer: { namespace: "ai" }, port: 8080 },
};
const PROD: AgentServiceArgs = {
  ...DEV,
  replicas: { min: 2, max: 6 },
  highAvailability: true,
  routerModel: "qwen2.5-1.5b-instruct",
  redis: {
    urlSecret: { name: "agent-service-redis", key: "url" },
    server: { peer: { namespace: "data", podLabels: { app: "redis" } }, port: 6379 },
  },
  otlpEndpoint: "http://alloy.observability.svc.cluster.local:4318/v1/traces",
  settings: {
    limits: { maxToolCallsPerRun: 8 },
    agents: { data: { maxTurns: 4 } },
    telemetry: { logLevel: "warn" },
  },
};

/**
 * Renders the service beside what the stack gives it: its gateway key generated into a Secret (left
 * out where a test counts what was declared), and optionally the shared Gateway.
 */
async function render(args: AgentServiceArgs, withSharedGateway = false, withGatewayKey = true) {
  let service: AgentService | undefined;
  const run = await renderComponents(() => {
    if (withSharedGateway) declareSharedGateway("ai-ingress");
    if (withGatewayKey) {
      const key = new random.RandomPassword("agent-service-gateway-key", { length: 48, special: false });
      new kubernetes.core.v1.Secret("agent-service-gateway-key", {
        metadata: { name: "agent-service-gateway-key", namespace: "ai" },
        stringData: { key: pulumi.secret(pulumi.interpolate`sk-${key.result}`) },
      });
    }
    service = new AgentService("agent", args);
  });
  return { run, service: service as AgentService };
}

const inNamespace = (namespace: string, podLabels?: Record<string, string>) => ({
  namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": namespace } },
  ...(podLabels ? { podSelector: { matchLabels: podLabels } } : {}),
});

describe("AgentService", () => {
  it("generates exactly the contract's config keys, which the service's own schema accepts", async () => {
    const { run, service } = await render(PROD);
    const config = configOf(run);
    expect(Object.keys(config).sort()).toEqual([...CONTRACT_KEYS, "limits"].sort());
    expect(config.server).toEqual({ host: "0.0.0.0", port: 8080, publicUrl: "https://agent.ai.example.com" });
    expect(config.auth).toEqual({
      virtualKeys: true,
      jwt: {
        issuer: "https://auth.ai.example.com/realms/ai-platform",
        audience: "agent-service",
        jwksUrl: `${KEYCLOAK}/certs`,
      },
      client: {
        tokenUrl: `${KEYCLOAK}/token`,
        clientId: "agent-service",
        clientSecretEnv: "AGENT_CLIENT_SECRET",
      },
    });
    expect(config.gateway).toEqual({
      baseUrl: "http://llm-gateway.ai.svc.cluster.local:4000/v1",
      apiKeyEnv: "LLM_GATEWAY_API_KEY",
    });
    expect(config.defaultModel).toBe("qwen2.5-7b-instruct");
    expect(config.router).toEqual({ model: "qwen2.5-1.5b-instruct" });
    expect(config.mcpServers).toEqual([
      { name: "platform", url: "http://mcp-server.ai.svc.cluster.local:8080/mcp", audience: "mcp-server" },
    ]);
    expect(config.sessions).toEqual({ redisUrlEnv: "REDIS_URL", ttlSeconds: 86400 });
    expect(config.telemetry).toEqual({
      logLevel: "warn",
      otlpEndpoint: "http://alloy.observability.svc.cluster.local:4318/v1/traces",
    });
    expect(config.agents).toEqual({ data: { maxTurns: 4 } });
    expect(config.limits).toEqual({ maxToolCallsPerRun: 8 });
    // The service reads it as written: profiles resolve, the router model is the one given.
    const parsed = parseConfig(config);
    expect(parsed.routerModel).toBe("qwen2.5-1.5b-instruct");
    expect(parsed.profiles.get("data")?.maxTurns).toBe(4);
    expect(service.publicUrl).toBe("https://agent.ai.example.com");
    expect(service.internalUrl).toBe("http://agent.ai.svc.cluster.local:8080");
  });

  it("leaves telemetry out without an endpoint, routes with the default model, and rolls pods on a config change", async () => {
    const { run } = await render(DEV);
    const config = configOf(run);
    expect(Object.keys(config).sort()).toEqual(CONTRACT_KEYS.filter((key) => key !== "telemetry").sort());
    expect(config.router).toEqual({ model: "qwen2.5-7b-instruct" });
    expect(config.agents).toEqual({});
    expect(parseConfig(config).profiles.size).toBeGreaterThan(0);
    const checksum = (r: StackRun) =>
      single(r, DEPLOYMENT).inputs.spec.template.metadata.annotations["checksum/config"];
    expect(checksum(run)).toMatch(/^[a-f0-9]{64}$/);
    expect(checksum((await render({ ...DEV, defaultModel: "glm-4-9b-chat" })).run)).not.toBe(checksum(run));
  });

  it("gets the contract's environment, secrets only by reference, and no secret value anywhere in plain text", async () => {
    const { run } = await render(PROD);
    const env = Object.fromEntries(
      container(run).env.map((item: any) => [item.name, item.valueFrom?.secretKeyRef ?? item.value]),
    );
    expect(env).toEqual({
      AGENT_CONFIG_FILE: "/etc/agent/config.yaml",
      AGENT_CLIENT_SECRET: { name: "keycloak-client-agent-service", key: "client-secret" },
      LLM_GATEWAY_API_KEY: { name: "agent-service-gateway-key", key: "key" },
      REDIS_URL: { name: "agent-service-redis", key: "url" },
    });
    expect(podSpec(run).volumes[0]).toEqual({ name: "config", configMap: { name: "agent-config" } });
    // The generated key exists, and only a Secret's secret inputs carry it.
    expect(JSON.stringify(run.resources.map((r) => r.inputs))).toContain(GENERATED_PASSWORD_PREFIX);
    expectNotInPlainInputs(run, GENERATED_PASSWORD_PREFIX);
    expect(configText(run)).not.toMatch(/sk-|password|secret:|token:/i);
    // Without Redis the pod has no REDIS_URL and sessions stay in memory.
    const dev = (await render(DEV)).run;
    expect(container(dev).env.map((item: { name: string }) => item.name)).not.toContain("REDIS_URL");
  });

  it("runs restricted with a read-only root, requests and limits on every container, and probes on /healthz", async () => {
    const { run } = await render(DEV);
    expect(podSpec(run).securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001 });
    expect(podSpec(run).automountServiceAccountToken).toBe(false);
    expect(podSpec(run).containers).toHaveLength(1);
    for (const each of [...podSpec(run).containers, ...(podSpec(run).initContainers ?? [])]) {
      expect(each.securityContext).toMatchObject({
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ["ALL"] },
      });
      expect(each.resources).toEqual({
        requests: { cpu: "200m", memory: "256Mi" },
        limits: { memory: "512Mi" },
      });
    }
    expect(container(run).ports).toEqual([{ name: "http", containerPort: 8080, protocol: "TCP" }]);
    for (const probe of ["startupProbe", "livenessProbe", "readinessProbe"])
      expect(container(run)[probe].httpGet).toEqual({ path: "/healthz", port: "http" });
    expect(container(run).volumeMounts).toContainEqual({ name: "tmp", mountPath: "/tmp" });
  });

  it("autoscales on CPU, and adds a PodDisruptionBudget and a zone spread only in HA", async () => {
    const dev = (await render(DEV)).run;
    expect(single(dev, HPA).inputs.spec).toMatchObject({ minReplicas: 1, maxReplicas: 1 });
    expect(single(dev, DEPLOYMENT).inputs.spec.replicas).toBeUndefined();
    expect(ofType(dev, PDB)).toEqual([]);
    expect(podSpec(dev).topologySpreadConstraints).toBeUndefined();
    const prod = (await render(PROD)).run;
    expect(single(prod, HPA).inputs.spec).toMatchObject({ minReplicas: 2, maxReplicas: 6 });
    expect(single(prod, PDB).inputs.spec).toEqual({
      maxUnavailable: 1,
      selector: { matchLabels: POD_LABELS },
    });
    expect(podSpec(prod).topologySpreadConstraints.map((c: any) => c.topologyKey)).toEqual([
      "topology.kubernetes.io/zone",
      "kubernetes.io/hostname",
    ]);
  });

  it("routes the public hostname on the HTTPS listener, keeps /metrics inside, and is scraped there", async () => {
    const { run } = await render(DEV);
    const route = single(run, HTTP_ROUTE).inputs.spec;
    expect(route.parentRefs).toEqual([
      { name: "platform", namespace: "ingress", sectionName: httpsListenerName("agent") },
    ]);
    expect(route.hostnames).toEqual(["agent.ai.example.com"]);
    expect(route.rules[0]).toEqual({ matches: [{ path: { type: "PathPrefix", value: "/metrics" } }] });
    expect(route.rules[1].backendRefs).toEqual([{ name: "agent", port: 8080 }]);
    expect(single(run, SERVICE_MONITOR).inputs.spec).toEqual({
      selector: { matchLabels: POD_LABELS },
      endpoints: [{ port: "http", path: "/metrics", interval: "30s" }],
    });
  });

  it("admits the Envoy proxies and Prometheus; reaches DNS, Keycloak, the gateway, MCP, Redis and the collector", async () => {
    const { run } = await render(PROD);
    const names = ofType(run, NETWORK_POLICY)
      .map((p) => p.inputs.metadata.name)
      .sort();
    expect(names).toEqual([
      "agent-dns",
      "agent-from-gateway",
      "agent-keycloak",
      "agent-llm-gateway",
      "agent-mcp-platform",
      "agent-metrics",
      "agent-otlp",
      "agent-redis",
    ]);
    expect(policy(run, "agent-from-gateway").ingress).toEqual([
      {
        from: [
          inNamespace("ingress", {
            "app.kubernetes.io/component": "proxy",
            "app.kubernetes.io/managed-by": "envoy-gateway",
          }),
        ],
        ports: tcp(8080),
      },
    ]);
    expect(policy(run, "agent-metrics").ingress).toEqual([
      { from: [inNamespace("observability")], ports: tcp(8080) },
    ]);
    expect(policy(run, "agent-keycloak").egress).toEqual([
      { to: [inNamespace("identity")], ports: tcp(8080) },
    ]);
    expect(policy(run, "agent-mcp-platform").egress).toEqual([
      { to: [inNamespace("ai", { "app.kubernetes.io/name": "mcp-server" })], ports: tcp(8080) },
    ]);
    expect(policy(run, "agent-redis").egress[0].ports).toEqual(tcp(6379));
    expect(policy(run, "agent-otlp").egress).toEqual([
      { to: [inNamespace("observability")], ports: tcp(4318) },
    ]);
    // A collector outside the cluster: public addresses on its port, private ranges closed.
    const external = (await render({ ...PROD, otlpEndpoint: "https://otlp.example.com/v1/traces" })).run;
    expect(policy(external, "agent-otlp").egress).toEqual([
      {
        to: [
          {
            ipBlock: { cidr: "0.0.0.0/0", except: expect.arrayContaining(["10.0.0.0/8", "169.254.0.0/16"]) },
          },
        ],
        ports: tcp(443),
      },
    ]);
    const dev = (await render(DEV)).run;
    const devNames = ofType(dev, NETWORK_POLICY).map((p) => p.inputs.metadata.name);
    expect(devNames).not.toContain("agent-redis");
    expect(devNames).not.toContain("agent-otlp");
  });

  it.each([
    [{ image: "agent:latest" }, "image:"],
    [{ replicas: { min: 1, max: 3 } }, "redis is required when replicas.max is above 1"],
    [{ highAvailability: true }, "highAvailability needs replicas.min of 2 or more"],
    [{ route: { ...DEV.route, listenerName: "http" } }, "plain-HTTP listener"],
    [{ route: { ...DEV.route, hostname: "https://agent.example.com" } }, "must be a bare DNS name"],
    [{ defaultModel: " " }, "defaultModel must name a gateway model group"],
    [{ otlpEndpoint: "alloy:4318" }, 'otlpEndpoint "alloy:4318" must be an http(s) URL'],
    [{ sessionTtlSeconds: 0 }, "sessionTtlSeconds must be a whole number"],
    [{ settings: { auth: { virtualKeys: false } } }, "settings.auth is set by the component"],
    [
      { settings: { sessions: { redisUrlEnv: "OTHER" } } },
      "settings.sessions.redisUrlEnv is set by the component",
    ],
    [{ settings: { agents: { data: { maxTurns: 0 } } } }, "settings: agents.data.maxTurns"],
    [{ settings: { limitz: {} } }, "settings: "],
    [
      { mcpServers: [{ ...PLATFORM_MCP, name: "mcp__x" }] },
      'mcpServers.mcp__x: name must be lower-case letters, digits, _ and - (no "__")',
    ],
    [{ mcpServers: [PLATFORM_MCP, PLATFORM_MCP] }, "mcpServers.platform: listed twice"],
  ] as const)("rejects %j before declaring anything", async (override, message) => {
    const failure = await render({ ...DEV, ...override } as AgentServiceArgs, false, false).catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(ProgramFailed);
    expect(String((failure as ProgramFailed).cause)).toContain(message);
    expect((failure as ProgramFailed).declared).toEqual([]);
  });

  it("lists every bad argument in one error", async () => {
    const failure = (await render(
      {
        ...DEV,
        image: "agent:latest",
        highAvailability: true,
        settings: { server: {}, agents: { data: { temperature: 9 } } },
      },
      false,
      false,
    ).catch((error: unknown) => error)) as ProgramFailed;
    const message = String(failure.cause);
    expect(message).toMatch(/invalid arguments \([4-9]\)/);
    for (const part of ["image:", "highAvailability", "settings.server", "settings: agents.data.temperature"])
      expect(message).toContain(part);
  });

  describeEnvironmentShapes(
    [
      ["dev", DEV],
      ["prod", PROD],
    ],
    render,
  );
});
