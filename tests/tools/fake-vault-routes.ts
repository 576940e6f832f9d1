import { randomUUID } from "node:crypto";
import type { FakeMount, FakeRole, FakeVaultState, TokenGrant } from "./fake-vault";

export interface FakeRequest {
  readonly state: FakeVaultState;
  readonly tokens: Readonly<Record<string, TokenGrant>>;
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly token: string | undefined;
  readonly body: unknown;
}

export interface FakeAnswer {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

const errors = (status: number, ...messages: string[]): FakeAnswer => ({
  status,
  body: { errors: messages },
});
const NO_CONTENT: FakeAnswer = { status: 204 };
/** Vault's answer to a read of something that does not exist. */
const NOT_FOUND = errors(404);

/** Vault's response envelope; sys/ list endpoints also repeat their entries at the top level. */
function logical(data: Record<string, unknown>, repeatAtTop = false): FakeAnswer {
  const envelope = { request_id: randomUUID(), lease_id: "", renewable: false, lease_duration: 0 };
  const tail = { data, wrap_info: null, warnings: null, auth: null, mount_type: "system" };
  return { status: 200, body: { ...envelope, ...(repeatAtTop ? data : {}), ...tail } };
}

function health(request: FakeRequest): FakeAnswer {
  const { state, query } = request;
  const status = !state.initialized
    ? 501
    : state.sealed
      ? 503
      : state.standby && query.get("standbyok") !== "true"
        ? 429
        : 200;
  return {
    status,
    body: {
      initialized: state.initialized,
      sealed: state.sealed || !state.initialized,
      standby: state.standby,
      performance_standby: false,
      replication_performance_mode: "disabled",
      replication_dr_mode: "disabled",
      server_time_utc: Math.floor(Date.now() / 1000),
      version: state.version,
      cluster_name: "vault-cluster-fake",
      cluster_id: "00000000-0000-0000-0000-000000000000",
    },
  };
}

function enable(table: Record<string, FakeMount>, path: string, body: Record<string, unknown>): FakeAnswer {
  const key = `${path}/`;
  if (table[key]) return errors(400, `path is already in use at ${key}`);
  if (typeof body.type !== "string" || !body.type)
    return errors(400, "backend type must be specified as a string");
  const options = (body.options ?? null) as Record<string, string> | null;
  // `vault secrets enable kv-v2` is kv with version 2.
  const [type, version] = body.type === "kv-v2" ? ["kv", "2"] : [body.type, options?.version];
  table[key] = {
    type,
    description: String(body.description ?? ""),
    options: type === "kv" ? { version: version ?? "1" } : options,
    local: false,
    accessor: `${type}_${randomUUID().slice(0, 8)}`,
  };
  return NO_CONTENT;
}

function enableAudit(state: FakeVaultState, path: string, body: Record<string, unknown>): FakeAnswer {
  if (state.audit[`${path}/`]) return errors(400, "path already in use");
  if (body.type !== "file") return errors(400, `unknown backend type: "${String(body.type)}"`);
  const options = (body.options ?? {}) as Record<string, string>;
  if (!options.file_path) return errors(400, "file_path is required");
  state.audit[`${path}/`] = { type: "file", description: "", options, local: false };
  return NO_CONTENT;
}

const list = (value: unknown): string[] =>
  Array.isArray(value) ? value.map(String) : typeof value === "string" && value ? value.split(",") : [];

function seconds(value: unknown): number {
  if (typeof value === "number") return value;
  const match = /^(\d+)(s|m|h)?$/.exec(String(value));
  if (!match) throw new Error(`bad duration ${String(value)}`);
  return Number(match[1]) * { s: 1, m: 60, h: 3600 }[(match[2] ?? "s") as "s" | "m" | "h"];
}

/** The kubernetes auth plugin's role write: an update keeps the fields it is not given. */
function writeRole(roles: Record<string, FakeRole>, name: string, body: Record<string, unknown>): FakeAnswer {
  const current = roles[name];
  const names =
    "bound_service_account_names" in body
      ? list(body.bound_service_account_names)
      : current?.bound_service_account_names;
  const namespaces =
    "bound_service_account_namespaces" in body
      ? list(body.bound_service_account_namespaces)
      : current?.bound_service_account_namespaces;
  if (!names?.length) return errors(400, '"bound_service_account_names" can not be empty');
  if (!namespaces?.length) return errors(400, '"bound_service_account_namespaces" can not be empty');
  roles[name] = {
    bound_service_account_names: names,
    bound_service_account_namespaces: namespaces,
    audience: "audience" in body ? String(body.audience) : current?.audience,
    token_policies: "token_policies" in body ? list(body.token_policies) : (current?.token_policies ?? []),
    token_ttl: "token_ttl" in body ? seconds(body.token_ttl) : (current?.token_ttl ?? 0),
    token_max_ttl: current?.token_max_ttl ?? 0,
    alias_name_source: current?.alias_name_source ?? "serviceaccount_uid",
  };
  return NO_CONTENT;
}

function kubernetesAuth(request: FakeRequest, write: boolean): FakeAnswer | undefined {
  const { state, path } = request;
  const body = request.body as Record<string, unknown>;
  const match = /^auth\/(.+)\/(config|role\/([^/]+))$/.exec(path);
  const mount = match ? `${match[1]}/` : "";
  if (!match || state.auth[mount]?.type !== "kubernetes") return undefined;
  const roleName = match[3];
  if (!roleName) {
    if (!write) return state.authConfigs[mount] ? logical(state.authConfigs[mount]) : NOT_FOUND;
    if (!body.kubernetes_host) return errors(400, "no host provided");
    // A config write replaces the whole config; omitted fields take their defaults.
    state.authConfigs[mount] = {
      kubernetes_host: body.kubernetes_host,
      kubernetes_ca_cert: body.kubernetes_ca_cert ?? "",
      pem_keys: list(body.pem_keys),
      issuer: body.issuer ?? "",
      disable_iss_validation: true,
      disable_local_ca_jwt: body.disable_local_ca_jwt === true,
    };
    return NO_CONTENT;
  }
  state.roles[mount] ??= {};
  const roles = state.roles[mount];
  if (!write) {
    const role = roles[roleName];
    return role ? logical({ ...role, policies: role.token_policies, ttl: role.token_ttl }) : NOT_FOUND;
  }
  return writeRole(roles, roleName, body);
}

function route(request: FakeRequest, write: boolean): FakeAnswer | undefined {
  const { state, path } = request;
  const body = request.body as Record<string, unknown>;
  const under = (prefix: string) => (path.startsWith(prefix) ? path.slice(prefix.length) : undefined);
  if (path === "auth/token/lookup-self" && !write)
    // Real Vault echoes the token as `id`: the bootstrap must not print what it reads.
    return logical({ id: request.token, policies: ["root"], display_name: "root", ttl: 0 });
  if (path === "sys/audit" && !write) return logical(state.audit, true);
  if (path === "sys/mounts" && !write) return logical(state.mounts, true);
  if (path === "sys/auth" && !write) return logical(state.auth, true);
  const audit = under("sys/audit/");
  if (audit && write) return enableAudit(state, audit, body);
  const mount = under("sys/mounts/");
  if (mount && write) return enable(state.mounts, mount, body);
  const auth = under("sys/auth/");
  if (auth && write) return enable(state.auth, auth, body);
  const policy = under("sys/policies/acl/")?.toLowerCase();
  if (policy && !write) {
    const text = state.policies[policy];
    return text === undefined ? NOT_FOUND : logical({ name: policy, policy: text });
  }
  if (policy && write) {
    if (typeof body.policy !== "string" || !body.policy.trim())
      return errors(400, "'policy' parameter not supplied or empty");
    state.policies[policy] = body.policy;
    return NO_CONTENT;
  }
  return kubernetesAuth(request, write);
}

/** Answers one API request the way Vault would, changing `state` on writes. */
export function routeVaultRequest(request: FakeRequest): FakeAnswer {
  const { state, method, path } = request;
  if (path === "sys/health") return health(request);
  if (!state.initialized || state.sealed) return errors(503, "Vault is sealed");
  if (state.redirectTo) return { status: 307, headers: { Location: `${state.redirectTo}/v1/${path}` } };
  const grant = request.token ? request.tokens[request.token] : undefined;
  if (!request.token) return errors(403, "permission denied");
  if (!grant) return errors(403, "2 errors occurred:\n\t* permission denied\n\t* invalid token\n\n");
  const write = method === "PUT" || method === "POST";
  if (!write && method !== "GET") return errors(405, "unsupported operation");
  const verb = write ? "PUT" : "GET";
  if (!("root" in grant) && grant.denied.test(`${verb} ${path}`) && path !== "auth/token/lookup-self")
    return errors(403, "1 error occurred:\n\t* permission denied\n\n");
  return route(request, write) ?? errors(404, `no handler for route "${path}". route entry not found.`);
}
