import { Client } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOCAL_DEVELOPER } from "../../../services/mcp/src/auth/caller";
import { ReadOnlyDatabase } from "../../../services/mcp/src/sql/read-only-query";
import { sqlQueryTool } from "../../../services/mcp/src/tools/sql-query";
import type { ToolDefinition } from "../../../services/mcp/src/tools/tool";
import { createTestDatabase } from "../../harness/databases";

let url: string;
let database: ReadOnlyDatabase;
let tool: ToolDefinition;

async function admin(sql: string): Promise<unknown[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

const run = (sql: string, parameters: unknown[] = []) =>
  tool.run(
    { database: "sales", sql, parameters },
    { caller: LOCAL_DEVELOPER, signal: new AbortController().signal },
  );

beforeAll(async () => {
  url = await createTestDatabase("mcp_sql");
  await admin(`
    create table orders (id serial primary key, customer text not null, amount numeric(10,2), placed_at timestamptz);
    insert into orders (customer, amount, placed_at)
      select 'customer-' || n, n * 10, timestamptz '2026-01-01 00:00:00+00' + n * interval '1 day' from generate_series(1, 40) n;
    create function sneaky_write() returns integer language sql as $$ insert into orders (customer) values ('x') returning id $$;
  `);
  database = new ReadOnlyDatabase({ connectionString: url, statementTimeoutMs: 300, rowLimit: 25 });
  tool = sqlQueryTool(new Map([["sales", database]]));
});
afterAll(() => database?.close());

describe("read-only SQL against a real PostgreSQL", () => {
  it("returns rows as structured content with parameters bound by the database", async () => {
    const result = await run(
      "select id, customer, amount, placed_at from orders where id <= $1 order by id",
      [2],
    );
    expect(result).toMatchObject({ database: "sales", rowCount: 2, truncated: false });
    expect(result.rows).toEqual([
      { id: 1, customer: "customer-1", amount: "10.00", placed_at: "2026-01-02T00:00:00.000Z" },
      { id: 2, customer: "customer-2", amount: "20.00", placed_at: "2026-01-03T00:00:00.000Z" },
    ]);
    expect((result.columns as { name: string }[]).map((column) => column.name)).toEqual([
      "id",
      "customer",
      "amount",
      "placed_at",
    ]);
  });

  it("cuts the result at the row limit and says so", async () => {
    const result = await run("select id from orders order by id;");
    expect(result.rowCount).toBe(25);
    expect(result.truncated).toBe(true);
  });

  it.each([
    ["an INSERT", "insert into orders (customer) values ('mallory')", /only one SELECT/],
    ["a DELETE", "delete from orders", /only one SELECT/],
    [
      "a write hidden in a function",
      "select sneaky_write()",
      /tried to write.*25006: cannot execute INSERT in a read-only transaction/,
    ],
    [
      "a write hidden in a CTE",
      "with gone as (delete from orders returning id) select * from gone",
      /refused/,
    ],
    ["two statements", "select 1; delete from orders", /only one SELECT.*multiple commands/],
    ["a transaction escape", "commit; delete from orders", /refused/],
    ["DDL", "drop table orders", /only one SELECT/],
  ])("refuses %s at the database", async (_case, sql, reason) => {
    await expect(run(sql)).rejects.toThrow(reason);
    expect(await admin("select count(*)::int as n from orders")).toEqual([{ n: 40 }]);
  });

  it("stops a query at the statement timeout, and the pool stays usable", async () => {
    await expect(run("select pg_sleep(5)")).rejects.toThrow(/statement timeout.*57014/);
    expect((await run("select 1 as one")).rows).toEqual([{ one: 1 }]);
  });

  it("names the problem for bad SQL", async () => {
    await expect(run("select nope from orders")).rejects.toThrow(
      /rejected the query \(42703: column "nope" does not exist\)/,
    );
  });
});
