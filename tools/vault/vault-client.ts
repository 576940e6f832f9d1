import { type VaultHttpOptions, vaultRequest } from "./vault-http";

export interface VaultHealth {
  readonly initialized: boolean;
  readonly sealed: boolean;
  readonly standby: boolean;
  readonly version?: string;
}

/** An audit device, secrets engine or auth method as Vault lists it. */
export interface MountEntry {
  readonly type: string;
  readonly options?: Record<string, string> | null;
}

export interface KubernetesAuthConfig {
  readonly kubernetes_host: string;
  readonly disable_local_ca_jwt?: boolean;
}

/** The fields of a kubernetes auth role this tool manages (Vault returns more). */
export interface KubernetesRole {
  readonly bound_service_account_names: readonly string[];
  readonly bound_service_account_namespaces: readonly string[];
  readonly audience?: string;
  readonly token_policies: readonly string[];
  /** Seconds. */
  readonly token_ttl: number;
}

/** Keys of Vault's response envelope; list endpoints under sys/ repeat their entries beside them. */
const ENVELOPE = new Set([
  "request_id",
  "lease_id",
  "renewable",
  "lease_duration",
  "data",
  "wrap_info",
  "warnings",
  "auth",
  "mount_type",
]);

/** `{ "file/": {...} }` from a sys/audit, sys/mounts or sys/auth answer, keys always ending in "/". */
function mountTable(body: unknown): Record<string, MountEntry> {
  const record = (body ?? {}) as Record<string, unknown>;
  const data =
    record.data && typeof record.data === "object" ? (record.data as Record<string, unknown>) : undefined;
  const entries = Object.entries(data ?? record).filter(([key]) => data || !ENVELOPE.has(key));
  return Object.fromEntries(
    entries.map(([key, value]) => [key.endsWith("/") ? key : `${key}/`, value as MountEntry]),
  );
}

const segments = (path: string) => path.split("/").map(encodeURIComponent).join("/");

/** Vault's HTTP API, exactly the endpoints the bootstrap reads and writes. */
export class VaultClient {
  constructor(private readonly http: VaultHttpOptions) {}

  get address(): string {
    return this.http.address;
  }

  /** sys/health, unauthenticated; standbys count as healthy because they forward requests. */
  async health(): Promise<VaultHealth> {
    const body = await vaultRequest<VaultHealth>(this.http, {
      method: "GET",
      path: "sys/health?standbyok=true&perfstandbyok=true",
      anonymous: true,
      acceptStatus: [429, 472, 473, 474, 501, 503],
    });
    return body ?? { initialized: false, sealed: true, standby: false };
  }

  /** auth/token/lookup-self: any valid token may call it, so a 403 means the token itself is bad. */
  async lookupSelf(): Promise<void> {
    await vaultRequest(this.http, { method: "GET", path: "auth/token/lookup-self" });
  }

  async auditDevices(): Promise<Record<string, MountEntry>> {
    return mountTable(await vaultRequest(this.http, { method: "GET", path: "sys/audit" }));
  }

  async enableAuditDevice(path: string, device: { type: string; options: Record<string, string> }) {
    await vaultRequest(this.http, { method: "PUT", path: `sys/audit/${segments(path)}`, body: device });
  }

  async secretsEngines(): Promise<Record<string, MountEntry>> {
    return mountTable(await vaultRequest(this.http, { method: "GET", path: "sys/mounts" }));
  }

  async enableSecretsEngine(path: string, engine: { type: string; options: Record<string, string> }) {
    await vaultRequest(this.http, { method: "PUT", path: `sys/mounts/${segments(path)}`, body: engine });
  }

  async authMethods(): Promise<Record<string, MountEntry>> {
    return mountTable(await vaultRequest(this.http, { method: "GET", path: "sys/auth" }));
  }

  async enableAuthMethod(path: string, method: { type: string; description: string }) {
    await vaultRequest(this.http, { method: "PUT", path: `sys/auth/${segments(path)}`, body: method });
  }

  async kubernetesConfig(mount: string): Promise<KubernetesAuthConfig | undefined> {
    const body = await vaultRequest<{ data?: KubernetesAuthConfig }>(this.http, {
      method: "GET",
      path: `auth/${segments(mount)}/config`,
      notFoundOk: true,
    });
    return body?.data ?? undefined;
  }

  async writeKubernetesConfig(mount: string, config: KubernetesAuthConfig) {
    await vaultRequest(this.http, { method: "PUT", path: `auth/${segments(mount)}/config`, body: config });
  }

  async policy(name: string): Promise<string | undefined> {
    const body = await vaultRequest<{ data?: { policy?: string } }>(this.http, {
      method: "GET",
      path: `sys/policies/acl/${segments(name)}`,
      notFoundOk: true,
    });
    return body?.data?.policy;
  }

  async writePolicy(name: string, policy: string) {
    await vaultRequest(this.http, {
      method: "PUT",
      path: `sys/policies/acl/${segments(name)}`,
      body: { policy },
    });
  }

  async kubernetesRole(mount: string, role: string): Promise<KubernetesRole | undefined> {
    const body = await vaultRequest<{ data?: KubernetesRole }>(this.http, {
      method: "GET",
      path: `auth/${segments(mount)}/role/${segments(role)}`,
      notFoundOk: true,
    });
    return body?.data ?? undefined;
  }

  async writeKubernetesRole(mount: string, role: string, fields: KubernetesRole) {
    await vaultRequest(this.http, {
      method: "PUT",
      path: `auth/${segments(mount)}/role/${segments(role)}`,
      body: fields,
    });
  }
}
