/**
 * The real MCP server of services/mcp on loopback (its runtime, as its server.ts builds it): the
 * knowledge tools over an in-memory store with two documents, a CRM connector, a connector whose
 * upstream never answers (for tool timeouts), and a WeCom robot. Development auth (loopback only),
 * or OAuth against a fake Keycloak.
 */
import type { RequestHandler } from "../../../../services/mcp/src/app";
import type { AuditRecord } from "../../../../services/mcp/src/audit";
import { parseConfig, resolveSecrets } from "../../../../services/mcp/src/config";
import { createRuntime, type Runtime } from "../../../../services/mcp/src/runtime";
import { json, type Loopback, readBody, serveOnLoopback } from "../../mcp/support/loopback";

export interface RunningMcp {
  readonly mcpUrl: string;
  readonly runtime: Runtime;
  readonly audit: AuditRecord[];
  /** Requests the connectors and robots made to their upstreams. */
  readonly upstreamCalls: { path: string; body: string }[];
  close(): Promise<void>;
}

export interface McpOptions {
  readonly oauth?: { issuer: string; jwksUrl: string; audience: string };
}

export async function startMcp(options: McpOptions = {}): Promise<RunningMcp> {
  const upstreamCalls: RunningMcp["upstreamCalls"] = [];
  const upstreams: Loopback = await serveOnLoopback(async (request, response) => {
    const url = new URL(request.url ?? "/", "http://upstream");
    upstreamCalls.push({ path: url.pathname, body: await readBody(request) });
    if (url.pathname === "/slow") return; // never answers
    if (url.pathname === "/cgi-bin/webhook/send") return json(response, 200, { errcode: 0, errmsg: "ok" });
    json(response, 200, { customer: url.pathname.split("/").at(-1), tier: "gold", note: "x".repeat(64) });
  });
  let handler: RequestHandler = async () => {};
  const app = await serveOnLoopback((request, response) => handler(request, response));
  const mcpUrl = `${app.url}/mcp`;
  const config = parseConfig({
    server: { host: "127.0.0.1", port: app.port, publicUrl: mcpUrl, allowedHosts: [`127.0.0.1:${app.port}`] },
    auth: options.oauth
      ? {
          mode: "oauth",
          issuer: options.oauth.issuer,
          jwksUrl: options.oauth.jwksUrl,
          audience: [options.oauth.audience],
        }
      : { mode: "none" },
    rateLimit: { requestsPerMinute: 60_000, burst: 10_000 },
    knowledge: { chunkTokens: 64, overlapTokens: 8 },
    connectors: [
      {
        name: "crm_get_customer",
        description: "Reads a customer record from the CRM by id",
        url: `${upstreams.url}/customers/{customerId}`,
        parameters: { customerId: { in: "path", required: true, description: "The CRM customer id" } },
      },
      {
        name: "slow_report",
        description: "Builds the quarterly report (slow)",
        url: `${upstreams.url}/slow`,
        parameters: {},
      },
    ],
    ssrf: { allowCidrs: ["127.0.0.1/32"] },
    notifications: { wecom: { support: { webhookEnv: "WECOM_WEBHOOK" } } },
    federation: { healthIntervalMs: 3_600_000 },
  });
  const audit: AuditRecord[] = [];
  const runtime = await createRuntime(
    config,
    resolveSecrets(config, { WECOM_WEBHOOK: `${upstreams.url}/cgi-bin/webhook/send?key=k` }),
    { audit: (record) => audit.push(record), log: () => {} },
  );
  handler = runtime.handler;
  await runtime.knowledge.ingest({
    source: "handbook/travel.md",
    title: "Travel policy",
    text: "# Travel policy\nEmployees book economy class for flights under six hours. Hotels up to 150 EUR per night.",
  });
  await runtime.knowledge.ingest({
    source: "handbook/leave.md",
    title: "Leave policy",
    text: "# Leave policy\nEvery employee has 28 days of paid leave per year, requested in the HR portal.",
  });
  return {
    mcpUrl,
    runtime,
    audit,
    upstreamCalls,
    async close() {
      await Promise.all([app.close(), upstreams.close()]);
      await runtime.close();
    },
  };
}
