import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readStackFile } from "../../policies/offline/stack-files";
import { parseConfig, resolveSecrets, secretNames } from "../../services/mcp/src/config";
import { MCP_TOOL_ROLES } from "../../stacks/areas/identity";
import { expectNotInPlainInputs, plainInputs } from "../harness/component-checks";
import { byName, ofType, single } from "../harness/queries";
import { ProgramFailed, runProgram, runStackFile } from "../harness/run-stack";
import { configNamed, envOf, policy } from "../harness/service-component";

const MCP = "ai-platform:mcp:McpServer";
const BRIDGE = "kubernetes:kafka.strimzi.io/v1:KafkaBridge";
const TOPIC = "kubernetes:kafka.strimzi.io/v1:KafkaTopic";
const SECRET = "kubernetes:core/v1:Secret";

describe("the MCP server in the stacks", () => {
  it("runs prod's server highly available on Milvus, with its own gateway key the gateway accepts", async () => {
    const run = await runStackFile("prod");
    expect(single(run, MCP).name).toBe("mcp-server");
    const config = configNamed(run, "mcp-server-config");
    expect(config.knowledge.store).toEqual({
      kind: "milvus",
      url: "http://milvus.ai.svc.cluster.local:19530",
      collection: "mcp_knowledge",
      tokenEnv: "MILVUS_TOKEN",
    });
    expect(config.knowledge.embeddings).toMatchObject({ model: "bge-m3", apiKeyEnv: "LLM_GATEWAY_API_KEY" });
    expect(config.knowledge.rerank).toMatchObject({ model: "bge-reranker-v2-m3-cpu" });
    expect(config.gateway).toEqual({
      baseUrl: "http://llm-gateway.ai.svc.cluster.local:4000/v1",
      chatModel: "qwen2.5-7b-instruct",
      apiKeyEnv: "LLM_GATEWAY_API_KEY",
    });
    expect(config.auth).toMatchObject({ mode: "oauth", clientId: "mcp-server" });
    expect(config.auth.jwksUrl).toBe(
      "http://keycloak-http.identity.svc.cluster.local/realms/ai-platform/protocol/openid-connect/certs",
    );
    expect(config.rateLimit).toEqual({ redisUrlEnv: "REDIS_URL" });
    expect(envOf(run, "mcp-server")).toMatchObject({
      LLM_GATEWAY_API_KEY: { name: "mcp-server-gateway-key", key: "key" },
      MILVUS_TOKEN: { name: "milvus-root-credentials", key: "token" },
      REDIS_URL: { name: "mcp-server-redis", key: "url" },
    });
    // The gateway registers the same Secret as the MCP server's key, limited to the models it uses.
    expect(envOf(run, "llm-gateway").GATEWAY_SERVICE_KEY_MCP_SERVER).toEqual({
      name: "mcp-server-gateway-key",
      key: "key",
    });
    expect(configNamed(run, "llm-gateway-config").general_settings.service_keys).toContainEqual({
      alias: "mcp-server",
      key: "os.environ/GATEWAY_SERVICE_KEY_MCP_SERVER",
      models: ["qwen2.5-7b-instruct", "bge-m3", "bge-reranker-v2-m3-cpu"],
    });
    expect(ofType(run, "kubernetes:policy/v1:PodDisruptionBudget").map((pdb) => pdb.name)).toContain(
      "mcp-server",
    );
    expect((run.outputs.services as Record<string, unknown>).mcp).toEqual({
      publicUrl: "https://mcp.ai.example.com/mcp",
      internalUrl: "http://mcp-server.ai.svc.cluster.local:8080/mcp",
    });
  });

  it("gives the pods every environment variable the rendered config names, as the server resolves them", async () => {
    for (const stack of ["dev", "prod"]) {
      const run = await runStackFile(stack);
      const config = parseConfig(configNamed(run, "mcp-server-config"));
      const env = Object.fromEntries(Object.keys(envOf(run, "mcp-server")).map((name) => [name, "set"]));
      expect(secretNames(config).length, stack).toBeGreaterThan(1);
      expect(() => resolveSecrets(config, env), stack).not.toThrow();
      expect(() => resolveSecrets(config, {}), stack).toThrow(/LLM_GATEWAY_API_KEY is not set/);
    }
  });

  it("keeps the generated key and the Redis URL in Secrets only; the URL names the master on 6379", async () => {
    const run = await runStackFile("prod");
    const key = byName(run, SECRET, "mcp-server-gateway-key");
    expect(key.inputs.metadata).toEqual({ name: "mcp-server-gateway-key", namespace: "ai" });
    expect(key.inputs.stringData.key).toMatch(/^sk-mock-generated-password-/);
    expect(key.secretInputs).toContain("stringData");
    const redis = byName(run, SECRET, "mcp-server-redis");
    // Prod's Redis runs under Sentinel, whose port is 26379; the master Service answers on 6379.
    expect(redis.inputs.stringData.url).toMatch(
      /^redis:\/\/:mock-generated-password-[\w-]+@redis-master\.data\.svc\.cluster\.local:6379\/1$/,
    );
    expect(plainInputs(redis)).not.toContain("redis://");
    expectNotInPlainInputs(run, "sk-mock-generated-password");
    expect(policy(run, "mcp-server-redis").egress[0].ports).toEqual([{ protocol: "TCP", port: 6379 }]);
    expect(policy(run, "llm-gateway-redis").egress[0].ports).toEqual([{ protocol: "TCP", port: 6379 }]);
    expect(byName(run, SECRET, "llm-gateway-redis").inputs.stringData.url).toMatch(/:6379\/0$/);
  });

  it("audits to Kafka through a Kafka Bridge and the mcp-audit topic when kafkaAudit is on", async () => {
    const file = readStackFile("dev");
    const run = await runStackFile("dev", {
      "ai-platform:mcp": { ...(file["ai-platform:mcp"] as object), kafkaAudit: true },
    });
    const bridge = single(run, BRIDGE).inputs;
    expect(bridge.metadata).toEqual({ name: "kafka", namespace: "data" });
    expect(bridge.spec).toMatchObject({
      replicas: 1,
      bootstrapServers: "kafka-kafka-bootstrap.data.svc:9093",
      tls: { trustedCertificates: [{ secretName: "kafka-cluster-ca-cert", certificate: "ca.crt" }] },
    });
    expect(
      ofType(run, TOPIC).find((topic) => topic.inputs.spec.topicName === "mcp-audit")?.inputs.spec,
    ).toMatchObject({
      topicName: "mcp-audit",
      config: { "retention.ms": 720 * 3_600_000 },
    });
    expect(configNamed(run, "mcp-server-config").audit).toEqual({
      kafka: { bridgeUrl: "http://kafka-bridge-service.data.svc.cluster.local:8080", topic: "mcp-audit" },
    });
    // The MCP pods may reach the bridge, the bridge admits only them and reaches only the brokers.
    const bridgePods = {
      "strimzi.io/cluster": "kafka",
      "strimzi.io/kind": "KafkaBridge",
      "strimzi.io/name": "kafka-bridge",
    };
    expect(policy(run, "mcp-server-kafka-bridge").egress).toEqual([
      {
        to: [
          {
            namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "data" } },
            podSelector: { matchLabels: bridgePods },
          },
        ],
        ports: [{ protocol: "TCP", port: 8080 }],
      },
    ]);
    expect(policy(run, "kafka-bridge-clients").ingress[0].from).toEqual([
      {
        namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ai" } },
        podSelector: {
          matchLabels: { "app.kubernetes.io/name": "mcp-server", "app.kubernetes.io/instance": "mcp-server" },
        },
      },
    ]);
    expect(policy(run, "kafka-bridge-to-kafka").egress[0].ports).toEqual([{ protocol: "TCP", port: 9093 }]);
  });

  it("has no bridge and no audit topic by default", async () => {
    const run = await runStackFile("dev");
    expect(ofType(run, BRIDGE)).toEqual([]);
    expect(ofType(run, TOPIC).map((topic) => topic.inputs.spec.topicName)).not.toContain("mcp-audit");
    expect(configNamed(run, "mcp-server-config").audit).toBeUndefined();
  });

  it("refuses a config naming models the gateway does not serve, or no gateway, before declaring anything", async () => {
    const failure = (await runProgram("dev", {
      ...readStackFile("dev"),
      "ai-platform:mcp": {
        enabled: true,
        image: "registry.example.com/ai-platform/mcp:0.1.0",
        chatModel: "bge-m3-cpu",
        embeddingModel: "gpt-5",
        kafkaAudit: true,
      },
      "ai-platform:platform": {
        ...(readStackFile("dev")["ai-platform:platform"] as object),
        data: { kafka: { topics: [{ name: "mcp-audit" }] } },
      },
    }).catch((error: unknown) => error)) as ProgramFailed;
    expect(failure).toBeInstanceOf(ProgramFailed);
    expect(failure.declared).toEqual([]);
    const message = String(failure.cause);
    for (const part of [
      'ai-platform:mcp.chatModel: "bge-m3-cpu" serves embeddings, not chat; the gateway serves chatglm3-6b',
      'ai-platform:mcp.embeddingModel: "gpt-5" is not a model the gateway serves; the gateway serves bge-m3-cpu',
      'ai-platform:platform.data.kafka.topics[0].name: "mcp-audit" is the MCP server\'s audit topic',
    ])
      expect(message).toContain(part);

    const withoutGateway = (await runProgram("dev", {
      ...readStackFile("dev"),
      "ai-platform:gateway": { enabled: false },
    }).catch((error: unknown) => error)) as ProgramFailed;
    expect(String(withoutGateway.cause)).toContain("ai-platform:mcp.enabled: needs the LLM gateway");
  });
});

describe("MCP tool permissions in the realm", () => {
  /** Every scope a built-in tool file declares (`scopes: [...]`), plus the defaults of federated tools and the admin API. */
  function declaredScopes(): Set<string> {
    const directory = "services/mcp/src/tools";
    const scopes = new Set(["mcp:federated", "mcp:admin"]); // federation's default and auth.adminScope's
    for (const file of readdirSync(directory)) {
      const source = readFileSync(join(directory, file), "utf8");
      for (const [, list] of source.matchAll(/scopes: \[([^\]]*)\]/g))
        for (const [, scope] of (list ?? "").matchAll(/"([^"]+)"/g)) scopes.add(scope as string);
    }
    return scopes;
  }

  it("grant every scope an MCP tool needs to some realm role, so no tool is unreachable", () => {
    const scopes = declaredScopes();
    expect(scopes.size).toBeGreaterThanOrEqual(8);
    expect([...scopes].filter((scope) => !MCP_TOOL_ROLES[scope])).toEqual([]);
    expect(Object.keys(MCP_TOOL_ROLES).filter((role) => !scopes.has(role))).toEqual([]);
  });

  it("lets the agent's service account use what app teams use, and keeps admin scopes to platform admins", async () => {
    const run = await runStackFile("prod");
    const realm = JSON.parse(byName(run, SECRET, "keycloak-realm").inputs.stringData["realm.json"]);
    expect(realm.users).toContainEqual(
      expect.objectContaining({ serviceAccountClientId: "agent-service", realmRoles: ["app-team"] }),
    );
    const appTeam = realm.roles.realm.find((role: { name: string }) => role.name === "app-team");
    expect(appTeam.composites.client["mcp-server"]).toContain("mcp:knowledge.read");
    expect(appTeam.composites.client["mcp-server"]).not.toContain("mcp:admin");
    expect(appTeam.composites.client["mcp-server"]).not.toContain("mcp:knowledge.write");
  });
});
