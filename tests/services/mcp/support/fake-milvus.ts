import { json, type Loopback, readBody, serveOnLoopback } from "./loopback";

/**
 * A stand-in for Milvus' v2 REST API, for the calls the store makes: collections/has, collections/create,
 * entities/upsert, entities/delete, entities/search, entities/query. Answers HTTP 200 with
 * `{code, data}` / `{code, message}` like Milvus, checks the bearer token and the request fields.
 */
export interface FakeMilvus extends Loopback {
  readonly calls: { path: string; body: any }[];
  readonly collections: Map<string, { schema: any; indexParams: any; rows: Map<string, any> }>;
}

export async function startFakeMilvus(token: string): Promise<FakeMilvus> {
  const calls: { path: string; body: any }[] = [];
  const collections: FakeMilvus["collections"] = new Map();
  const server = await serveOnLoopback(async (request, response) => {
    const body = JSON.parse((await readBody(request)) || "{}");
    calls.push({ path: request.url ?? "", body });
    if (request.headers.authorization !== `Bearer ${token}`)
      return json(response, 200, { code: 1800, message: "user hasn't authenticated" });
    if (!body.collectionName)
      return json(response, 200, { code: 1100, message: "collectionName is required" });
    const collection = collections.get(body.collectionName);
    const ok = (data: unknown) => json(response, 200, { code: 0, data });
    switch (request.url) {
      case "/v2/vectordb/collections/has":
        return ok({ has: collection !== undefined });
      case "/v2/vectordb/collections/create": {
        const fields = body.schema?.fields;
        if (!Array.isArray(fields) || !fields.some((field: any) => field.isPrimary)) {
          return json(response, 200, { code: 1100, message: "schema needs a primary field" });
        }
        collections.set(body.collectionName, {
          schema: body.schema,
          indexParams: body.indexParams,
          rows: new Map(),
        });
        return ok({});
      }
    }
    if (!collection)
      return json(response, 200, {
        code: 100,
        message: `collection not found[collection=${body.collectionName}]`,
      });
    const primary = collection.schema.fields.find((field: any) => field.isPrimary).fieldName;
    switch (request.url) {
      case "/v2/vectordb/entities/upsert": {
        for (const row of body.data) collection.rows.set(row[primary], row);
        return ok({ upsertCount: body.data.length, upsertIds: body.data.map((row: any) => row[primary]) });
      }
      case "/v2/vectordb/entities/delete": {
        for (const [id, row] of collection.rows) if (matches(body.filter, row)) collection.rows.delete(id);
        return ok({});
      }
      case "/v2/vectordb/entities/search": {
        const [query] = body.data;
        const vectorField = body.annsField;
        const hits = [...collection.rows.values()]
          .map((row) => ({ row, distance: cosine(query, row[vectorField]) }))
          .sort((a, b) => b.distance - a.distance)
          .slice(0, body.limit)
          .map(({ row, distance }) => ({ ...pick(row, body.outputFields), distance }));
        return ok(hits);
      }
      case "/v2/vectordb/entities/query": {
        const rows = [...collection.rows.values()].filter((row) => matches(body.filter, row));
        return ok(
          rows
            .slice(body.offset ?? 0, (body.offset ?? 0) + body.limit)
            .map((row) => pick(row, body.outputFields)),
        );
      }
    }
    return json(response, 404, { code: 404, message: "not found" });
  });
  return { ...server, calls, collections };
}

/** The two filter shapes the store uses: `field == "value"` and `field >= number`. */
function matches(filter: string, row: any): boolean {
  const equals = /^(\w+) == (".*")$/.exec(filter);
  if (equals?.[1] && equals[2]) return row[equals[1]] === JSON.parse(equals[2]);
  const atLeast = /^(\w+) >= (-?\d+)$/.exec(filter);
  if (atLeast?.[1] && atLeast[2]) return row[atLeast[1]] >= Number(atLeast[2]);
  throw new Error(`fake Milvus cannot evaluate filter ${filter}`);
}

function pick(row: any, fields: string[]): any {
  return Object.fromEntries(fields.map((field) => [field, row[field]]));
}

function cosine(a: number[], b: number[]): number {
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let i = 0; i < a.length; i++) {
    dot += (a[i] ?? 0) * (b[i] ?? 0);
    normA += (a[i] ?? 0) ** 2;
    normB += (b[i] ?? 0) ** 2;
  }
  return dot / (Math.sqrt(normA) * Math.sqrt(normB) || 1);
}
