import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KnowledgeBase } from "../../../services/mcp/src/knowledge/knowledge-base";
import { CORPUS, QUESTIONS } from "./fixtures/corpus";
import { corpusKnowledgeBase, meanReciprocalRank, recallAtK } from "./support/retrieval";

let knowledge: KnowledgeBase;
beforeAll(async () => {
  knowledge = await corpusKnowledgeBase();
});
afterAll(() => knowledge?.close());

describe(`retrieval quality on ${CORPUS.length} documents and ${QUESTIONS.length} questions`, () => {
  it("hybrid recall@5 is at least that of vector-only and keyword-only", async () => {
    const figures = {
      vector: {
        recallAt5: await recallAtK(knowledge, "vector", 5),
        recallAt1: await recallAtK(knowledge, "vector", 1),
        mrr: await meanReciprocalRank(knowledge, "vector"),
      },
      keyword: {
        recallAt5: await recallAtK(knowledge, "keyword", 5),
        recallAt1: await recallAtK(knowledge, "keyword", 1),
        mrr: await meanReciprocalRank(knowledge, "keyword"),
      },
      hybrid: {
        recallAt5: await recallAtK(knowledge, "hybrid", 5),
        recallAt1: await recallAtK(knowledge, "hybrid", 1),
        mrr: await meanReciprocalRank(knowledge, "hybrid"),
      },
    };
    console.log(`retrieval figures (hashing embedder, 256 dimensions): ${JSON.stringify(figures)}`);
    expect(figures.hybrid.recallAt5).toBeGreaterThanOrEqual(figures.vector.recallAt5);
    expect(figures.hybrid.recallAt5).toBeGreaterThanOrEqual(figures.keyword.recallAt5);
    expect(figures.hybrid.recallAt5).toBeGreaterThanOrEqual(0.9);
  });
});
