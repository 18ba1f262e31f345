// Fusing the keyword and the vector ranking into one. Two methods, both measured by `npm run eval`:
//  - reciprocal rank fusion (RRF): ignores score scales entirely, so it is robust to any BM25 or
//    cosine distribution, but it throws away how far ahead a clear winner is;
//  - relative score fusion: each ranker's scores are normalized over its own candidates and combined
//    with a weight, which keeps the size of the gaps. BM25 is divided by its maximum (0 is its
//    natural floor: min-max would score the weakest real match like a non-match, which in a short
//    list is a real passage); cosine is min-max normalized, because its floor depends on the model.
import type { ScoredChunk } from "./searchable";

export type FusionMethod = "rrf" | "score";

export interface FusionOptions {
  method: FusionMethod;
  /** Share of the vector side, 0..1 (keyword gets the rest). */
  vectorWeight: number;
  /** RRF's rank offset; 60 is the value from Cormack et al. (2009) that most systems keep. */
  rrfK: number;
}

export interface FusedCandidate {
  ordinal: number;
  score: number;
  keywordScore?: number;
  vectorScore?: number;
  /** 0-based position in each ranker's list, when the candidate was in it. */
  keywordRank?: number;
  vectorRank?: number;
}

export const DEFAULT_FUSION: FusionOptions = { method: "score", vectorWeight: 0.3, rrfK: 60 };

function maxNormalizer(list: ScoredChunk[]): (score: number) => number {
  let max = 0;
  for (const c of list) if (c.score > max) max = c.score;
  return max > 0 ? (s) => Math.max(0, s) / max : () => 1;
}

function minMaxNormalizer(list: ScoredChunk[]): (score: number) => number {
  let min = Infinity;
  let max = -Infinity;
  for (const c of list) {
    if (c.score < min) min = c.score;
    if (c.score > max) max = c.score;
  }
  const span = max - min;
  // One candidate, or all tied: each is as good as the best.
  if (!(span > 1e-12)) return () => 1;
  return (s) => (s - min) / span;
}

/** Fuses two ranked lists (best first) into one, best first. Ties keep the keyword order, then the
 *  vector order, so the result is deterministic. */
export function fuseRankings(keyword: ScoredChunk[], vector: ScoredChunk[], options: FusionOptions = DEFAULT_FUSION): FusedCandidate[] {
  const byOrdinal = new Map<number, FusedCandidate>();
  const get = (ordinal: number): FusedCandidate => {
    let c = byOrdinal.get(ordinal);
    if (!c) {
      c = { ordinal, score: 0 };
      byOrdinal.set(ordinal, c);
    }
    return c;
  };
  const wv = Math.min(1, Math.max(0, options.vectorWeight));
  const wk = 1 - wv;
  const normK = maxNormalizer(keyword);
  const normV = minMaxNormalizer(vector);

  keyword.forEach((hit, rank) => {
    const c = get(hit.ordinal);
    if (c.keywordRank !== undefined) return; // a store should not repeat a chunk; keep its best place
    c.keywordRank = rank;
    c.keywordScore = hit.score;
    c.score += options.method === "rrf" ? wk / (options.rrfK + rank + 1) : wk * normK(hit.score);
  });
  vector.forEach((hit, rank) => {
    const c = get(hit.ordinal);
    if (c.vectorRank !== undefined) return;
    c.vectorRank = rank;
    c.vectorScore = hit.score;
    c.score += options.method === "rrf" ? wv / (options.rrfK + rank + 1) : wv * normV(hit.score);
  });

  const order = (c: FusedCandidate): number => Math.min(c.keywordRank ?? Infinity, (c.vectorRank ?? Infinity) + 0.5);
  return [...byOrdinal.values()].sort((a, b) => b.score - a.score || order(a) - order(b));
}
