import { BootstrapError } from "./bootstrap-error";

export interface VaultHttpOptions {
  /** Vault's address, e.g. `http://127.0.0.1:8200`; the API lives under `/v1/`. */
  readonly address: string;
  /** Sent as X-Vault-Token; never part of a message. */
  readonly token: string;
  /** Per request. Default 15 000. */
  readonly timeoutMs?: number;
}

export interface VaultRequest {
  readonly method: "GET" | "PUT";
  /** API path without `/v1/`, e.g. `sys/audit/file`. */
  readonly path: string;
  readonly body?: unknown;
  /** Answer `undefined` on 404 (Vault's answer to reading something that does not exist). */
  readonly notFoundOk?: boolean;
  /** Send no token (sys/health). */
  readonly anonymous?: boolean;
  /** Status codes that carry a normal JSON answer (sys/health answers 429, 501, 503 by design). */
  readonly acceptStatus?: readonly number[];
}

/** What each failed request lacked: the capabilities Vault's ACL checks for it. */
function capabilitiesFor(request: VaultRequest): string {
  // Listing and enabling audit devices, and enabling auth methods, also need sudo.
  const sudo = /^sys\/(audit|auth\/)/.test(request.path);
  const base = request.method === "GET" ? ["read"] : ["create", "update"];
  return [...base, ...(sudo ? ["sudo"] : [])].map((c) => `"${c}"`).join(", ");
}

const TLS_CODES =
  /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ERR_TLS|ERR_SSL|EPROTO|HOSTNAME_MISMATCH/;

/** Turns fetch's network failures into a message that names the address and what to check. */
function networkError(address: string, error: unknown, timeoutMs: number): BootstrapError {
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError"))
    return new BootstrapError("timeout", `Vault at ${address} did not answer within ${timeoutMs / 1000} s`);
  const cause =
    error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
  const detail = cause?.message ?? (error instanceof Error ? error.message : String(error));
  const code = cause?.code ?? "";
  if (TLS_CODES.test(code) || /certificate|ssl|tls/i.test(detail))
    return new BootstrapError(
      "tls",
      `TLS with Vault at ${address} failed (${detail}): pass Vault's CA with --ca-cert (or VAULT_CACERT), ` +
        "and use http:// only for a listener without TLS",
    );
  return new BootstrapError(
    "unreachable",
    `cannot reach Vault at ${address} (${code || detail}): check the address, and that the port-forward ` +
      "to Vault's service (svc/vault, or svc/vault-active in HA) is running",
  );
}

function vaultErrors(body: unknown): string {
  const errors = (body as { errors?: unknown } | undefined)?.errors;
  const list = Array.isArray(errors) ? errors.map((e) => String(e).replace(/\s+/g, " ").trim()) : [];
  return list.filter(Boolean).join("; ") || "no error detail";
}

/** One Vault HTTP API call over Node's fetch, with Vault's status codes turned into BootstrapErrors. */
export async function vaultRequest<T>(
  options: VaultHttpOptions,
  request: VaultRequest,
): Promise<T | undefined> {
  const address = options.address;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const headers: Record<string, string> = { "X-Vault-Request": "true" };
  if (!request.anonymous) headers["X-Vault-Token"] = options.token;
  if (request.body !== undefined) headers["Content-Type"] = "application/json";
  let response: Response;
  let text: string;
  try {
    response = await fetch(`${address}/v1/${request.path}`, {
      method: request.method,
      headers,
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
      signal: AbortSignal.timeout(timeoutMs),
      // fetch would resend X-Vault-Token to wherever a redirect points; never follow one.
      redirect: "manual",
    });
    text = await response.text();
  } catch (error) {
    throw networkError(address, error, timeoutMs);
  }
  const where = `${request.method} ${request.path}`;
  if (response.status >= 300 && response.status < 400)
    throw new BootstrapError(
      "api",
      `Vault at ${address} redirected ${where} to ${response.headers.get("location") ?? "elsewhere"}, as a ` +
        "standby that does not forward requests does: point --address at the active server",
    );
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    throw new BootstrapError(
      "api",
      `Vault at ${address} answered ${where} with ${response.status} and a body that is not JSON: is this Vault?`,
    );
  }
  const status = response.status;
  if (response.ok || request.acceptStatus?.includes(status)) return body as T;
  if (status === 404 && request.notFoundOk) return undefined;
  if (status === 403)
    throw new BootstrapError(
      "forbidden",
      `Vault at ${address} refused ${where} (403 ${vaultErrors(body)}): the token in VAULT_TOKEN lacks ` +
        `the capabilities ${capabilitiesFor(request)} on ${request.path}`,
    );
  if (status === 503 && /sealed/i.test(vaultErrors(body)))
    throw new BootstrapError("sealed", `Vault at ${address} is sealed: unseal it, then run this again`);
  throw new BootstrapError(
    "api",
    `Vault at ${address} answered ${where} with ${status}: ${vaultErrors(body)}`,
  );
}
