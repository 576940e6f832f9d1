import { request } from "undici";
import type { ConnectorConfig } from "../config";
import { type SsrfGuard, SsrfRefused } from "./ssrf-guard";

/** Most response bytes kept; a connector is for API calls, not downloads. */
const MAX_RESPONSE_BYTES = 1_000_000;

export interface ConnectorResponse {
  readonly status: number;
  readonly contentType: string;
  /** Parsed JSON, or text. */
  readonly body: unknown;
}

export class ConnectorFailed extends Error {}

/**
 * Calls one declared HTTP API: fills `{param}` placeholders of the URL (URL-encoded), adds query,
 * header and JSON body parameters, sets the connector's own credential (from a secret, never the
 * caller's token), checks the URL with the SSRF guard and follows no redirects.
 */
export async function callConnector(
  connector: ConnectorConfig,
  args: Readonly<Record<string, unknown>>,
  guard: SsrfGuard,
  credential?: string,
  signal?: AbortSignal,
): Promise<ConnectorResponse> {
  const headers: Record<string, string> = { accept: "application/json, text/plain;q=0.9" };
  const query = new URLSearchParams();
  const body: Record<string, unknown> = {};
  let url = connector.url;
  for (const [name, parameter] of Object.entries(connector.parameters)) {
    const value = args[name];
    if (value === undefined) continue;
    if (parameter.in === "path") {
      // Encoding keeps "/" out, but a bare "." or ".." would still be resolved as a path step.
      if (/^\.{1,2}$/.test(String(value))) throw new ConnectorFailed(`${name} must not be "." or ".."`);
      url = url.replaceAll(`{${name}}`, encodeURIComponent(String(value)));
    } else if (parameter.in === "query") query.append(name, String(value));
    else if (parameter.in === "header") headers[name.toLowerCase()] = String(value);
    else body[name] = value;
  }
  if (query.size > 0) url += (url.includes("?") ? "&" : "?") + query.toString();
  if (connector.auth && credential) {
    if (connector.auth.kind === "bearer") headers.authorization = `Bearer ${credential}`;
    else headers[connector.auth.header.toLowerCase()] = credential;
  }
  const hasBody = Object.keys(body).length > 0;
  if (hasBody) headers["content-type"] = "application/json";

  try {
    await guard.checkUrl(url);
  } catch (error) {
    if (error instanceof SsrfRefused)
      throw new ConnectorFailed(`refused by the SSRF guard: ${error.message}`);
    throw error;
  }
  let response: Awaited<ReturnType<typeof request>>;
  try {
    response = await request(url, {
      method: connector.method,
      headers,
      body: hasBody ? JSON.stringify(body) : undefined,
      dispatcher: guard.dispatcher,
      headersTimeout: 10_000,
      bodyTimeout: 30_000,
      signal,
    });
  } catch (error) {
    const cause = (error as { cause?: unknown }).cause ?? error;
    if (cause instanceof SsrfRefused)
      throw new ConnectorFailed(`refused by the SSRF guard: ${cause.message}`);
    throw new ConnectorFailed(`${connector.name}: request failed: ${(error as Error).message}`);
  }
  const text = await readLimited(response.body);
  const contentType = String(response.headers["content-type"] ?? "");
  const parsed = contentType.includes("json") ? safeJson(text) : text;
  if (response.statusCode >= 400) {
    throw new ConnectorFailed(`${connector.name} answered ${response.statusCode}: ${text.slice(0, 500)}`);
  }
  return { status: response.statusCode, contentType, body: parsed };
}

async function readLimited(body: AsyncIterable<Buffer>): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > MAX_RESPONSE_BYTES)
      throw new ConnectorFailed(`response larger than ${MAX_RESPONSE_BYTES} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
