/** Starts gateways over real HTTP on loopback for tests, from a LiteLLM-shaped config object. */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import OpenAI from "openai";
import { createGateway, type Gateway } from "../../../services/gateway/src/app/create-gateway";
import { parseGatewayConfig } from "../../../services/gateway/src/config/load-config";
import { type Logger, silentLogger } from "../../../services/gateway/src/observability/log";

export const MASTER_KEY = "sk-master-test-0123456789";

export interface RunningGateway {
  readonly url: string;
  readonly gateway: Gateway;
  client(apiKey?: string, options?: Partial<ConstructorParameters<typeof OpenAI>[0]>): OpenAI;
  /** Raw fetch against the gateway, for what the SDK would not send. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  admin(path: string, body?: unknown): Promise<Response>;
  close(): Promise<void>;
}

export interface GatewayTestOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly redisKeyPrefix?: string;
  readonly logger?: Logger;
}

export async function startGateway(
  document: unknown,
  options: GatewayTestOptions = {},
): Promise<RunningGateway> {
  const config = parseGatewayConfig(document, options.env ?? {}, "test config");
  const gateway = await createGateway({
    config,
    logger: options.logger ?? silentLogger,
    redisKeyPrefix: options.redisKeyPrefix,
  });
  const server: Server = createServer(gateway.handle);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    gateway,
    client: (apiKey = MASTER_KEY, clientOptions = {}) =>
      new OpenAI({ apiKey, baseURL: `${url}/v1`, maxRetries: 0, timeout: 20_000, ...clientOptions }),
    fetch: (path, init) => fetch(`${url}${path}`, init),
    admin: (path, body) =>
      fetch(`${url}${path}`, {
        method: body === undefined ? "GET" : "POST",
        headers: { authorization: `Bearer ${MASTER_KEY}`, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await gateway.close();
    },
  };
}

/** A model_list entry for a fake upstream. */
export function deployment(
  model: string,
  baseUrl: string,
  extra: { params?: Record<string, unknown>; info?: Record<string, unknown> } = {},
) {
  return {
    model_name: model,
    litellm_params: { model: `hosted_vllm/${model}-upstream`, api_base: baseUrl, ...extra.params },
    model_info: { mode: "chat", ...extra.info },
  };
}

/** Creates a virtual key through the admin API; returns the secret and its id. */
export async function createKey(
  running: RunningGateway,
  body: Record<string, unknown> = {},
): Promise<{ key: string; key_id: string }> {
  const response = await running.admin("/key/generate", body);
  if (response.status !== 200)
    throw new Error(`key/generate answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as { key: string; key_id: string };
}

/** A response body as JSON, typed loosely for assertions. */
// biome-ignore lint/suspicious/noExplicitAny: test assertions walk arbitrary JSON.
export const readJson = async (response: Response | Promise<Response>): Promise<any> =>
  (await response).json();
