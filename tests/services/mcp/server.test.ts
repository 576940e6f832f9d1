import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { canonicalJson } from "../../../services/mcp/src/audit";
import { createCatalog } from "../../../services/mcp/src/mcp/create-catalog";
import { defineTool, ToolError } from "../../../services/mcp/src/tools/tool";
import { type FakeKeycloak, startFakeKeycloak } from "./support/fake-keycloak";
import { connectClient, textOf } from "./support/mcp-client";
import { INITIALIZE, jsonOf, postRpc, type RunningApp, startApp } from "./support/start-app";

/** A tool defined here so the server's own behaviour is tested apart from the real tools. */
const divide = defineTool({
  name: "divide",
  title: "Divide",
  description: "Divides a by b.",
  input: { a: z.number(), b: z.number() },
  output: { quotient: z.number() },
  annotations: { readOnlyHint: true },
  scopes: ["mcp:math"],
  async run({ a, b }) {
    if (b === 0) throw new ToolError("b must not be 0");
    return { quotient: a / b };
  },
});
const catalog = createCatalog({ tools: [divide] });

let keycloak: FakeKeycloak;
let app: RunningApp;

beforeAll(async () => {
  keycloak = await startFakeKeycloak();
  app = await startApp({ catalog, keycloak, rateLimit: { requestsPerMinute: 60, burst: 40 } });
});
afterAll(async () => {
  await app?.close();
  await keycloak?.close();
});

const tokenFor = (
  claims: Record<string, unknown> = {},
  options?: { expiresIn?: number; foreignKey?: boolean },
) => keycloak.token({ aud: app.mcpUrl, scope: "openid mcp:math", ...claims }, options);

describe("MCP server over Streamable HTTP", () => {
  it("lists and calls a tool with the SDK client, returning structured content", async () => {
    const client = await connectClient(app.mcpUrl, await tokenFor());
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(["divide"]);
    expect(tools[0]?.annotations?.readOnlyHint).toBe(true);
    expect(tools[0]?.inputSchema.required).toEqual(["a", "b"]);
    const result = await client.callTool({ name: "divide", arguments: { a: 9, b: 3 } });
    expect(result.structuredContent).toEqual({ quotient: 3 });
    await client.close();
  });

  it("turns bad arguments and tool failures into isError results with clear messages", async () => {
    const client = await connectClient(app.mcpUrl, await tokenFor());
    const wrongType = await client.callTool({ name: "divide", arguments: { a: "nine", b: 3 } });
    expect(wrongType.isError).toBe(true);
    expect(textOf(wrongType)).toMatch(/Invalid arguments for tool divide.*a/s);
    const extra = await client.callTool({ name: "divide", arguments: { a: 1, b: 2, c: 3 } });
    expect(extra.isError).toBe(true);
    expect(textOf(extra)).toMatch(/c/);
    const failing = await client.callTool({ name: "divide", arguments: { a: 1, b: 0 } });
    expect(failing).toMatchObject({ isError: true });
    expect(textOf(failing)).toBe("b must not be 0");
    const unknown = await client.callTool({ name: "nope", arguments: {} });
    expect(unknown.isError).toBe(true);
    expect(textOf(unknown)).toMatch(/Tool nope not found/);
    await client.close();
  });

  it("writes one audit record per call: caller, tool, argument digest, duration, outcome; no token", async () => {
    const token = await tokenFor({ sub: "auditor-7" });
    const client = await connectClient(app.mcpUrl, token);
    await client.callTool({ name: "divide", arguments: { b: 2, a: 8 } });
    await client.callTool({ name: "divide", arguments: { a: 1, b: 0 } });
    await client.close();
    const mine = app.audit.filter((record) => record.caller === "auditor-7");
    expect(mine.map((record) => record.outcome)).toEqual(["ok", "tool_error"]);
    const digest = createHash("sha256")
      .update(canonicalJson({ a: 8, b: 2 }))
      .digest("hex");
    expect(mine[0]).toMatchObject({ type: "audit", tool: "divide", argumentsSha256: digest });
    expect(mine[0]?.durationMs).toBeGreaterThanOrEqual(0);
    expect(JSON.stringify(app.audit)).not.toContain(token);
  });

  it("answers with an event stream by default and with JSON in json mode", async () => {
    const token = await tokenFor();
    const sse = await postRpc(app.mcpUrl, INITIALIZE, { authorization: `Bearer ${token}` });
    expect(sse.headers.get("content-type")).toMatch(/text\/event-stream/);
    expect(await sse.text()).toMatch(/^event: message\ndata: .*"protocolVersion"/m);
    const jsonApp = await startApp({ catalog, keycloak, responseMode: "json" });
    try {
      const jsonToken = await keycloak.token({ aud: jsonApp.mcpUrl, scope: "mcp:math" });
      const response = await postRpc(jsonApp.mcpUrl, INITIALIZE, { authorization: `Bearer ${jsonToken}` });
      expect(response.headers.get("content-type")).toMatch(/application\/json/);
      expect((await jsonOf(response)).result.serverInfo.name).toBe("ai-platform-mcp");
      const client = await connectClient(jsonApp.mcpUrl, jsonToken);
      expect(
        (await client.callTool({ name: "divide", arguments: { a: 1, b: 4 } })).structuredContent,
      ).toEqual({ quotient: 0.25 });
      await client.close();
    } finally {
      await jsonApp.close();
    }
  });

  it("serves health, metrics with tool-call series, and refuses GET on /mcp (stateless)", async () => {
    expect(await jsonOf(await fetch(`${app.url}/healthz`))).toEqual({ status: "ok" });
    const metrics = await (await fetch(`${app.url}/metrics`)).text();
    expect(metrics).toMatch(
      /mcp_server_operation_duration_seconds_count\{method="tools\/call",tool="divide",outcome="ok"\} [1-9]/,
    );
    expect(metrics).toMatch(/mcp_http_requests_total\{route="mcp",status="200"\} [1-9]/);
    const get = await fetch(app.mcpUrl, { headers: { accept: "text/event-stream" } });
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST");
  });

  it("answers malformed requests with 4xx JSON-RPC errors, never a 500", async () => {
    const auth = { authorization: `Bearer ${await tokenFor()}` };
    const notJson = await postRpc(app.mcpUrl, "{not json", auth);
    expect(notJson.status).toBe(400);
    expect((await jsonOf(notJson)).error.message).toMatch(/not valid JSON/);
    const notRpc = await postRpc(app.mcpUrl, { hello: "world" }, auth);
    expect(notRpc.status).toBe(400);
    expect((await jsonOf(notRpc)).jsonrpc).toBe("2.0");
    const onlyJson = await fetch(app.mcpUrl, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json", ...auth },
      body: JSON.stringify(INITIALIZE),
    });
    expect(onlyJson.status).toBe(406);
    const tooBig = await postRpc(
      app.mcpUrl,
      { jsonrpc: "2.0", id: 1, method: "ping", params: { pad: "x".repeat(1_100_000) } },
      auth,
    );
    expect(tooBig.status).toBe(413);
  });
});

describe("OAuth resource server", () => {
  it("publishes protected-resource metadata naming the issuer", async () => {
    for (const path of [
      "/.well-known/oauth-protected-resource/mcp",
      "/.well-known/oauth-protected-resource",
    ]) {
      const metadata = await jsonOf(await fetch(`${app.url}${path}`));
      expect(metadata).toMatchObject({ resource: app.mcpUrl, authorization_servers: [keycloak.issuer] });
    }
  });

  it("401 without a token, with WWW-Authenticate naming the resource metadata", async () => {
    const response = await postRpc(app.mcpUrl, INITIALIZE);
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toBe(
      `Bearer resource_metadata="${app.url}/.well-known/oauth-protected-resource/mcp"`,
    );
  });

  it.each([
    ["wrong audience", { aud: "https://other.example.com/mcp" }, {}, /audience/],
    ["expired", {}, { expiresIn: -30 }, /expired/],
    ["untrusted issuer", { iss: "https://evil.example.com/realms/x" }, {}, /issuer/],
    ["unknown signing key", {}, { foreignKey: true }, /unknown key|signature/],
  ])("401 invalid_token for a token with %s", async (_case, claims, options, reason) => {
    const token = await tokenFor(claims, options);
    const response = await postRpc(app.mcpUrl, INITIALIZE, { authorization: `Bearer ${token}` });
    expect(response.status).toBe(401);
    const challenge = response.headers.get("www-authenticate") ?? "";
    expect(challenge).toMatch(/^Bearer resource_metadata="[^"]+", error="invalid_token"/);
    expect(challenge).toMatch(reason);
    expect(challenge).not.toContain(token);
  });

  it("403 insufficient_scope when calling a tool without its scope, and hides it from the list", async () => {
    const token = await tokenFor({ scope: "openid" });
    const client = await connectClient(app.mcpUrl, token);
    expect((await client.listTools()).tools).toEqual([]);
    await client.close();
    const call = {
      jsonrpc: "2.0",
      id: 2,
      method: "tools/call",
      params: { name: "divide", arguments: { a: 1, b: 1 } },
    };
    const response = await postRpc(app.mcpUrl, call, { authorization: `Bearer ${token}` });
    expect(response.status).toBe(403);
    expect(response.headers.get("www-authenticate")).toMatch(/error="insufficient_scope", scope="mcp:math"/);
    expect(app.audit.at(-1)).toMatchObject({ tool: "divide", outcome: "denied" });
  });

  it("accepts a role of this server's Keycloak client in place of a scope, not another client's", async () => {
    const token = await tokenFor({
      scope: "openid",
      resource_access: { "mcp-server": { roles: ["mcp:math"] } },
    });
    const client = await connectClient(app.mcpUrl, token);
    expect((await client.listTools()).tools.map((tool) => tool.name)).toEqual(["divide"]);
    await client.close();
    const otherToken = await tokenFor({
      scope: "openid",
      resource_access: { grafana: { roles: ["mcp:math"] } },
    });
    const other = await connectClient(app.mcpUrl, otherToken);
    expect((await other.listTools()).tools).toEqual([]);
    await other.close();
  });

  it("403 on a foreign Origin or a foreign Host; an allowed Origin passes", async () => {
    const auth = { authorization: `Bearer ${await tokenFor()}` };
    const foreign = await postRpc(app.mcpUrl, INITIALIZE, { ...auth, origin: "https://evil.example.com" });
    expect(foreign.status).toBe(403);
    expect((await jsonOf(foreign)).error.message).toMatch(/Origin https:\/\/evil.example.com is not allowed/);
    const allowed = await postRpc(app.mcpUrl, INITIALIZE, { ...auth, origin: "https://chat.example.com" });
    expect(allowed.status).toBe(200);
    const rebound = await fetch(app.mcpUrl.replace("127.0.0.1", "localhost"), {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream", ...auth },
      body: JSON.stringify(INITIALIZE),
    });
    expect(rebound.status).toBe(403);
  });

  it("limits each caller on its own: 429 with Retry-After once the burst is spent", async () => {
    const limited = await startApp({ catalog, keycloak, rateLimit: { requestsPerMinute: 1, burst: 2 } });
    try {
      const token = (sub: string) => keycloak.token({ aud: limited.mcpUrl, sub, scope: "mcp:math" });
      const first = await token("busy");
      const statuses = [];
      for (let i = 0; i < 3; i++) {
        statuses.push(
          (await postRpc(limited.mcpUrl, INITIALIZE, { authorization: `Bearer ${first}` })).status,
        );
      }
      expect(statuses).toEqual([200, 200, 429]);
      const last = await postRpc(limited.mcpUrl, INITIALIZE, { authorization: `Bearer ${first}` });
      expect(Number(last.headers.get("retry-after"))).toBeGreaterThan(0);
      const other = await postRpc(limited.mcpUrl, INITIALIZE, {
        authorization: `Bearer ${await token("quiet")}`,
      });
      expect(other.status).toBe(200);
    } finally {
      await limited.close();
    }
  });
});

describe("development mode", () => {
  it("serves loopback clients without a token, with every tool", async () => {
    const dev = await startApp({ catalog });
    try {
      const client = await connectClient(dev.mcpUrl);
      expect(
        (await client.callTool({ name: "divide", arguments: { a: 6, b: 2 } })).structuredContent,
      ).toEqual({ quotient: 3 });
      await client.close();
      expect(dev.audit[0]).toMatchObject({ caller: "local-developer", outcome: "ok" });
      expect((await fetch(`${dev.url}/.well-known/oauth-protected-resource`)).status).toBe(404);
    } finally {
      await dev.close();
    }
  });
});
