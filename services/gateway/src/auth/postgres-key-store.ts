/**
 * Keys and teams in PostgreSQL, served from memory. Everything is loaded at start; a change made on
 * any replica is announced over Redis so the others reload that record. A hash not in memory is
 * looked up once (then remembered as unknown for a while), so a key made a moment ago on another
 * replica works and a flood of bad keys does not reach the database.
 */
import type { Redis } from "ioredis";
import type { Pool } from "pg";
import { type KeyPatch, MemoryKeyStore, type TeamPatch } from "./key-store";
import type { Team, VirtualKey } from "./virtual-keys";

const NEGATIVE_TTL_MS = 10_000;
const NEGATIVE_CACHE_LIMIT = 10_000;
const FULL_RELOAD_MS = 60_000;

const KEY_COLUMNS: Record<string, string> = {
  alias: "alias",
  teamId: "team_id",
  userId: "user_id",
  models: "models",
  rpm: "rpm",
  tpm: "tpm",
  maxBudgetUsd: "max_budget_usd",
  budgetDuration: "budget_duration",
  expiresAt: "expires_at",
  revokedAt: "revoked_at",
  cache: "cache",
  metadata: "metadata",
};
const TEAM_COLUMNS: Record<string, string> = {
  alias: "alias",
  models: "models",
  rpm: "rpm",
  tpm: "tpm",
  maxBudgetUsd: "max_budget_usd",
  budgetDuration: "budget_duration",
  metadata: "metadata",
};

const optional = <T>(value: T | null): T | undefined => (value === null ? undefined : value);
const iso = (value: Date | null) => (value ? value.toISOString() : undefined);
const numeric = (value: string | number | null) => (value === null ? undefined : Number(value));

function keyFromRow(row: Record<string, unknown>): VirtualKey {
  return {
    id: row.id as string,
    hash: row.key_hash as string,
    displayPrefix: row.display_prefix as string,
    alias: optional(row.alias as string | null),
    teamId: optional(row.team_id as string | null),
    userId: optional(row.user_id as string | null),
    models: optional(row.models as string[] | null),
    rpm: optional(row.rpm as number | null),
    tpm: numeric(row.tpm as string | null),
    maxBudgetUsd: numeric(row.max_budget_usd as string | null),
    budgetDuration: optional(row.budget_duration as string | null),
    expiresAt: iso(row.expires_at as Date | null),
    revokedAt: iso(row.revoked_at as Date | null),
    cache: optional(row.cache as boolean | null),
    metadata: row.metadata as Record<string, string>,
    createdAt: (row.created_at as Date).toISOString(),
  };
}

function teamFromRow(row: Record<string, unknown>): Team {
  return {
    id: row.id as string,
    alias: optional(row.alias as string | null),
    models: optional(row.models as string[] | null),
    rpm: optional(row.rpm as number | null),
    tpm: numeric(row.tpm as string | null),
    maxBudgetUsd: numeric(row.max_budget_usd as string | null),
    budgetDuration: optional(row.budget_duration as string | null),
    metadata: row.metadata as Record<string, string>,
    createdAt: (row.created_at as Date).toISOString(),
  };
}

function columnValue(column: string, value: unknown): unknown {
  if (column === "metadata") return JSON.stringify(value ?? {});
  return value ?? null;
}

export class PostgresKeyStore extends MemoryKeyStore {
  private readonly unknown = new Map<string, number>();
  private readonly lookups = new Map<string, Promise<VirtualKey | undefined>>();
  private readonly reloader: NodeJS.Timeout;
  private readonly channel: string;

  private constructor(
    private readonly pool: Pool,
    private readonly publisher?: Redis,
    private readonly subscriber?: Redis,
    prefix = "gw:",
  ) {
    super();
    this.channel = `${prefix}keys`;
    this.reloader = setInterval(() => void this.reloadAll().catch(() => {}), FULL_RELOAD_MS).unref();
  }

  static async open(pool: Pool, redis?: Redis, prefix?: string): Promise<PostgresKeyStore> {
    const subscriber = redis?.duplicate();
    const store = new PostgresKeyStore(pool, redis, subscriber, prefix);
    await store.reloadAll();
    if (subscriber) {
      subscriber.on("error", () => {});
      subscriber.on(
        "message",
        (_channel: string, message: string) => void store.reloadOne(message).catch(() => {}),
      );
      await subscriber.subscribe(store.channel);
    }
    return store;
  }

  private async reloadAll(): Promise<void> {
    const [teams, keys] = await Promise.all([
      this.pool.query("SELECT * FROM gateway_teams"),
      this.pool.query("SELECT * FROM gateway_keys"),
    ]);
    for (const row of teams.rows) this.rememberTeam(teamFromRow(row));
    for (const row of keys.rows) this.remember(keyFromRow(row));
  }

  private async reloadOne(message: string): Promise<void> {
    const [kind, id] = message.split(":", 2) as ["key" | "team", string];
    if (kind === "team") {
      const { rows } = await this.pool.query("SELECT * FROM gateway_teams WHERE id = $1", [id]);
      if (rows[0]) this.rememberTeam(teamFromRow(rows[0]));
    } else {
      const { rows } = await this.pool.query("SELECT * FROM gateway_keys WHERE id = $1", [id]);
      if (rows[0]) {
        const key = keyFromRow(rows[0]);
        this.unknown.delete(key.hash);
        this.remember(key);
      }
    }
  }

  private announce(kind: "key" | "team", id: string): void {
    void this.publisher?.publish(this.channel, `${kind}:${id}`).catch(() => {});
  }

  override async findKey(hash: string): Promise<VirtualKey | undefined> {
    const known = await super.findKey(hash);
    if (known) return known;
    if ((this.unknown.get(hash) ?? 0) > Date.now()) return undefined;
    // Concurrent requests with the same new key share one lookup.
    let lookup = this.lookups.get(hash);
    if (!lookup) {
      lookup = this.lookUp(hash).finally(() => this.lookups.delete(hash));
      this.lookups.set(hash, lookup);
    }
    return lookup;
  }

  /** A key's team made a moment ago on another replica is read once from the database. */
  override async findTeam(id: string): Promise<Team | undefined> {
    const known = await super.findTeam(id);
    if (known) return known;
    const { rows } = await this.pool.query("SELECT * FROM gateway_teams WHERE id = $1", [id]);
    if (!rows[0]) return undefined;
    const team = teamFromRow(rows[0]);
    this.rememberTeam(team);
    return team;
  }

  private async lookUp(hash: string): Promise<VirtualKey | undefined> {
    const { rows } = await this.pool.query("SELECT * FROM gateway_keys WHERE key_hash = $1", [hash]);
    if (!rows[0]) {
      if (this.unknown.size >= NEGATIVE_CACHE_LIMIT) this.unknown.clear();
      this.unknown.set(hash, Date.now() + NEGATIVE_TTL_MS);
      return undefined;
    }
    const key = keyFromRow(rows[0]);
    this.remember(key);
    return key;
  }

  override async createKey(key: VirtualKey): Promise<void> {
    await this.pool.query(
      `INSERT INTO gateway_keys (id, key_hash, display_prefix, alias, team_id, user_id, models, rpm, tpm,
         max_budget_usd, budget_duration, expires_at, cache, metadata, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
      [
        key.id,
        key.hash,
        key.displayPrefix,
        key.alias ?? null,
        key.teamId ?? null,
        key.userId ?? null,
        key.models ?? null,
        key.rpm ?? null,
        key.tpm ?? null,
        key.maxBudgetUsd ?? null,
        key.budgetDuration ?? null,
        key.expiresAt ?? null,
        key.cache ?? null,
        JSON.stringify(key.metadata),
        key.createdAt,
      ],
    );
    this.remember(key);
    this.announce("key", key.id);
  }

  override async updateKey(id: string, patch: KeyPatch): Promise<VirtualKey | undefined> {
    const updated = await this.update("gateway_keys", KEY_COLUMNS, id, patch);
    if (!updated) return undefined;
    const key = keyFromRow(updated);
    this.remember(key);
    this.announce("key", id);
    return key;
  }

  override async createTeam(team: Team): Promise<void> {
    await this.pool.query(
      `INSERT INTO gateway_teams (id, alias, models, rpm, tpm, max_budget_usd, budget_duration, metadata, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        team.id,
        team.alias ?? null,
        team.models ?? null,
        team.rpm ?? null,
        team.tpm ?? null,
        team.maxBudgetUsd ?? null,
        team.budgetDuration ?? null,
        JSON.stringify(team.metadata),
        team.createdAt,
      ],
    );
    this.rememberTeam(team);
    this.announce("team", team.id);
  }

  override async updateTeam(id: string, patch: TeamPatch): Promise<Team | undefined> {
    const updated = await this.update("gateway_teams", TEAM_COLUMNS, id, patch);
    if (!updated) return undefined;
    const team = teamFromRow(updated);
    this.rememberTeam(team);
    this.announce("team", id);
    return team;
  }

  private async update(
    table: string,
    columns: Record<string, string>,
    id: string,
    patch: Record<string, unknown>,
  ): Promise<Record<string, unknown> | undefined> {
    const entries = Object.entries(patch).filter(([field]) => field in columns);
    if (entries.length === 0) {
      const { rows } = await this.pool.query(`SELECT * FROM ${table} WHERE id = $1`, [id]);
      return rows[0];
    }
    const assignments = entries.map(([field], index) => `${columns[field]} = $${index + 2}`);
    const values = entries.map(([field, value]) => columnValue(columns[field] as string, value));
    const { rows } = await this.pool.query(
      `UPDATE ${table} SET ${assignments.join(", ")} WHERE id = $1 RETURNING *`,
      [id, ...values],
    );
    return rows[0];
  }

  override async close(): Promise<void> {
    clearInterval(this.reloader);
    this.subscriber?.disconnect();
  }
}
