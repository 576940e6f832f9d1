/**
 * Reciprocal rank fusion: each ranking adds 1 / (k + rank) to an item's score (rank from 1). `k = 60`
 * is the constant of the original paper (Cormack et al., 2009); it damps the weight of the top ranks.
 */
export function reciprocalRankFusion(
  rankings: readonly (readonly string[])[],
  k = 60,
): { id: string; score: number }[] {
  const scores = new Map<string, number>();
  for (const ranking of rankings) {
    for (const [position, id] of ranking.entries())
      scores.set(id, (scores.get(id) ?? 0) + 1 / (k + position + 1));
  }
  return [...scores]
    .map(([id, score]) => ({ id, score }))
    .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));
}
