import { searchTerms } from "./tokens";

/** Okapi BM25 over chunk texts, in memory; rebuilt from the store at start, updated on ingest. */
export class Bm25Index {
  private readonly documents = new Map<string, Map<string, number>>();
  private readonly lengths = new Map<string, number>();
  private readonly documentFrequency = new Map<string, number>();
  private totalLength = 0;

  constructor(
    private readonly k1 = 1.2,
    private readonly b = 0.75,
  ) {}

  get size(): number {
    return this.documents.size;
  }

  add(id: string, text: string): void {
    this.remove(id);
    const frequencies = new Map<string, number>();
    const terms = searchTerms(text);
    for (const term of terms) frequencies.set(term, (frequencies.get(term) ?? 0) + 1);
    for (const term of frequencies.keys())
      this.documentFrequency.set(term, (this.documentFrequency.get(term) ?? 0) + 1);
    this.documents.set(id, frequencies);
    this.lengths.set(id, terms.length);
    this.totalLength += terms.length;
  }

  remove(id: string): void {
    const frequencies = this.documents.get(id);
    if (!frequencies) return;
    for (const term of frequencies.keys()) {
      const count = (this.documentFrequency.get(term) ?? 1) - 1;
      if (count === 0) this.documentFrequency.delete(term);
      else this.documentFrequency.set(term, count);
    }
    this.totalLength -= this.lengths.get(id) ?? 0;
    this.documents.delete(id);
    this.lengths.delete(id);
  }

  search(query: string, limit: number): { id: string; score: number }[] {
    const terms = [...new Set(searchTerms(query))];
    const count = this.documents.size;
    if (count === 0 || terms.length === 0) return [];
    const averageLength = this.totalLength / count || 1;
    const scores: { id: string; score: number }[] = [];
    for (const [id, frequencies] of this.documents) {
      let score = 0;
      const length = this.lengths.get(id) ?? 0;
      for (const term of terms) {
        const frequency = frequencies.get(term);
        if (!frequency) continue;
        const df = this.documentFrequency.get(term) ?? 0;
        const idf = Math.log(1 + (count - df + 0.5) / (df + 0.5));
        score +=
          (idf * frequency * (this.k1 + 1)) /
          (frequency + this.k1 * (1 - this.b + (this.b * length) / averageLength));
      }
      if (score > 0) scores.push({ id, score });
    }
    return scores.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1)).slice(0, limit);
  }
}
