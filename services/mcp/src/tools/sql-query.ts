import { z } from "zod";
import { QueryRefused, type ReadOnlyDatabase } from "../sql/read-only-query";
import { defineTool, ToolError } from "./tool";

export function sqlQueryTool(databases: ReadonlyMap<string, ReadOnlyDatabase>) {
  const names = [...databases.keys()];
  return defineTool({
    name: "sql_query",
    title: "Query a database (read-only)",
    description:
      `Runs one read-only SQL query (SELECT, VALUES, TABLE or WITH … SELECT) against a configured PostgreSQL database ` +
      `(${names.join(", ")}) and returns the rows. Writes are refused by the database; long queries time out; ` +
      "results are cut at the row limit (see `truncated`). Use $1, $2… with `parameters` for values.",
    input: {
      database: z.enum(names as [string, ...string[]]),
      sql: z.string().min(1).max(20_000),
      parameters: z
        .array(z.union([z.string(), z.number(), z.boolean(), z.null()]))
        .max(100)
        .default([]),
    },
    output: {
      database: z.string(),
      columns: z.array(z.object({ name: z.string(), dataTypeId: z.number() })),
      rows: z.array(z.record(z.string(), z.unknown())),
      rowCount: z.number().int(),
      truncated: z.boolean(),
    },
    annotations: { readOnlyHint: true, openWorldHint: false },
    scopes: ["mcp:sql.read"],
    async run({ database, sql, parameters }) {
      const target = databases.get(database) as ReadOnlyDatabase;
      try {
        return { database, ...(await target.query(sql.trim().replace(/;\s*$/, ""), parameters)) };
      } catch (error) {
        if (error instanceof QueryRefused) throw new ToolError(error.message);
        throw new ToolError(`the database ${database} could not be reached`);
      }
    },
  });
}
