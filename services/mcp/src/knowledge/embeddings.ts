import { createHash } from "node:crypto";
import { request } from "undici";
import { searchTerms, tokenize } from "./tokens";

/** Turns texts into vectors of a fixed dimension; the store and search depend on this only. */
export interface Embedder {
  readonly dimension: number;
  embed(texts: readonly string[]): Promise<number[][]>;
}

export interface GatewayEmbedderOptions {
  /** The LLM gateway's OpenAI-compatible base URL, e.g. `http://llm-gateway.ai.svc/v1`. */
  readonly baseUrl: string;
  readonly model: string;
  readonly dimension: number;
  /** The MCP server's own key for the gateway; never a caller's token. */
  readonly apiKey?: string;
  /** Inputs per request. Default 64. */
  readonly batchSize?: number;
}

/** Embeddings through the gateway's `/v1/embeddings` (OpenAI wire format). */
export class GatewayEmbedder implements Embedder {
  readonly dimension: number;

  constructor(private readonly options: GatewayEmbedderOptions) {
    this.dimension = options.dimension;
  }

  async embed(texts: readonly string[]): Promise<number[][]> {
    const batchSize = this.options.batchSize ?? 64;
    const vectors: number[][] = [];
    for (let start = 0; start < texts.length; start += batchSize) {
      vectors.push(...(await this.embedBatch(texts.slice(start, start + batchSize))));
    }
    return vectors;
  }

  private async embedBatch(input: readonly string[]): Promise<number[][]> {
    const url = `${this.options.baseUrl.replace(/\/$/, "")}/embeddings`;
    const response = await request(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(this.options.apiKey ? { authorization: `Bearer ${this.options.apiKey}` } : {}),
      },
      body: JSON.stringify({ model: this.options.model, input, encoding_format: "float" }),
      headersTimeout: 30_000,
      bodyTimeout: 60_000,
    });
    const body = (await response.body.json().catch(() => undefined)) as
      | { data?: { index: number; embedding: number[] }[]; error?: { message?: string } }
      | undefined;
    if (response.statusCode !== 200 || !body?.data) {
      throw new Error(
        `embeddings request failed with ${response.statusCode}: ${body?.error?.message ?? "no data"}`,
      );
    }
    const vectors = [...body.data].sort((a, b) => a.index - b.index).map((item) => item.embedding);
    if (vectors.length !== input.length)
      throw new Error(`embeddings returned ${vectors.length} vectors for ${input.length} inputs`);
    for (const vector of vectors) {
      if (vector.length !== this.dimension) {
        throw new Error(
          `embedding model ${this.options.model} returned ${vector.length} dimensions, configured ${this.dimension}`,
        );
      }
    }
    return vectors;
  }
}

/**
 * Deterministic embeddings without a model: stemmed words and character trigrams hashed into
 * `dimension` buckets with a sign, L2-normalised. Captures spelling overlap, not meaning; for
 * local runs and tests, behind the same interface as the gateway.
 */
export class HashingEmbedder implements Embedder {
  constructor(readonly dimension: number) {}

  async embed(texts: readonly string[]): Promise<number[][]> {
    return texts.map((text) => this.embedOne(text));
  }

  private embedOne(text: string): number[] {
    const vector = new Array<number>(this.dimension).fill(0);
    const add = (feature: string, weight: number) => {
      const digest = createHash("md5").update(feature).digest();
      const bucket = digest.readUInt32LE(0) % this.dimension;
      vector[bucket] = (vector[bucket] ?? 0) + (digest[4] && digest[4] & 1 ? weight : -weight);
    };
    for (const term of searchTerms(text)) add(`w:${term}`, 1);
    for (const word of tokenize(text)) {
      const padded = `^${word}$`;
      for (let i = 0; i + 3 <= padded.length; i++) add(`t:${padded.slice(i, i + 3)}`, 0.5);
    }
    const norm = Math.hypot(...vector) || 1;
    return vector.map((value) => value / norm);
  }
}
