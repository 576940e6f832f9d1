import { request } from "undici";
import type { StoredChunk, VectorStore } from "./vector-store";

export interface MilvusOptions {
  /** Milvus proxy REST endpoint, e.g. `http://milvus.ai.svc:19530`. */
  readonly url: string;
  readonly collection: string;
  readonly database: string;
  /** `user:password` or an API key, sent as a bearer token. */
  readonly token?: string;
}

const OUTPUT_FIELDS = ["id", "document_id", "source", "title", "heading", "chunk_index", "text"];
/** Milvus caps offset + limit of a query at 16384. */
const PAGE = 1000;
const MAX_QUERY_WINDOW = 16_384;

/** Milvus through its v2 REST API (`/v2/vectordb/...`) with undici; collection and HNSW index created if missing. */
export class MilvusVectorStore implements VectorStore {
  constructor(private readonly options: MilvusOptions) {}

  async init(dimension: number): Promise<void> {
    const { has } = await this.call<{ has: boolean }>("/v2/vectordb/collections/has", {});
    if (has) return;
    const varchar = (fieldName: string, maxLength: number, isPrimary = false) => ({
      fieldName,
      dataType: "VarChar",
      isPrimary,
      elementTypeParams: { max_length: String(maxLength) },
    });
    await this.call("/v2/vectordb/collections/create", {
      schema: {
        autoId: false,
        enableDynamicField: false,
        fields: [
          varchar("id", 512, true),
          varchar("document_id", 512),
          varchar("source", 2048),
          varchar("title", 1024),
          varchar("heading", 1024),
          { fieldName: "chunk_index", dataType: "Int64" },
          varchar("text", 65535),
          { fieldName: "vector", dataType: "FloatVector", elementTypeParams: { dim: String(dimension) } },
        ],
      },
      indexParams: [
        {
          fieldName: "vector",
          indexName: "vector_hnsw",
          metricType: "COSINE",
          indexType: "HNSW",
          params: { M: 16, efConstruction: 200 },
        },
      ],
    });
  }

  async replaceDocument(
    documentId: string,
    chunks: readonly (StoredChunk & { vector: number[] })[],
  ): Promise<void> {
    await this.deleteDocument(documentId);
    if (chunks.length === 0) return;
    await this.call("/v2/vectordb/entities/upsert", {
      data: chunks.map((chunk) => ({
        id: chunk.id,
        document_id: documentId,
        source: chunk.source,
        title: chunk.title,
        heading: chunk.heading,
        chunk_index: chunk.index,
        text: chunk.text,
        vector: chunk.vector,
      })),
    });
  }

  async deleteDocument(documentId: string): Promise<void> {
    await this.call("/v2/vectordb/entities/delete", {
      filter: `document_id == ${JSON.stringify(documentId)}`,
    });
  }

  async search(vector: readonly number[], limit: number): Promise<{ chunk: StoredChunk; score: number }[]> {
    const hits = await this.call<(MilvusRow & { distance: number })[]>("/v2/vectordb/entities/search", {
      data: [vector],
      annsField: "vector",
      limit,
      outputFields: OUTPUT_FIELDS,
      searchParams: { metricType: "COSINE", params: { ef: Math.max(64, limit) } },
    });
    // With COSINE, Milvus' "distance" is the similarity: higher is closer.
    return hits.map((hit) => ({ chunk: fromRow(hit), score: hit.distance }));
  }

  async allChunks(): Promise<StoredChunk[]> {
    const chunks: StoredChunk[] = [];
    for (let offset = 0; offset + PAGE <= MAX_QUERY_WINDOW; offset += PAGE) {
      const rows = await this.call<MilvusRow[]>("/v2/vectordb/entities/query", {
        filter: "chunk_index >= 0",
        outputFields: OUTPUT_FIELDS,
        limit: PAGE,
        offset,
      });
      chunks.push(...rows.map(fromRow));
      if (rows.length < PAGE) break;
    }
    return chunks;
  }

  async close(): Promise<void> {}

  /** POSTs to the REST API; Milvus answers HTTP 200 with `code` ≠ 0 on errors. */
  private async call<T = unknown>(path: string, body: Record<string, unknown>): Promise<T> {
    const response = await request(`${this.options.url.replace(/\/$/, "")}${path}`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(this.options.token ? { authorization: `Bearer ${this.options.token}` } : {}),
      },
      body: JSON.stringify({
        dbName: this.options.database,
        collectionName: this.options.collection,
        ...body,
      }),
      headersTimeout: 30_000,
    });
    const payload = (await response.body.json().catch(() => undefined)) as
      | { code?: number; message?: string; data?: T }
      | undefined;
    if (response.statusCode !== 200 || payload?.code !== 0) {
      throw new Error(
        `Milvus ${path} failed (HTTP ${response.statusCode}, code ${payload?.code}): ${payload?.message ?? "no body"}`,
      );
    }
    return payload.data as T;
  }
}

interface MilvusRow {
  id: string;
  document_id: string;
  source: string;
  title: string;
  heading: string;
  chunk_index: number;
  text: string;
}

function fromRow(row: MilvusRow): StoredChunk {
  return {
    id: row.id,
    documentId: row.document_id,
    source: row.source,
    title: row.title,
    heading: row.heading,
    index: Number(row.chunk_index),
    text: row.text,
  };
}
