/**
 * The one store interface behind both the embedded store (PGlite) and Milvus. Chunks carry their
 * document's source and title so search results need no second lookup.
 */
export interface StoredChunk {
  /** `<documentId>#<index>`. */
  readonly id: string;
  readonly documentId: string;
  /** Where the document came from (a URL or path), as given at ingest. */
  readonly source: string;
  readonly title: string;
  readonly heading: string;
  readonly index: number;
  readonly text: string;
}

export interface VectorStore {
  /** Creates the table or collection (and its index) if missing. */
  init(dimension: number): Promise<void>;
  /** Replaces every chunk of the documents present in `chunks`. */
  replaceDocument(documentId: string, chunks: readonly (StoredChunk & { vector: number[] })[]): Promise<void>;
  deleteDocument(documentId: string): Promise<void>;
  /** Nearest chunks by cosine similarity, best first; `score` in [-1, 1]. */
  search(vector: readonly number[], limit: number): Promise<{ chunk: StoredChunk; score: number }[]>;
  /** Every chunk, for the keyword index and the resource listing. */
  allChunks(): Promise<StoredChunk[]>;
  close(): Promise<void>;
}

export function chunkId(documentId: string, index: number): string {
  return `${documentId}#${index}`;
}
