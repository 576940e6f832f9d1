/** The agent service app served on loopback from a config document, as server.ts serves it. */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type AgentApp, createAgentApp } from "../../../../services/agent/src/app/create-agent-app";
import { parseConfig, resolveSecrets } from "../../../../services/agent/src/config/load-config";
import { type Logger, silentLogger } from "../../../../services/agent/src/observability/log";

export interface RunningAgent {
  readonly url: string;
  readonly app: AgentApp;
  /** POSTs JSON with a bearer token. */
  post(path: string, body: unknown, token?: string): Promise<Response>;
  get(path: string, token?: string): Promise<Response>;
  close(): Promise<void>;
}

export async function startAgent(
  document: Record<string, unknown>,
  env: NodeJS.ProcessEnv = {},
  logger: Logger = silentLogger,
): Promise<RunningAgent> {
  const config = parseConfig(document);
  const app = await createAgentApp(config, { secrets: resolveSecrets(config, env), logger });
  const server: Server = createServer(app.handle);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const headers = (token?: string): Record<string, string> =>
    token ? { authorization: `Bearer ${token}` } : {};
  return {
    url,
    app,
    post: (path, body, token) =>
      fetch(`${url}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers(token) },
        body: typeof body === "string" ? body : JSON.stringify(body),
      }),
    get: (path, token) => fetch(`${url}${path}`, { headers: headers(token) }),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await app.close();
    },
  };
}

/** The events of an SSE body: `event:` name and parsed `data:`. */
export async function readEvents(response: Response): Promise<{ event: string; data: any }[]> {
  const text = await response.text();
  return text
    .split("\n\n")
    .filter((block) => block.includes("data:"))
    .map((block) => {
      const event = /^event: (.+)$/m.exec(block)?.[1] ?? "message";
      const data = block
        .split("\n")
        .filter((line) => line.startsWith("data: "))
        .map((line) => line.slice(6))
        .join("\n");
      return { event, data: JSON.parse(data) };
    });
}

export const jsonOf = async (response: Response): Promise<any> => response.json();
