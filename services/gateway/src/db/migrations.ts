/**
 * The PostgreSQL schema, applied at start. Idempotent and serialised by an advisory lock, so every
 * replica may run it and only the first one changes anything.
 */
import type { Pool } from "pg";

const MIGRATION_LOCK = 7_146_021;

export const MIGRATIONS: readonly string[] = [
  `CREATE TABLE gateway_teams (
     id text PRIMARY KEY,
     alias text,
     models text[],
     rpm integer,
     tpm bigint,
     max_budget_usd numeric(20, 6),
     budget_duration text,
     metadata jsonb NOT NULL DEFAULT '{}',
     created_at timestamptz NOT NULL DEFAULT now()
   );
   CREATE TABLE gateway_keys (
     id text PRIMARY KEY,
     key_hash text NOT NULL UNIQUE,
     display_prefix text NOT NULL,
     alias text,
     team_id text REFERENCES gateway_teams (id),
     user_id text,
     models text[],
     rpm integer,
     tpm bigint,
     max_budget_usd numeric(20, 6),
     budget_duration text,
     expires_at timestamptz,
     revoked_at timestamptz,
     cache boolean,
     metadata jsonb NOT NULL DEFAULT '{}',
     created_at timestamptz NOT NULL DEFAULT now()
   );
   CREATE INDEX gateway_keys_team ON gateway_keys (team_id);
   CREATE TABLE gateway_spend (
     id bigserial PRIMARY KEY,
     request_id text NOT NULL,
     created_at timestamptz NOT NULL,
     key_id text,
     team_id text,
     user_id text,
     model_group text NOT NULL,
     deployment_id text,
     provider text,
     operation text NOT NULL,
     prompt_tokens integer NOT NULL DEFAULT 0,
     completion_tokens integer NOT NULL DEFAULT 0,
     cost_usd numeric(20, 10) NOT NULL DEFAULT 0,
     status integer NOT NULL,
     duration_ms integer NOT NULL,
     cache_hit boolean NOT NULL DEFAULT false
   );
   -- The admin API filters spend by key, team or model over a time range, and reports over a range.
   CREATE INDEX gateway_spend_key_time ON gateway_spend (key_id, created_at);
   CREATE INDEX gateway_spend_team_time ON gateway_spend (team_id, created_at);
   CREATE INDEX gateway_spend_model_time ON gateway_spend (model_group, created_at);
   CREATE INDEX gateway_spend_time ON gateway_spend (created_at);`,
];

export async function migrate(pool: Pool): Promise<number> {
  const client = await pool.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK]);
    await client.query(
      "CREATE TABLE IF NOT EXISTS gateway_schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
    );
    const { rows } = await client.query<{ version: number }>("SELECT version FROM gateway_schema_migrations");
    const applied = new Set(rows.map((row) => row.version));
    let count = 0;
    for (const [index, sql] of MIGRATIONS.entries()) {
      const version = index + 1;
      if (applied.has(version)) continue;
      await client.query("BEGIN");
      try {
        await client.query(sql);
        await client.query("INSERT INTO gateway_schema_migrations (version) VALUES ($1)", [version]);
        await client.query("COMMIT");
        count++;
      } catch (error) {
        await client.query("ROLLBACK");
        throw error;
      }
    }
    return count;
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK]).catch(() => {});
    client.release();
  }
}
