import { HashingEmbedder } from "../../../../services/mcp/src/knowledge/embeddings";
import { KnowledgeBase, type SearchMode } from "../../../../services/mcp/src/knowledge/knowledge-base";
import { PgliteVectorStore } from "../../../../services/mcp/src/knowledge/pglite-store";
import { CORPUS, QUESTIONS } from "../fixtures/corpus";

/** The corpus ingested into an in-memory PGlite store with the deterministic embedder. */
export async function corpusKnowledgeBase(dimension = 256): Promise<KnowledgeBase> {
  const knowledge = await KnowledgeBase.open(await PgliteVectorStore.open(), new HashingEmbedder(dimension), {
    maxTokens: 64,
    overlapTokens: 8,
  });
  for (const document of CORPUS) {
    const title = /^#\s+(.+)$/m.exec(document.markdown)?.[1] ?? document.source;
    await knowledge.ingest({ source: document.source, title, text: document.markdown });
  }
  return knowledge;
}

/** Share of questions whose expected source is among the top `k` results. */
export async function recallAtK(knowledge: KnowledgeBase, mode: SearchMode, k = 5): Promise<number> {
  let found = 0;
  for (const { question, expected } of QUESTIONS) {
    const hits = await knowledge.search(question, { limit: k, mode });
    if (hits.some((hit) => hit.source === expected)) found++;
  }
  return found / QUESTIONS.length;
}

/** Mean of 1 / rank of the expected source in the top 10 (0 when absent). */
export async function meanReciprocalRank(knowledge: KnowledgeBase, mode: SearchMode): Promise<number> {
  let total = 0;
  for (const { question, expected } of QUESTIONS) {
    const hits = await knowledge.search(question, { limit: 10, mode });
    const rank = hits.findIndex((hit) => hit.source === expected);
    if (rank >= 0) total += 1 / (rank + 1);
  }
  return Math.round((total / QUESTIONS.length) * 1000) / 1000;
}
