import type { RequestHandler } from "../../../../services/mcp/src/app";
import type { AuditRecord } from "../../../../services/mcp/src/audit";
import { parseConfig, resolveSecrets } from "../../../../services/mcp/src/config";
import { createRuntime, type Runtime } from "../../../../services/mcp/src/runtime";
import { type Loopback, serveOnLoopback } from "./loopback";

/** The public URL every replica shares (tokens carry it as audience); each replica listens on its own port. */
export const PUBLIC_MCP_URL = "https://mcp.test.example/mcp";

export interface Replica extends Loopback {
  /** `/mcp` on this replica's own port. */
  readonly mcpUrl: string;
  readonly runtime: Runtime;
  readonly audit: AuditRecord[];
  readonly logs: Record<string, unknown>[];
  /** The replica's `/metrics` value of one series, e.g. `mcp_rate_limit_store_errors_total{behaviour="closed"}`. */
  metric(series: string): Promise<number>;
}

/**
 * One server replica as `server.ts` builds it, from a raw config (parsed and its secrets resolved from `env`
 * here), listening on 127.0.0.1. `server`, `auth` and the embedded knowledge store are filled in.
 */
export async function startReplica(
  raw: Record<string, unknown>,
  env: NodeJS.ProcessEnv = {},
): Promise<Replica> {
  let handler: RequestHandler = async () => {};
  const server = await serveOnLoopback((request, response) => handler(request, response));
  const config = parseConfig({
    server: { host: "127.0.0.1", publicUrl: PUBLIC_MCP_URL, allowedHosts: [`127.0.0.1:${server.port}`] },
    auth: { mode: "none" },
    ...raw,
  });
  const audit: AuditRecord[] = [];
  const logs: Record<string, unknown>[] = [];
  const runtime = await createRuntime(config, resolveSecrets(config, env), {
    audit: (record) => audit.push(record),
    log: (line) => logs.push(line),
  });
  handler = runtime.handler;
  let closing: Promise<void> | undefined;
  return {
    ...server,
    mcpUrl: `${server.url}/mcp`,
    runtime,
    audit,
    logs,
    async metric(series) {
      const text = await (await fetch(`${server.url}/metrics`)).text();
      const line = text.split("\n").find((candidate) => candidate.startsWith(`${series} `));
      return line ? Number(line.slice(series.length + 1)) : 0;
    },
    close() {
      // Idempotent: a test may close a replica itself (to check shutdown) before its cleanup does.
      closing ??= server.close().then(() => runtime.close());
      return closing;
    },
  };
}
