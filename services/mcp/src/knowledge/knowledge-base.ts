import { createHash } from "node:crypto";
import { Bm25Index } from "./bm25";
import { type ChunkOptions, chunkText } from "./chunker";
import type { Embedder } from "./embeddings";
import { reciprocalRankFusion } from "./fusion";
import type { Reranker } from "./reranker";
import { chunkId, type StoredChunk, type VectorStore } from "./vector-store";

export type SearchMode = "hybrid" | "vector" | "keyword";

export interface SearchHit {
  readonly documentId: string;
  readonly source: string;
  readonly title: string;
  readonly heading: string;
  readonly chunkIndex: number;
  readonly chunk: string;
  /** Fused RRF score (hybrid), cosine similarity (vector), BM25 (keyword) or the reranker's score. */
  readonly score: number;
}

export interface DocumentSummary {
  readonly documentId: string;
  readonly source: string;
  readonly title: string;
  readonly chunks: number;
}

export interface IngestRequest {
  readonly source: string;
  readonly title: string;
  /** Markdown-like text (headings as `#` lines). */
  readonly text: string;
  /** Default: derived from `source`, so ingesting the same source again replaces it. */
  readonly documentId?: string;
}

/** Ingest (chunk, embed, store, index) and hybrid search over one vector store. */
export class KnowledgeBase {
  private keywords = new Bm25Index();
  private chunks = new Map<string, StoredChunk>();

  private constructor(
    private readonly store: VectorStore,
    private readonly embedder: Embedder,
    private readonly chunking: ChunkOptions,
    private readonly reranker?: Reranker,
  ) {}

  /** Initialises the store and rebuilds the keyword index from what it holds. */
  static async open(store: VectorStore, embedder: Embedder, chunking: ChunkOptions, reranker?: Reranker) {
    await store.init(embedder.dimension);
    const base = new KnowledgeBase(store, embedder, chunking, reranker);
    await base.reload();
    return base;
  }

  /**
   * Rebuilds the keyword index and chunk cache from the store, picking up what other replicas
   * ingested; the new index replaces the old one whole, so searches never see half of it.
   */
  async reload(): Promise<void> {
    const chunks = await this.store.allChunks();
    const keywords = new Bm25Index();
    for (const chunk of chunks) keywords.add(chunk.id, keywordText(chunk));
    this.chunks = new Map(chunks.map((chunk) => [chunk.id, chunk]));
    this.keywords = keywords;
  }

  get canRerank(): boolean {
    return this.reranker !== undefined;
  }

  async ingest(document: IngestRequest): Promise<DocumentSummary> {
    const documentId =
      document.documentId ?? createHash("sha256").update(document.source).digest("hex").slice(0, 16);
    const pieces = chunkText(document.text, this.chunking);
    const vectors = await this.embedder.embed(pieces.map((piece) => `${document.title}\n${piece.text}`));
    const stored = pieces.map((piece, position) => ({
      id: chunkId(documentId, piece.index),
      documentId,
      source: document.source,
      title: document.title,
      heading: piece.heading,
      index: piece.index,
      text: piece.text,
      vector: vectors[position] as number[],
    }));
    await this.store.replaceDocument(documentId, stored);
    this.forget(documentId);
    for (const { vector: _vector, ...chunk } of stored) this.remember(chunk);
    return { documentId, source: document.source, title: document.title, chunks: stored.length };
  }

  async delete(documentId: string): Promise<void> {
    await this.store.deleteDocument(documentId);
    this.forget(documentId);
  }

  async search(
    query: string,
    options: { limit: number; mode: SearchMode; rerank?: boolean },
  ): Promise<SearchHit[]> {
    const pool = Math.max(options.limit * 4, 20);
    const vectorHits = options.mode === "keyword" ? [] : await this.vectorSearch(query, pool);
    const keywordHits = options.mode === "vector" ? [] : this.keywords.search(query, pool);
    let ranked: { id: string; score: number }[];
    if (options.mode === "vector") ranked = vectorHits;
    else if (options.mode === "keyword") ranked = keywordHits;
    else ranked = reciprocalRankFusion([vectorHits.map((hit) => hit.id), keywordHits.map((hit) => hit.id)]);
    if (options.rerank && this.reranker) ranked = await this.rerank(query, ranked.slice(0, pool));
    return ranked.slice(0, options.limit).flatMap(({ id, score }) => {
      const chunk = this.chunks.get(id);
      return chunk ? [toHit(chunk, score)] : [];
    });
  }

  documents(): DocumentSummary[] {
    const byId = new Map<string, DocumentSummary>();
    for (const chunk of this.chunks.values()) {
      const current = byId.get(chunk.documentId);
      byId.set(chunk.documentId, {
        documentId: chunk.documentId,
        source: chunk.source,
        title: chunk.title,
        chunks: (current?.chunks ?? 0) + 1,
      });
    }
    return [...byId.values()].sort((a, b) => a.title.localeCompare(b.title));
  }

  /** A document's chunks in order, or undefined if unknown. */
  document(documentId: string): StoredChunk[] | undefined {
    const chunks = [...this.chunks.values()].filter((chunk) => chunk.documentId === documentId);
    return chunks.length ? chunks.sort((a, b) => a.index - b.index) : undefined;
  }

  async close(): Promise<void> {
    await this.store.close();
  }

  private async vectorSearch(query: string, limit: number) {
    const [vector] = await this.embedder.embed([query]);
    const hits = await this.store.search(vector as number[], limit);
    return hits.map((hit) => ({ id: hit.chunk.id, score: hit.score }));
  }

  private async rerank(query: string, ranked: { id: string; score: number }[]) {
    const candidates = ranked.filter((item) => this.chunks.has(item.id));
    const texts = candidates.map((item) => this.chunks.get(item.id)?.text ?? "");
    const order = await (this.reranker as Reranker).rerank(query, texts);
    return order.map(({ index, score }) => ({ id: (candidates[index] as { id: string }).id, score }));
  }

  private remember(chunk: StoredChunk): void {
    this.chunks.set(chunk.id, chunk);
    this.keywords.add(chunk.id, keywordText(chunk));
  }

  private forget(documentId: string): void {
    for (const chunk of [...this.chunks.values()]) {
      if (chunk.documentId !== documentId) continue;
      this.chunks.delete(chunk.id);
      this.keywords.remove(chunk.id);
    }
  }
}

function keywordText(chunk: StoredChunk): string {
  return `${chunk.title}\n${chunk.text}`;
}

function toHit(chunk: StoredChunk, score: number): SearchHit {
  return {
    documentId: chunk.documentId,
    source: chunk.source,
    title: chunk.title,
    heading: chunk.heading,
    chunkIndex: chunk.index,
    chunk: chunk.text,
    score,
  };
}
