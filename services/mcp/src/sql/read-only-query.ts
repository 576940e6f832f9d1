import { type FieldDef, Pool, type PoolClient } from "pg";

export interface ReadOnlyDatabaseOptions {
  readonly connectionString: string;
  readonly statementTimeoutMs: number;
  readonly rowLimit: number;
}

export interface QueryResult {
  readonly columns: { name: string; dataTypeId: number }[];
  readonly rows: Record<string, unknown>[];
  readonly rowCount: number;
  /** More rows existed than `rowLimit`; only the first `rowLimit` are returned. */
  readonly truncated: boolean;
}

/** A failure the database reported, with its SQLSTATE, worded for the caller. */
export class QueryRefused extends Error {
  constructor(
    message: string,
    readonly sqlState?: string,
  ) {
    super(message);
  }
}

const CURSOR = "mcp_read_only_result";

/**
 * Read-only queries enforced by PostgreSQL, not by parsing: each runs in a `READ ONLY` transaction
 * (writes, even from functions, fail with 25006), through the extended protocol (one statement
 * only), as a cursor from which at most `rowLimit + 1` rows are fetched, under `statement_timeout`.
 * The configured role should hold SELECT grants only, as a second wall.
 */
export class ReadOnlyDatabase {
  private readonly pool: Pool;

  constructor(private readonly options: ReadOnlyDatabaseOptions) {
    this.pool = new Pool({ connectionString: options.connectionString, max: 5, idleTimeoutMillis: 30_000 });
    // A dropped idle connection must not crash the server; the next query gets a fresh one.
    this.pool.on("error", () => {});
  }

  async query(sql: string, parameters: readonly unknown[] = []): Promise<QueryResult> {
    const client = await this.pool.connect();
    let broken = false;
    try {
      await client.query("BEGIN TRANSACTION READ ONLY");
      await client.query(`SET LOCAL statement_timeout = ${Math.trunc(this.options.statementTimeoutMs)}`);
      await this.run(client, {
        text: `DECLARE ${CURSOR} NO SCROLL CURSOR FOR ${sql}`,
        values: [...parameters],
      });
      const result = await this.run(client, `FETCH FORWARD ${this.options.rowLimit + 1} FROM ${CURSOR}`);
      const truncated = result.rows.length > this.options.rowLimit;
      const rows = result.rows.slice(0, this.options.rowLimit).map(jsonSafeRow);
      return {
        columns: result.fields.map((field: FieldDef) => ({ name: field.name, dataTypeId: field.dataTypeID })),
        rows,
        rowCount: rows.length,
        truncated,
      };
    } catch (error) {
      broken = !(error instanceof QueryRefused);
      throw error;
    } finally {
      await client.query("ROLLBACK").catch(() => {
        broken = true;
      });
      client.release(broken);
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private async run(client: PoolClient, query: string | { text: string; values: unknown[] }) {
    try {
      const config = typeof query === "string" ? { text: query } : query;
      return await client.query({ ...config, queryMode: "extended" } as never as { text: string });
    } catch (error) {
      throw explain(error);
    }
  }
}

function explain(error: unknown): Error {
  const { code, message } = error as { code?: string; message?: string };
  if (!code) return error instanceof Error ? error : new Error(String(error));
  const reasons: Record<string, string> = {
    "25006": "refused: the query tried to write, and queries run in a read-only transaction",
    "57014": "refused: the query ran longer than the statement timeout",
    "42601": "refused: only one SELECT, VALUES or TABLE query is accepted",
    "42P14": "refused: only one SELECT, VALUES or TABLE query is accepted",
    "0A000": "refused: only read-only queries are accepted",
  };
  const prefix = reasons[code] ?? "the database rejected the query";
  return new QueryRefused(`${prefix} (${code}: ${message})`, code);
}

/** Rows as JSON: dates as ISO strings, bytes as base64, big integers as strings. */
function jsonSafeRow(row: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(row).map(([key, value]) => [key, jsonSafe(value)]));
}

function jsonSafe(value: unknown): unknown {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (Buffer.isBuffer(value)) return value.toString("base64");
  if (typeof value === "bigint") return value.toString();
  if (Array.isArray(value)) return value.map(jsonSafe);
  return value;
}
