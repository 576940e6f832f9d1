import { PGlite } from "@electric-sql/pglite";
import type { StoredChunk, VectorStore } from "./vector-store";

/**
 * The embedded store: PGlite (PostgreSQL in WebAssembly, in memory or in a directory), no server.
 * The PGlite build pinned here ships no pgvector, so vectors are `real[]` and similarity is a SQL
 * function over them: exact search, fine for the thousands of chunks a local knowledge base holds.
 */
export class PgliteVectorStore implements VectorStore {
  private constructor(private readonly db: PGlite) {}

  static async open(dataDir?: string): Promise<PgliteVectorStore> {
    return new PgliteVectorStore(await PGlite.create(dataDir ? { dataDir } : {}));
  }

  async init(dimension: number): Promise<void> {
    await this.db.exec(`
      create table if not exists knowledge_chunks (
        id text primary key,
        document_id text not null,
        source text not null,
        title text not null,
        heading text not null,
        chunk_index integer not null,
        text text not null,
        embedding real[] not null check (cardinality(embedding) = ${Math.trunc(dimension)})
      );
      create index if not exists knowledge_chunks_document on knowledge_chunks (document_id);
      create or replace function knowledge_cosine(a real[], b real[]) returns double precision
        language sql immutable parallel safe as $$
          select coalesce(sum(x * y) / nullif(sqrt(sum(x * x)) * sqrt(sum(y * y)), 0), 0)
          from unnest(a, b) as pair(x, y)
        $$;
    `);
  }

  async replaceDocument(
    documentId: string,
    chunks: readonly (StoredChunk & { vector: number[] })[],
  ): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query("delete from knowledge_chunks where document_id = $1", [documentId]);
      for (const chunk of chunks) {
        await tx.query(
          `insert into knowledge_chunks (id, document_id, source, title, heading, chunk_index, text, embedding)
           values ($1, $2, $3, $4, $5, $6, $7, $8)`,
          [
            chunk.id,
            documentId,
            chunk.source,
            chunk.title,
            chunk.heading,
            chunk.index,
            chunk.text,
            chunk.vector,
          ],
        );
      }
    });
  }

  async deleteDocument(documentId: string): Promise<void> {
    await this.db.query("delete from knowledge_chunks where document_id = $1", [documentId]);
  }

  async search(vector: readonly number[], limit: number): Promise<{ chunk: StoredChunk; score: number }[]> {
    const { rows } = await this.db.query<ChunkRow & { score: number }>(
      `select *, knowledge_cosine(embedding, $1::real[]) as score from knowledge_chunks
       order by score desc, id limit $2`,
      [vector, limit],
    );
    return rows.map((row) => ({ chunk: fromRow(row), score: Number(row.score) }));
  }

  async allChunks(): Promise<StoredChunk[]> {
    const { rows } = await this.db.query<ChunkRow>(
      "select id, document_id, source, title, heading, chunk_index, text from knowledge_chunks order by document_id, chunk_index",
    );
    return rows.map(fromRow);
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}

interface ChunkRow {
  id: string;
  document_id: string;
  source: string;
  title: string;
  heading: string;
  chunk_index: number;
  text: string;
}

function fromRow(row: ChunkRow): StoredChunk {
  return {
    id: row.id,
    documentId: row.document_id,
    source: row.source,
    title: row.title,
    heading: row.heading,
    index: row.chunk_index,
    text: row.text,
  };
}
