import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { httpsListenerName } from "../../components/ingress/hostnames";
import { McpServer, type McpServerArgs } from "../../components/mcp/mcp-server";
import { parseConfig } from "../../services/mcp/src/config";
import { ofType, single } from "../harness/queries";
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
} from "../harness/service-component";

const EXTERNAL_SECRET = "kubernetes:external-secrets.io/v1:ExternalSecret";
const PVC = "kubernetes:core/v1:PersistentVolumeClaim";

const IMAGE = `registry.example.com/ai-platform/mcp:0.1.0@sha256:${"c".repeat(64)}`;
const DEV: McpServerArgs = {
  namespace: "ai",
  image: IMAGE,
  replicas: { min: 1, max: 1 },
  route: {
    hostname: "mcp.ai.example.com",
    gatewayName: "platform",
    gatewayNamespace: "ingress",
    listenerName: httpsListenerName("mcp"),
  },
  keycloak: {
    // Resolved later, as Outputs of the Keycloak component.
    issuerUrl: pulumi.output("https://auth.ai.example.com/realms/ai-platform"),
    jwksUrl: pulumi.output(
      "http://keycloak-http.identity.svc.cluster.local/realms/ai-platform/protocol/openid-connect/certs",
    ),
    clientId: "mcp-server",
    server: { peer: { namespace: "identity" }, port: 8080 },
  },
  llmGateway: {
    baseUrl: "http://llm-gateway.ai.svc.cluster.local:4000/v1",
    apiKeySecret: { name: "mcp-gateway-key", key: "api-key" },
    server: { peer: { namespace: "ai", podLabels: { "app.kubernetes.io/name": "llm-gateway" } }, port: 4000 },
    rerankModel: "bge-reranker-v2-m3",
  },
  settings: {
    sql: { databases: { sales: { urlEnv: "SALES_DATABASE_URL", rowLimit: 200 } } },
    notifications: {
      dingtalk: { ops: { webhookEnv: "DINGTALK_OPS_WEBHOOK", secretEnv: "DINGTALK_OPS_SECRET" } },
    },
    auth: { toolScopes: { sql_query: ["mcp:sql.read", "finance"] } },
  },
  secretEnv: {
    SALES_DATABASE_URL: { name: "mcp-sales-db", key: "url" },
    DINGTALK_OPS_WEBHOOK: { name: "mcp-robots", key: "dingtalk-webhook" },
    DINGTALK_OPS_SECRET: { name: "mcp-robots", key: "dingtalk-secret" },
  },
  vaultSecrets: [
    {
      secretName: "mcp-robots",
      data: {
        "dingtalk-webhook": { key: "ai/mcp/robots", property: "dingtalk-webhook" },
        "dingtalk-secret": { key: "ai/mcp/robots", property: "dingtalk-secret" },
      },
    },
  ],
  extraEgress: [
    {
      name: "postgres",
      peers: [{ namespace: "data", podLabels: { "cnpg.io/cluster": "postgres" } }],
      ports: [5432],
    },
    { name: "robots", peers: "anywhere", ports: [443] },
  ],
};
const AUDIT_KAFKA = {
  bridgeUrl: "http://kafka-bridge-service.data.svc.cluster.local:8080",
  topic: "mcp-audit",
  server: { peer: { namespace: "data", podLabels: { "strimzi.io/kind": "KafkaBridge" } }, port: 8080 },
};
const PROD: McpServerArgs = {
  ...DEV,
  replicas: { min: 2, max: 6 },
  highAvailability: true,
  milvus: {
    url: pulumi.output("http://milvus.ai.svc.cluster.local:19530"),
    tokenSecret: { name: "milvus-root", key: "token" },
    server: { peer: { namespace: "ai", podLabels: { "app.kubernetes.io/name": "milvus" } }, port: 19530 },
  },
  redis: {
    urlSecret: { name: "mcp-server-redis", key: "url" },
    server: { peer: { namespace: "data", podLabels: { app: "redis" } }, port: 6379 },
  },
  auditKafka: AUDIT_KAFKA,
};

async function render(args: McpServerArgs, withSharedGateway = false) {
  let server: McpServer | undefined;
  const run = await renderComponents(() => {
    if (withSharedGateway) declareSharedGateway("ingress");
    server = new McpServer("mcp", args);
  });
  return { run, server: server as McpServer };
}

describe("McpServer", () => {
  it("renders a config the server's own schema accepts, with OAuth for its public URL and the gateway", async () => {
    const { run, server } = await render(PROD);
    const config = configOf(run);
    const parsed = parseConfig(config);
    expect(parsed.server).toMatchObject({
      publicUrl: "https://mcp.ai.example.com/mcp",
      port: 8080,
      host: "0.0.0.0",
    });
    expect(parsed.server.allowedHosts).toContain("mcp.ai.example.com");
    expect(parsed.auth).toMatchObject({
      mode: "oauth",
      issuer: "https://auth.ai.example.com/realms/ai-platform",
      clientId: "mcp-server",
      toolScopes: { sql_query: ["mcp:sql.read", "finance"] },
    });
    expect(parsed.knowledge.store).toEqual({
      kind: "milvus",
      url: "http://milvus.ai.svc.cluster.local:19530",
      collection: "mcp_knowledge",
      database: "default",
      tokenEnv: "MILVUS_TOKEN",
    });
    expect(parsed.knowledge.embeddings).toMatchObject({
      kind: "gateway",
      model: "bge-m3",
      dimension: 1024,
      apiKeyEnv: "LLM_GATEWAY_API_KEY",
    });
    expect(parsed.knowledge.rerank).toMatchObject({ model: "bge-reranker-v2-m3" });
    expect(server.publicUrl).toBe("https://mcp.ai.example.com/mcp");
    expect(server.internalUrl).toBe("http://mcp.ai.svc.cluster.local:8080/mcp");
    const checksum = (r: StackRun) =>
      single(r, DEPLOYMENT).inputs.spec.template.metadata.annotations["checksum/config"];
    expect(checksum(run)).toMatch(/^[a-f0-9]{64}$/);
    expect(
      checksum((await render({ ...PROD, allowedOrigins: ["https://chat.ai.example.com"] })).run),
    ).not.toBe(checksum(run));
  });

  it("shares rate limits through Redis and sends audit records to the Kafka Bridge when given them", async () => {
    const config = configOf((await render(PROD)).run);
    expect(config.rateLimit).toEqual({ redisUrlEnv: "REDIS_URL" });
    expect(config.audit).toEqual({
      kafka: { bridgeUrl: "http://kafka-bridge-service.data.svc.cluster.local:8080", topic: "mcp-audit" },
    });
    // The server's own schema reads exactly these keys.
    const parsed = parseConfig(config) as Record<string, any>;
    expect(parsed.rateLimit.redisUrlEnv).toBe("REDIS_URL");
    expect(parsed.audit.kafka).toMatchObject({ topic: "mcp-audit" });
    // Batching settings pass through beside the component's own keys.
    const tuned = configOf(
      (await render({ ...PROD, settings: { audit: { kafka: { batchSize: 50 } }, rateLimit: { burst: 5 } } }))
        .run,
    );
    expect(tuned.audit.kafka).toEqual({ ...config.audit.kafka, batchSize: 50 });
    expect(tuned.rateLimit).toEqual({ burst: 5, redisUrlEnv: "REDIS_URL" });
    const dev = configOf((await render(DEV)).run);
    expect(dev.rateLimit).toBeUndefined();
    expect(dev.audit).toBeUndefined();
  });

  it("keeps the embedded store on a protected volume without Milvus, and rolls it by recreation", async () => {
    const { run } = await render(DEV);
    expect(configOf(run).knowledge.store).toEqual({ kind: "pglite", dataDir: "/var/lib/mcp/knowledge" });
    const claim = single(run, PVC);
    expect(claim.inputs.spec).toEqual({
      accessModes: ["ReadWriteOnce"],
      resources: { requests: { storage: "5Gi" } },
    });
    expect(claim.protect).toBe(true);
    expect(single(run, DEPLOYMENT).inputs.spec.strategy).toEqual({ type: "Recreate" });
    expect(podSpec(run).securityContext.fsGroup).toBe(10001);
    expect(container(run).volumeMounts).toContainEqual({ name: "knowledge", mountPath: "/var/lib/mcp" });
    expect(podSpec(run).volumes).toContainEqual({
      name: "knowledge",
      persistentVolumeClaim: { claimName: "mcp-knowledge" },
    });
    const sized = (
      await render({ ...DEV, knowledgeVolume: { sizeGi: 20, storageClassName: "fast", protect: false } })
    ).run;
    expect(single(sized, PVC).inputs.spec).toMatchObject({
      resources: { requests: { storage: "20Gi" } },
      storageClassName: "fast",
    });
    expect(single(sized, PVC).protect).toBe(false);
    // With Milvus the pods keep nothing and roll one at a time.
    const prod = (await render(PROD)).run;
    expect(ofType(prod, PVC)).toEqual([]);
    expect(single(prod, DEPLOYMENT).inputs.spec.strategy.type).toBe("RollingUpdate");
    expect(podSpec(prod).securityContext.fsGroup).toBeUndefined();
  });

  it("reads every secret from Secrets by reference; Vault fills them through External Secrets", async () => {
    const { run } = await render(PROD);
    const env = Object.fromEntries(
      container(run).env.map((item: any) => [item.name, item.valueFrom?.secretKeyRef ?? item.value]),
    );
    expect(env).toEqual({
      MCP_CONFIG_FILE: "/etc/mcp/config.yaml",
      LLM_GATEWAY_API_KEY: { name: "mcp-gateway-key", key: "api-key" },
      MILVUS_TOKEN: { name: "milvus-root", key: "token" },
      REDIS_URL: { name: "mcp-server-redis", key: "url" },
      SALES_DATABASE_URL: { name: "mcp-sales-db", key: "url" },
      DINGTALK_OPS_WEBHOOK: { name: "mcp-robots", key: "dingtalk-webhook" },
      DINGTALK_OPS_SECRET: { name: "mcp-robots", key: "dingtalk-secret" },
    });
    const external = single(run, EXTERNAL_SECRET).inputs;
    expect(external.spec).toEqual({
      refreshInterval: "1h",
      secretStoreRef: { kind: "ClusterSecretStore", name: "vault" },
      target: { name: "mcp-robots", creationPolicy: "Owner" },
      data: [
        { secretKey: "dingtalk-webhook", remoteRef: { key: "ai/mcp/robots", property: "dingtalk-webhook" } },
        { secretKey: "dingtalk-secret", remoteRef: { key: "ai/mcp/robots", property: "dingtalk-secret" } },
      ],
    });
    expect(single(run, CONFIG_MAP).inputs.data["config.yaml"]).not.toMatch(/token:|password|secret:/i);
  });

  it("runs restricted with a read-only root and probes on /healthz", async () => {
    const { run } = await render(DEV);
    expect(container(run).securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
    });
    expect(podSpec(run).securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001 });
    expect(podSpec(run).automountServiceAccountToken).toBe(false);
    expect(container(run).readinessProbe.httpGet).toEqual({ path: "/healthz", port: "http" });
    expect(container(run).resources).toEqual({
      requests: { cpu: "200m", memory: "384Mi" },
      limits: { memory: "768Mi" },
    });
  });

  it("autoscales on CPU, and adds a PodDisruptionBudget and a zone spread only in HA", async () => {
    const dev = (await render(DEV)).run;
    expect(single(dev, HPA).inputs.spec).toMatchObject({ minReplicas: 1, maxReplicas: 1 });
    expect(ofType(dev, PDB)).toEqual([]);
    expect(podSpec(dev).topologySpreadConstraints).toBeUndefined();
    const prod = (await render(PROD)).run;
    expect(single(prod, HPA).inputs.spec).toMatchObject({ minReplicas: 2, maxReplicas: 6 });
    expect(single(prod, PDB).inputs.spec).toEqual({
      maxUnavailable: 1,
      selector: {
        matchLabels: { "app.kubernetes.io/name": "mcp-server", "app.kubernetes.io/instance": "mcp" },
      },
    });
    expect(podSpec(prod).topologySpreadConstraints.map((c: any) => c.topologyKey)).toEqual([
      "topology.kubernetes.io/zone",
      "kubernetes.io/hostname",
    ]);
  });

  it("routes the public hostname on the HTTPS listener and keeps /metrics and /admin inside the cluster", async () => {
    const { run } = await render(DEV);
    const route = single(run, HTTP_ROUTE).inputs.spec;
    expect(route.parentRefs).toEqual([
      { name: "platform", namespace: "ingress", sectionName: httpsListenerName("mcp") },
    ]);
    expect(route.hostnames).toEqual(["mcp.ai.example.com"]);
    expect(route.rules[0]).toEqual({
      matches: [
        { path: { type: "PathPrefix", value: "/metrics" } },
        { path: { type: "PathPrefix", value: "/admin" } },
      ],
    });
    expect(route.rules[1].backendRefs).toEqual([{ name: "mcp", port: 8080 }]);
    expect(single(run, SERVICE_MONITOR).inputs.spec.endpoints).toEqual([
      { port: "http", path: "/metrics", interval: "30s" },
    ]);
  });

  it("allows in from the Envoy proxies, clients and Prometheus; out to Keycloak, the gateway, Milvus and extras", async () => {
    const { run } = await render(PROD);
    const names = ofType(run, NETWORK_POLICY)
      .map((p) => p.inputs.metadata.name)
      .sort();
    expect(names).toEqual([
      "mcp-clients",
      "mcp-dns",
      "mcp-from-gateway",
      "mcp-kafka-bridge",
      "mcp-keycloak",
      "mcp-llm-gateway",
      "mcp-metrics",
      "mcp-milvus",
      "mcp-postgres",
      "mcp-redis",
      "mcp-robots",
    ]);
    expect(policy(run, "mcp-redis").egress).toEqual([
      {
        to: [
          {
            namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "data" } },
            podSelector: { matchLabels: { app: "redis" } },
          },
        ],
        ports: [{ protocol: "TCP", port: 6379 }],
      },
    ]);
    expect(policy(run, "mcp-kafka-bridge").egress[0]).toEqual({
      to: [
        {
          namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "data" } },
          podSelector: { matchLabels: { "strimzi.io/kind": "KafkaBridge" } },
        },
      ],
      ports: [{ protocol: "TCP", port: 8080 }],
    });
    expect(policy(run, "mcp-keycloak").egress).toEqual([
      {
        to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "identity" } } }],
        ports: [{ protocol: "TCP", port: 8080 }],
      },
    ]);
    expect(policy(run, "mcp-milvus").egress[0].ports).toEqual([{ protocol: "TCP", port: 19530 }]);
  });

  it.each([
    [{ image: "mcp:latest" }, "image:"],
    [{ replicas: { min: 1, max: 3 } }, "milvus is required when replicas.max is above 1"],
    [{ highAvailability: true }, "highAvailability needs replicas.min of 2 or more"],
    [{ route: { ...DEV.route, listenerName: "http" } }, "plain-HTTP listener"],
    [{ settings: { server: { port: 1 } } }, "settings.server is set by the component"],
    [{ settings: { auth: { mode: "none" } } }, "settings.auth.mode must stay oauth"],
    [
      { settings: { sql: { databases: { sales: { urlEnv: "lower-case" } } } } },
      "settings: sql.databases.sales.urlEnv",
    ],
    [
      { secretEnv: { MILVUS_TOKEN: { name: "x", key: "y" } } },
      "secretEnv.MILVUS_TOKEN is set by the component",
    ],
    [{ secretEnv: { REDIS_URL: { name: "x", key: "y" } } }, "secretEnv.REDIS_URL is set by the component"],
    [
      { settings: { rateLimit: { redisUrlEnv: "OTHER_REDIS" } } },
      "settings.rateLimit.redisUrlEnv is set by the component",
    ],
    [
      { settings: { audit: { kafka: { topic: "elsewhere" } } } },
      "settings.audit.kafka.topic is set by the component",
    ],
    [{ ...PROD, knowledgeVolume: { sizeGi: 5 } }, "knowledgeVolume is for the embedded store"],
    [{ knowledgeVolume: { sizeGi: 0 } }, "knowledgeVolume.sizeGi must be a whole number"],
    [{ auditKafka: { ...AUDIT_KAFKA, topic: "bad topic" } }, 'auditKafka.topic "bad topic"'],
    [{ auditKafka: { ...AUDIT_KAFKA, bridgeUrl: "http://bridge:8080/topics" } }, "auditKafka.bridgeUrl"],
  ] as const)("rejects %j before declaring anything", async (override, message) => {
    const failure = await render({ ...DEV, ...override } as McpServerArgs).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ProgramFailed);
    expect(String((failure as ProgramFailed).cause)).toContain(message);
    expect((failure as ProgramFailed).declared).toEqual([]);
  });

  it("lists every bad argument in one error", async () => {
    const failure = (await render({
      ...DEV,
      image: "mcp:latest",
      highAvailability: true,
      settings: { connectors: [{ name: "Bad" }] },
    }).catch((error: unknown) => error)) as ProgramFailed;
    const message = String(failure.cause);
    expect(message).toMatch(/invalid arguments \([4-9]\)/);
    for (const part of [
      "image:",
      "highAvailability",
      "settings: connectors.0.name",
      "settings: connectors.0.url",
    ])
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
