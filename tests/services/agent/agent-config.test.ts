/**
 * The configuration file: the keys the deployment component generates (the contract), the example
 * with every key, defaults written once, and every problem reported at once by key.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import {
  ConfigError,
  loadConfig,
  parseConfig,
  resolveSecrets,
} from "../../../services/agent/src/config/load-config";
import { profileOverrideSchema } from "../../../services/agent/src/config/profile-schema";
import { configSchema } from "../../../services/agent/src/config/schema";

/** The document of the config contract the Pulumi component generates (auth with JWTs and a client). */
const CONTRACT = `
server:
  host: 0.0.0.0
  port: 8080
  publicUrl: https://agents.ai.example.com
auth:
  virtualKeys: true
  jwt:
    issuer: https://id.example.com/realms/platform
    audience: agent-service
    jwksUrl: http://keycloak.identity.svc.cluster.local/realms/platform/protocol/openid-connect/certs
  client:
    tokenUrl: http://keycloak.identity.svc.cluster.local/realms/platform/protocol/openid-connect/token
    clientId: agent-service
    clientSecretEnv: AGENT_CLIENT_SECRET
gateway:
  baseUrl: http://llm-gateway.ai.svc.cluster.local:4000/v1
  apiKeyEnv: LLM_GATEWAY_API_KEY
defaultModel: qwen2.5-7b-instruct
router:
  model: qwen2.5-7b-instruct
mcpServers:
  - name: platform
    url: http://mcp-server.ai.svc.cluster.local:8080/mcp
    audience: mcp-server
sessions:
  redisUrlEnv: REDIS_URL
  ttlSeconds: 86400
telemetry:
  otlpEndpoint: http://alloy.observability.svc.cluster.local:4318/v1/traces
agents: {}
`;

const problemsOf = (document: unknown): readonly string[] => {
  try {
    parseConfig(document);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
};
const minimal = { auth: { virtualKeys: true }, gateway: { baseUrl: "http://gw:4000/v1" }, defaultModel: "m" };

describe("agent service configuration", () => {
  it("accepts the contract's keys and fills the rest with defaults", () => {
    const config = parseConfig(parseYaml(CONTRACT));
    expect(config.server).toMatchObject({ host: "0.0.0.0", port: 8080, maxInputChars: 32_000 });
    expect(config.limits).toEqual({
      maxToolCallsPerRun: 16,
      maxRunSeconds: 300,
      toolTimeoutMs: 30_000,
      toolConcurrency: 4,
      maxToolResultChars: 16_000,
      maxHandoffs: 3,
    });
    expect([...config.profiles.keys()]).toEqual(["general", "knowledge", "data", "operations"]);
    expect(config.profiles.get("operations")).toMatchObject({
      model: "qwen2.5-7b-instruct",
      mcpServers: ["platform"],
      confirmTools: ["notify_*"],
      maxTurns: 8,
    });
    expect(config.routerModel).toBe("qwen2.5-7b-instruct");
  });

  it("has an example that parses and shows every key, and every profile field", () => {
    const example = parseYaml(readFileSync("services/agent/config.example.yaml", "utf8"));
    const parsed = parseConfig(example);
    const missing: string[] = [];
    const walk = (defaults: unknown, written: unknown, path: string) => {
      if (typeof defaults !== "object" || defaults === null || Array.isArray(defaults)) return;
      for (const [key, value] of Object.entries(defaults)) {
        const here = (written as Record<string, unknown> | undefined)?.[key];
        if (here === undefined) missing.push(`${path}${key}`);
        else if (key !== "agents") walk(value, here, `${path}${key}.`);
      }
    };
    walk(configSchema.parse(example), example, "");
    expect(missing).toEqual([]);
    const fields = new Set(
      Object.values(example.agents as Record<string, object>).flatMap((p) => Object.keys(p)),
    );
    expect([...fields].sort()).toEqual(Object.keys(profileOverrideSchema.shape).sort());
    expect(parsed.mcpServers[0]?.toolsCacheSeconds).toBeDefined();
  });

  it("overrides a default profile field by field and adds new profiles", () => {
    const config = parseConfig({
      ...minimal,
      agents: {
        knowledge: { temperature: 0.5, model: "glm-4-9b-chat" },
        translator: { description: "Translates", instructions: "Translate.", tools: [], handoff: false },
      },
    });
    const knowledge = config.profiles.get("knowledge");
    expect(knowledge).toMatchObject({
      temperature: 0.5,
      model: "glm-4-9b-chat",
      tools: ["knowledge_*", "document_*"],
    });
    expect(knowledge?.instructions).toMatch(/knowledge base/);
    expect(config.profiles.get("translator")).toMatchObject({ maxTurns: 8, handoff: false, model: "m" });
  });

  it("lists every problem at once, by key", () => {
    const problems = problemsOf({
      server: { host: "0.0.0.0", port: 99_999 },
      auth: { mode: "none", jwt: { issuer: "https://id.example.com/realms/x", audience: "a" } },
      gateway: { baseUrl: "not a url" },
      mcpServers: [{ name: "Platform", url: "http://mcp/mcp" }],
      colour: "blue",
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^server\.port: /),
        expect.stringMatching(/^gateway\.baseUrl: /),
        expect.stringMatching(/^defaultModel: /),
        expect.stringMatching(/^mcpServers\.0\.name: /),
        expect.stringMatching(/^\(root\): .*colour/),
      ]),
    );
    expect(problems.length).toBeGreaterThanOrEqual(5);
  });

  it("checks rules across keys", () => {
    expect(problemsOf({ ...minimal, auth: { mode: "none" }, server: { host: "0.0.0.0" } })).toEqual([
      'auth.mode: "none" is only allowed when server.host is a loopback address, not 0.0.0.0',
    ]);
    const problems = problemsOf({
      ...minimal,
      auth: {
        virtualKeys: false,
        jwt: { issuer: "https://id.example.com/realms/x", audience: "agent-service" },
        client: {
          tokenUrl: "https://id.example.com/token",
          clientId: "agent-service",
          clientSecretEnv: "SECRET",
        },
      },
      router: { defaultAgent: "nobody" },
      mcpServers: [
        { name: "platform", url: "http://mcp/mcp" },
        { name: "platform", url: "http://mcp2/mcp", audience: "x" },
      ],
      agents: { data: { mcpServers: ["billing"] }, newbie: { tools: ["*"] } },
    });
    expect(problems).toEqual([
      "gateway.apiKeyEnv: required with auth.jwt (model calls of JWT callers use the service's key)",
      "mcpServers.0.audience: required with auth.client (tokens are issued per audience)",
      "mcpServers.1.name: platform is listed twice",
      "agents.data.mcpServers: no MCP server named billing",
      "agents.newbie.description: required for a new profile",
      "agents.newbie.instructions: required for a new profile",
      "router.defaultAgent: no agent profile named nobody",
    ]);
    expect(problemsOf({ ...minimal, auth: { virtualKeys: false } })).toEqual([
      "auth: accept virtual keys or JWTs (virtualKeys: true or a jwt block), or set mode: none",
    ]);
  });

  it("reads the file named by AGENT_CONFIG_FILE and the secrets it names, listing missing ones", () => {
    expect(() => loadConfig({})).toThrow(/AGENT_CONFIG_FILE is not set/);
    const file = join(mkdtempSync(join(tmpdir(), "agent-config-")), "config.yaml");
    writeFileSync(file, CONTRACT);
    let error: unknown;
    try {
      loadConfig({ AGENT_CONFIG_FILE: file });
    } catch (caught) {
      error = caught;
    }
    expect((error as ConfigError).problems).toEqual([
      "environment variable LLM_GATEWAY_API_KEY is not set",
      "environment variable AGENT_CLIENT_SECRET is not set",
    ]);
    const { secrets } = loadConfig({
      AGENT_CONFIG_FILE: file,
      LLM_GATEWAY_API_KEY: "k",
      AGENT_CLIENT_SECRET: "s",
    });
    expect(secrets).toEqual({ gatewayApiKey: "k", clientSecret: "s", redisUrl: undefined });
    const config = parseConfig(parseYaml(CONTRACT));
    expect(
      resolveSecrets(config, { LLM_GATEWAY_API_KEY: "k", AGENT_CLIENT_SECRET: "s", REDIS_URL: "redis://r" })
        .redisUrl,
    ).toBe("redis://r");
  });
});
