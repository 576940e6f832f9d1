/**
 * Connection URLs for the Secrets the gateway reads (`REDIS_URL`, `DATABASE_URL`). Pure string builders:
 * the caller applies them to the password Output, which keeps the result a Pulumi secret, e.g.
 * `password.apply((p) => postgresUrl({ ..., password: p }))`.
 */

export interface PostgresUrlParts {
  readonly user: string;
  readonly password: string;
  readonly host: string;
  readonly port: number;
  readonly database: string;
  /**
   * TLS: `"no-verify"` encrypts without checking the server certificate (CloudNativePG's own CA is not in
   * the gateway's trust store). Default: none (the client's default, plaintext for node-postgres).
   */
  readonly sslmode?: "disable" | "no-verify" | "require" | "verify-full";
}

export interface RedisUrlParts {
  readonly password: string;
  readonly host: string;
  readonly port: number;
  /** Logical database. Default `0`. */
  readonly db?: number;
  /** ACL user; Redis's default user when absent. */
  readonly user?: string;
}

const checkHostPort = (host: string, port: number) => {
  if (!/^[A-Za-z0-9.-]+$/.test(host)) throw new Error(`"${host}" is not a host name`);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`${port} is not a TCP port`);
};

/** `postgresql://user:password@host:port/database`, user and password percent-encoded. */
export function postgresUrl(parts: PostgresUrlParts): string {
  checkHostPort(parts.host, parts.port);
  const credentials = `${encodeURIComponent(parts.user)}:${encodeURIComponent(parts.password)}`;
  const query = parts.sslmode ? `?sslmode=${parts.sslmode}` : "";
  return `postgresql://${credentials}@${parts.host}:${parts.port}/${encodeURIComponent(parts.database)}${query}`;
}

/** `redis://[user]:password@host:port/db`, user and password percent-encoded. */
export function redisUrl(parts: RedisUrlParts): string {
  checkHostPort(parts.host, parts.port);
  const user = parts.user ? encodeURIComponent(parts.user) : "";
  return `redis://${user}:${encodeURIComponent(parts.password)}@${parts.host}:${parts.port}/${parts.db ?? 0}`;
}
