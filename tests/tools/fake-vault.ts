/**
 * A fake HashiCorp Vault over real HTTP(S) on loopback, speaking the part of Vault's API the bootstrap
 * uses with Vault's status codes and JSON shapes: sys/health's 200/429/501/503, the response envelope
 * with `data`, sys/ lists that repeat their entries at the top level, `{"errors": [...]}` bodies, 204 on
 * writes, 404 with empty errors when reading what does not exist, 403 for missing, unknown or
 * under-privileged tokens, 503 "Vault is sealed". Vault itself cannot be installed here.
 */
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { type FakeAnswer, routeVaultRequest } from "./fake-vault-routes";

export interface FakeMount {
  type: string;
  description?: string;
  options?: Record<string, string> | null;
  local?: boolean;
  accessor?: string;
}

export interface FakeRole {
  bound_service_account_names: string[];
  bound_service_account_namespaces: string[];
  audience?: string;
  token_policies: string[];
  token_ttl: number;
  token_max_ttl: number;
  alias_name_source: string;
}

export interface FakeVaultState {
  initialized: boolean;
  sealed: boolean;
  standby: boolean;
  version: string;
  audit: Record<string, FakeMount>;
  mounts: Record<string, FakeMount>;
  auth: Record<string, FakeMount>;
  /** kubernetes auth config per mount path (with its trailing slash). */
  authConfigs: Record<string, Record<string, unknown>>;
  /** Roles per auth mount path (with its trailing slash). */
  roles: Record<string, Record<string, FakeRole>>;
  policies: Record<string, string>;
  /** A standby without request forwarding: answers 307 to this address instead of serving. */
  redirectTo?: string;
}

/** Which requests a token may make: every one (root), or all but those `denied` matches (`"PUT sys/auth/x"`). */
export type TokenGrant = { readonly root: true } | { readonly denied: RegExp };

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly body: unknown;
  readonly token: string | undefined;
  readonly status: number;
}

export interface FakeVault {
  readonly address: string;
  readonly state: FakeVaultState;
  readonly requests: RecordedRequest[];
  /** Requests that change state (PUT/POST). */
  writes(): RecordedRequest[];
  close(): Promise<void>;
}

/** What `vault server` holds right after `vault operator init` and unseal. */
export function freshState(): FakeVaultState {
  return {
    initialized: true,
    sealed: false,
    standby: false,
    version: "2.0.4",
    audit: {},
    mounts: {
      "cubbyhole/": { type: "cubbyhole", description: "per-token private secret storage", options: null },
      "identity/": { type: "identity", description: "identity store", options: null },
      "sys/": { type: "system", description: "system endpoints", options: null },
    },
    auth: { "token/": { type: "token", description: "token based credentials", options: null } },
    authConfigs: {},
    roles: {},
    policies: { default: 'path "auth/token/lookup-self" {\n  capabilities = ["read"]\n}\n' },
  };
}

export interface FakeVaultOptions {
  readonly tokens: Readonly<Record<string, TokenGrant>>;
  readonly state?: FakeVaultState;
  /** Serve HTTPS with this key and certificate. */
  readonly tls?: { readonly key: string; readonly cert: string };
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

export async function startFakeVault(options: FakeVaultOptions): Promise<FakeVault> {
  const state = options.state ?? freshState();
  const requests: RecordedRequest[] = [];
  const handler = async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? "/", "http://vault");
    const path = url.pathname.replace(/^\/v1\//, "");
    const method = request.method ?? "GET";
    const token = request.headers["x-vault-token"] as string | undefined;
    const text = await readBody(request);
    let body: unknown;
    let answer: FakeAnswer;
    try {
      body = text ? JSON.parse(text) : {};
      answer = routeVaultRequest({
        state,
        tokens: options.tokens,
        method,
        path,
        query: url.searchParams,
        token,
        body,
      });
    } catch {
      answer = { status: 400, body: { errors: ["failed to parse JSON input: invalid character"] } };
    }
    requests.push({ method, path, body, token, status: answer.status });
    const json = answer.body !== undefined;
    const type = json ? { "Content-Type": "application/json", "Cache-Control": "no-store" } : {};
    response.writeHead(answer.status, { ...type, ...answer.headers });
    response.end(json ? JSON.stringify(answer.body) : undefined);
  };
  const server = options.tls
    ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, handler)
    : createHttpServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    address: `${options.tls ? "https" : "http"}://127.0.0.1:${port}`,
    state,
    requests,
    writes: () => requests.filter((r) => r.method === "PUT" || r.method === "POST"),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
