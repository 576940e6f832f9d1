/**
 * Identity end to end with an MCP server that requires Keycloak tokens for its own audience: JWT
 * callers' identity reaches it by token exchange, virtual-key callers' calls go as the service's
 * client; the caller's own token never does. JWTs for another audience, expired or foreign are 401.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jsonLogger } from "../../../services/agent/src/observability/log";
import { createKey } from "../gateway/start-gateway";
import { type FakeKeycloak, startFakeKeycloak } from "./fakes/fake-keycloak";
import { type AgentStack, startStack } from "./support/agent-stack";
import { jsonOf, type RunningAgent } from "./support/start-agent";

const CLIENT = {
  id: "agent-service",
  secret: "agent-client-secret",
  scope: "mcp:knowledge.read mcp:connectors",
};
let keycloak: FakeKeycloak;
let stack: AgentStack;
let agent: RunningAgent;
let serviceKeyId: string;

beforeAll(async () => {
  keycloak = await startFakeKeycloak(CLIENT);
  stack = await startStack(undefined, {
    mcp: { oauth: { issuer: keycloak.issuer, jwksUrl: keycloak.jwksUrl, audience: "mcp-server" } },
  });
  const serviceKey = await createKey(stack.gateway);
  serviceKeyId = serviceKey.key_id;
  agent = await stack.startAgent(
    (config) => {
      config.auth = {
        virtualKeys: true,
        jwt: { issuer: keycloak.issuer, audience: "agent-service" },
        client: { tokenUrl: keycloak.tokenUrl, clientId: CLIENT.id, clientSecretEnv: "AGENT_CLIENT_SECRET" },
      };
      config.gateway.apiKeyEnv = "LLM_GATEWAY_API_KEY";
      config.mcpServers[0].audience = "mcp-server";
    },
    { AGENT_CLIENT_SECRET: CLIENT.secret, LLM_GATEWAY_API_KEY: serviceKey.key },
  );
});

afterAll(async () => {
  await stack?.close();
  await keycloak?.close();
});

const searchScript = (name: string) =>
  stack.model.script(name, [
    { toolCalls: [{ name: "platform__knowledge_search", arguments: '{"query":"travel policy"}' }] },
    { content: "Economy class." },
  ]);
const searchAudit = () => stack.mcp.audit.filter((record) => record.tool === "knowledge_search");

describe("identity toward MCP servers", () => {
  it("exchanges a JWT caller's token for one for the MCP server's audience, and reuses it", async () => {
    const token = await keycloak.token({ aud: "agent-service", sub: "alice" });
    searchScript("alice");
    const exchangesBefore = keycloak.tokenRequests.length;
    const result = await jsonOf(
      await agent.post("/v1/agents/knowledge/runs", { input: "[script:alice] travel class?" }, token),
    );
    expect(result.status).toBe("completed");
    expect(result.tool_calls[0].status).toBe("ok");
    // The MCP server accepted the call as alice: only an exchanged token (audience mcp-server) passes it.
    expect(searchAudit().at(-1)).toMatchObject({ caller: "alice", outcome: "ok" });
    expect(keycloak.tokenRequests.slice(exchangesBefore)).toEqual([
      {
        grantType: "urn:ietf:params:oauth:grant-type:token-exchange",
        audience: "mcp-server",
        subject: "alice",
        clientId: "agent-service",
      },
    ]);
    // Model calls use the service's key with alice as the end user, so spend names her.
    const modelCall = stack.model.requestsOf("alice")[0];
    expect(modelCall?.body.user).toBe("alice");
    const spend = await jsonOf(await stack.gateway.admin(`/spend/logs?key_id=${serviceKeyId}&limit=100`));
    expect(spend.data.map((record: any) => record.user_id)).toContain("alice");

    searchScript("alice-again");
    await agent.post("/v1/agents/knowledge/runs", { input: "[script:alice-again] hotels?" }, token);
    expect(keycloak.tokenRequests.length).toBe(exchangesBefore + 1);
    expect(searchAudit().at(-1)).toMatchObject({ caller: "alice", outcome: "ok" });
  });

  it("calls as the service's own client for virtual-key callers", async () => {
    searchScript("service");
    const result = await jsonOf(
      await agent.post("/v1/agents/knowledge/runs", { input: "[script:service] travel?" }, stack.key),
    );
    expect(result.tool_calls[0].status).toBe("ok");
    expect(searchAudit().at(-1)).toMatchObject({ caller: "service-account-agent-service", outcome: "ok" });
    expect(keycloak.tokenRequests).toContainEqual({
      grantType: "client_credentials",
      audience: "mcp-server",
      clientId: "agent-service",
    });
  });

  it("runs on without the server's tools when no token can be had, and says so in the log", async () => {
    const lines: string[] = [];
    const misconfigured = await stack.startAgent(
      (config) => {
        config.auth = {
          virtualKeys: true,
          client: {
            tokenUrl: keycloak.tokenUrl,
            clientId: CLIENT.id,
            clientSecretEnv: "AGENT_CLIENT_SECRET",
          },
        };
        config.mcpServers[0].audience = "mcp-server";
      },
      { AGENT_CLIENT_SECRET: "wrong-secret" },
      jsonLogger("warn", (line) => lines.push(line)),
    );
    stack.model.script("no-token", [{ content: "I cannot search right now." }]);
    const result = await jsonOf(
      await misconfigured.post(
        "/v1/agents/knowledge/runs",
        { input: "[script:no-token] travel?" },
        stack.key,
      ),
    );
    expect(result.status).toBe("completed");
    const tools = stack.model.requestsOf("no-token")[0]?.body.tools.map((tool: any) => tool.function.name);
    expect(tools).toEqual(["handoff_to_agent"]);
    const warning = lines.find((line) => line.includes("mcp_tools_unavailable")) ?? "";
    expect(warning).toMatch(/token endpoint answered 401 \(invalid_client/);
    expect(warning).not.toContain("wrong-secret");
  });
});

describe("JWT callers", () => {
  const run = (token: string) => agent.post("/v1/agents/general/runs", { input: "hi" }, token);
  const expect401 = async (response: Response, reason: RegExp) => {
    expect(response.status).toBe(401);
    const body = await jsonOf(response);
    expect(body.error).toMatchObject({ type: "authentication_error", code: "invalid_credentials" });
    expect(body.error.message).toMatch(reason);
  };

  it("refuses a token for another audience, an expired one and one signed by another key", async () => {
    await expect401(await run(await keycloak.token({ aud: "mcp-server", sub: "alice" })), /audience/);
    await expect401(
      await run(await keycloak.token({ aud: "agent-service", sub: "alice" }, { expiresIn: -60 })),
      /expired/,
    );
    await expect401(
      await run(await keycloak.token({ aud: "agent-service", sub: "alice" }, { foreignKey: true })),
      /signature|key/,
    );
  });

  it("keeps JWT users' sessions apart", async () => {
    stack.model.script("bob", [{ content: "Hi Bob." }]);
    const bob = await keycloak.token({ aud: "agent-service", sub: "bob" });
    const carol = await keycloak.token({ aud: "agent-service", sub: "carol" });
    const result = await jsonOf(
      await agent.post("/v1/agents/general/runs", { input: "[script:bob] hi", session_id: "bob-1" }, bob),
    );
    expect(result.status).toBe("completed");
    expect((await agent.get("/v1/sessions/bob-1", bob)).status).toBe(200);
    expect((await agent.get("/v1/sessions/bob-1", carol)).status).toBe(404);
  });
});
