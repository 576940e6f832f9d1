import { describe, expect, it } from "vitest";
import { readStackFile } from "../../policies/offline/stack-files";
import { parseConfig, resolveSecrets } from "../../services/agent/src/config/load-config";
import { expectNotInPlainInputs } from "../harness/component-checks";
import { byName, ofType, single } from "../harness/queries";
import { ProgramFailed, runProgram, runStackFile, type StackRun } from "../harness/run-stack";
import { configNamed, envOf, NETWORK_POLICY } from "../harness/service-component";

const AGENT = "ai-platform:agent:AgentService";
const SECRET = "kubernetes:core/v1:Secret";
const REALM = "http://keycloak-http.identity.svc.cluster.local/realms/ai-platform/protocol/openid-connect";

const realmOf = (run: StackRun) =>
  JSON.parse(byName(run, SECRET, "keycloak-realm").inputs.stringData["realm.json"]);

describe("the agent service in the stacks", () => {
  it("runs prod's agents on the gateway and the platform's MCP server, as the contract configures them", async () => {
    const run = await runStackFile("prod");
    expect(single(run, AGENT).name).toBe("agent-service");
    const config = configNamed(run, "agent-service-config");
    expect(config.auth).toEqual({
      virtualKeys: true,
      jwt: {
        issuer: "https://auth.ai.example.com/realms/ai-platform",
        audience: "agent-service",
        jwksUrl: `${REALM}/certs`,
      },
      client: {
        tokenUrl: `${REALM}/token`,
        clientId: "agent-service",
        clientSecretEnv: "AGENT_CLIENT_SECRET",
      },
    });
    expect(config.gateway.baseUrl).toBe("http://llm-gateway.ai.svc.cluster.local:4000/v1");
    expect(config.defaultModel).toBe("qwen2.5-7b-instruct");
    expect(config.mcpServers).toEqual([
      { name: "platform", url: "http://mcp-server.ai.svc.cluster.local:8080/mcp", audience: "mcp-server" },
    ]);
    expect(envOf(run, "agent-service")).toEqual({
      AGENT_CONFIG_FILE: "/etc/agent/config.yaml",
      AGENT_CLIENT_SECRET: { name: "keycloak-client-agent-service", key: "client-secret" },
      LLM_GATEWAY_API_KEY: { name: "agent-service-gateway-key", key: "key" },
      REDIS_URL: { name: "agent-service-redis", key: "url" },
    });
    // The client secret is the realm's: Keycloak hands it to the ai namespace.
    expect(byName(run, SECRET, "keycloak-client-agent-service").inputs.metadata.namespace).toBe("ai");
    expect(byName(run, SECRET, "agent-service-redis").inputs.stringData.url).toMatch(/:6379\/2$/);
    expect(configNamed(run, "llm-gateway-config").general_settings.service_keys).toContainEqual({
      alias: "agent-service",
      key: "os.environ/GATEWAY_SERVICE_KEY_AGENT_SERVICE",
      models: ["qwen2.5-7b-instruct"],
    });
    expectNotInPlainInputs(run, "sk-mock-generated-password");
    expect((run.outputs.services as Record<string, unknown>).agent).toEqual({
      publicUrl: "https://agent.ai.example.com",
      internalUrl: "http://agent-service.ai.svc.cluster.local:8080",
    });
  });

  it("gives the pods every secret the rendered config names, as the service resolves them", async () => {
    const run = await runStackFile("prod");
    const config = parseConfig(configNamed(run, "agent-service-config"));
    const env = Object.fromEntries(Object.keys(envOf(run, "agent-service")).map((name) => [name, "set"]));
    expect(resolveSecrets(config, env)).toEqual({
      gatewayApiKey: "set",
      clientSecret: "set",
      redisUrl: "set",
    });
    expect(() => resolveSecrets(config, {})).toThrow(/AGENT_CLIENT_SECRET is not set/);
  });

  it("lets the agent's client exchange callers' tokens for the MCP server's audience", async () => {
    const run = await runStackFile("prod");
    const clients = Object.fromEntries(
      realmOf(run).clients.map((c: { clientId: string }) => [c.clientId, c]),
    );
    const agent = clients["agent-service"];
    expect(agent.publicClient).toBe(false);
    expect(agent.attributes["standard.token.exchange.enabled"]).toBe("true");
    expect(
      agent.protocolMappers.map(
        (m: { config: Record<string, string> }) => m.config["included.client.audience"],
      ),
    ).toContain("mcp-server");
    // The MCP server accepts exactly that audience (its client id).
    expect(configNamed(run, "mcp-server-config").auth.clientId).toBe("mcp-server");
    expect(clients["mcp-server"].attributes["standard.token.exchange.enabled"]).toBeUndefined();
  });

  it("may reach the MCP server, which admits the ai namespace", async () => {
    const run = await runStackFile("prod");
    const policies = ofType(run, NETWORK_POLICY);
    const spec = (name: string) => policies.find((p) => p.inputs.metadata.name === name)?.inputs.spec;
    expect(spec("agent-service-mcp-platform")?.egress).toEqual([
      {
        to: [
          {
            namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ai" } },
            podSelector: {
              matchLabels: {
                "app.kubernetes.io/name": "mcp-server",
                "app.kubernetes.io/instance": "mcp-server",
              },
            },
          },
        ],
        ports: [{ protocol: "TCP", port: 8080 }],
      },
    ]);
    expect(spec("mcp-server-clients")?.ingress[0].from).toEqual([
      { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ai" } } },
    ]);
  });

  it("stays off where no served model can call tools, and says why when enabled there", async () => {
    expect(ofType(await runStackFile("dev"), AGENT)).toEqual([]);
    const failure = (await runProgram("dev", {
      ...readStackFile("dev"),
      "ai-platform:agent": {
        enabled: true,
        image: "registry.example.com/ai-platform/agent:0.1.0",
        defaultModel: "chatglm3-6b",
        routerModel: "bge-m3-cpu",
      },
    }).catch((error: unknown) => error)) as ProgramFailed;
    expect(failure).toBeInstanceOf(ProgramFailed);
    expect(failure.declared).toEqual([]);
    const message = String(failure.cause);
    for (const part of [
      'ai-platform:agent.defaultModel: "chatglm3-6b" cannot call tools',
      'ai-platform:agent.routerModel: "bge-m3-cpu" serves embeddings, not chat; the gateway serves chatglm3-6b',
    ])
      expect(message).toContain(part);
  });

  it("refuses a traces endpoint that is not a URL", async () => {
    const failure = (await runProgram("prod", {
      ...readStackFile("prod"),
      "ai-platform:agent": {
        ...(readStackFile("prod")["ai-platform:agent"] as object),
        otlpEndpoint: "alloy:4318",
      },
    }).catch((error: unknown) => error)) as ProgramFailed;
    expect(failure.declared).toEqual([]);
    expect(String(failure.cause)).toContain("ai-platform:agent.otlpEndpoint: must be an http(s) URL");
  });

  it("requires two replicas in prod, an image and a model", async () => {
    const failure = (await runProgram("prod", {
      ...readStackFile("prod"),
      "ai-platform:agent": { enabled: true, replicas: { min: 1, max: 2 } },
    }).catch((error: unknown) => error)) as ProgramFailed;
    const message = String(failure.cause);
    for (const part of [
      "ai-platform:agent.replicas.min: must be at least 2 in prod",
      "ai-platform:agent.image: required",
      "ai-platform:agent.defaultModel: required",
    ])
      expect(message).toContain(part);
  });
});
