import { request } from "undici";

/** Reorders candidate texts for a query; returns indexes into `documents` with scores, best first. */
export interface Reranker {
  rerank(query: string, documents: readonly string[]): Promise<{ index: number; score: number }[]>;
}

/**
 * A rerank model behind the gateway's `/v1/rerank` (the Cohere/Jina shape vLLM and LiteLLM serve):
 * `{model, query, documents}` → `{results: [{index, relevance_score}]}`.
 */
export class GatewayReranker implements Reranker {
  constructor(private readonly options: { baseUrl: string; model: string; apiKey?: string }) {}

  async rerank(query: string, documents: readonly string[]): Promise<{ index: number; score: number }[]> {
    const response = await request(`${this.options.baseUrl.replace(/\/$/, "")}/rerank`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(this.options.apiKey ? { authorization: `Bearer ${this.options.apiKey}` } : {}),
      },
      body: JSON.stringify({ model: this.options.model, query, documents }),
      headersTimeout: 30_000,
    });
    const body = (await response.body.json().catch(() => undefined)) as
      | { results?: { index: number; relevance_score: number }[] }
      | undefined;
    if (response.statusCode !== 200 || !body?.results)
      throw new Error(`rerank request failed with ${response.statusCode}`);
    return body.results
      .filter((result) => result.index >= 0 && result.index < documents.length)
      .map((result) => ({ index: result.index, score: result.relevance_score }))
      .sort((a, b) => b.score - a.score);
  }
}
