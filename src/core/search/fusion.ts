// Fusing the keyword and the vector ranking into one. Two methods, both measured by `npm run eval`:
//  - reciprocal rank fusion (RRF): ignores score scales entirely, so it is robust to any BM25 or
//    cosine distribution, but it throws away how far ahead a clear winner is;
//  - relative score fusion: each ranker's scores are normalized and combined with a weight, which
//    keeps the size of the gaps. BM25 is divided by its maximum (0 is its natural floor: min-max
//    would score the weakest real match like a non-match, which in a short list is a real passage);
//    cosine is min-max normalized, because its floor depends on the model.
//
// Score completion (an option, off by default — it changed no ranking on our question sets and its
// keyword half costs a second keyword search per query): each ranker only returns its own top
// candidates, so a passage one ranker found gets nothing from the other (its missing score counted as 0), and each side was normalized
// over a different set. With a completion, every candidate of either pool gets its exact score from
// both rankers (the store computes them for just these chunks) and both sides are normalized over
// the union. BM25's maximum is the keyword pool's best either way, so a passage only the vector
// ranker found now gets its true share of the keyword side. Where the cosine's zero sits is a
// choice, measured by `npm run eval` (fusion variants):
//  - "cutoff" (default): at the lowest cosine the vector ranker returned. Every passage it did not
//    return scored below that, so a keyword-only passage still gets no vector share; its cosine is
//    known (and reported) but counted only above the cut-off.
//  - "union": at the lowest cosine of the union, which lifts keyword-only passages by how close they
//    come. With the static GloVe model this lost a qa-dev page (1.000 → 0.955 page@5) and a
//    transcript question: averaged word vectors give tables and reference lists outlying low cosines
//    (0.81 against 0.87–0.93 for prose), so the union's floor is set by them, answers in tables sink,
//    and the prose candidates are squeezed into the top of the range. Not better with MiniLM either.
import type { ScoredChunk } from "./searchable";

export type FusionMethod = "rrf" | "score";

export interface FusionOptions {
  method: FusionMethod;
  /** Share of the vector side, 0..1 (keyword gets the rest). */
  vectorWeight: number;
  /** RRF's rank offset; 60 is the value from Cormack et al. (2009) that most systems keep. */
  rrfK: number;
  /** Complete each candidate's missing ranker score before fusing. Off by default: with the
   *  cut-off floor it changed no ranking on any of our question sets (GloVe and MiniLM), and the
   *  keyword half costs a second full keyword search per query (~35 ms at 100k chunks). */
  completeScores?: boolean;
  /** Where a completed cosine's zero sits: the vector ranker's cut-off or the union's lowest
   *  (see the top of the file). */
  vectorFloor?: "cutoff" | "union";
}

/** The other ranker's exact score for candidates a ranker did not return, in the given order. */
export interface ScoreCompletion {
  keyword(ordinals: number[]): ArrayLike<number>;
  /** null when there are no vectors to score against. */
  vector(ordinals: number[]): ArrayLike<number> | null;
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

export const DEFAULT_FUSION: FusionOptions = { method: "score", vectorWeight: 0.3, rrfK: 60, completeScores: false, vectorFloor: "cutoff" };

function maxNormalizer(scores: number[]): (score: number) => number {
  let max = 0;
  for (const s of scores) if (s > max) max = s;
  return max > 0 ? (s) => Math.max(0, s) / max : () => 1;
}

function minMaxNormalizer(scores: number[]): (score: number) => number {
  let min = Infinity;
  let max = -Infinity;
  for (const s of scores) {
    if (s < min) min = s;
    if (s > max) max = s;
  }
  const span = max - min;
  // One candidate, or all tied: each is as good as the best.
  if (!(span > 1e-12)) return () => 1;
  return (s) => (s - min) / span;
}

/** The union of both lists, each chunk once at its best place in each list, keyword order first. */
function union(keyword: ScoredChunk[], vector: ScoredChunk[]): FusedCandidate[] {
  const byOrdinal = new Map<number, FusedCandidate>();
  const get = (ordinal: number): FusedCandidate => {
    let c = byOrdinal.get(ordinal);
    if (!c) {
      c = { ordinal, score: 0 };
      byOrdinal.set(ordinal, c);
    }
    return c;
  };
  keyword.forEach((hit, rank) => {
    const c = get(hit.ordinal);
    if (c.keywordRank !== undefined) return; // a store should not repeat a chunk; keep its best place
    c.keywordRank = rank;
    c.keywordScore = hit.score;
  });
  vector.forEach((hit, rank) => {
    const c = get(hit.ordinal);
    if (c.vectorRank !== undefined) return;
    c.vectorRank = rank;
    c.vectorScore = hit.score;
  });
  return [...byOrdinal.values()];
}

/** Fills in the scores a ranker did not return. Returns false for a side that cannot be completed. */
function complete(candidates: FusedCandidate[], completion: ScoreCompletion): { keyword: boolean; vector: boolean } {
  const missingK = candidates.filter((c) => c.keywordScore === undefined);
  const missingV = candidates.filter((c) => c.vectorScore === undefined);
  const done = { keyword: true, vector: true };
  if (missingK.length > 0) {
    const scores = completion.keyword(missingK.map((c) => c.ordinal));
    missingK.forEach((c, i) => (c.keywordScore = scores[i] ?? 0));
  }
  if (missingV.length > 0) {
    const scores = completion.vector(missingV.map((c) => c.ordinal));
    if (scores) missingV.forEach((c, i) => (c.vectorScore = scores[i]));
    else done.vector = false;
  }
  return done;
}

/** 0-based rank of each candidate by a score, best first; candidates without one get none. Ties
 *  keep the candidates' order. */
function ranksBy(candidates: FusedCandidate[], score: (c: FusedCandidate) => number | undefined): Map<FusedCandidate, number> {
  const scored = candidates.filter((c) => score(c) !== undefined);
  scored.sort((a, b) => (score(b) as number) - (score(a) as number));
  return new Map(scored.map((c, i) => [c, i]));
}

/** Fuses two ranked lists (best first) into one, best first. With a completion, every candidate
 *  gets both scores and both are normalized over the union (see the top of the file); without one,
 *  a ranker that did not return a candidate contributes nothing to it. Ties keep the keyword order,
 *  then the vector order, so the result is deterministic. */
export function fuseRankings(
  keyword: ScoredChunk[],
  vector: ScoredChunk[],
  options: FusionOptions = DEFAULT_FUSION,
  completion?: ScoreCompletion,
): FusedCandidate[] {
  const candidates = union(keyword, vector);
  const wv = Math.min(1, Math.max(0, options.vectorWeight));
  const wk = 1 - wv;
  // A side is only completed when the other side ran: completing keyword scores for a vector-only
  // search (no keyword hits at all) would add nothing but zeros.
  const completed = completion && keyword.length > 0 && vector.length > 0 ? complete(candidates, completion) : { keyword: false, vector: false };

  if (options.method === "rrf") {
    // Completed sides are ranked over the union; the others keep their list positions.
    const rankK = completed.keyword ? ranksBy(candidates, (c) => c.keywordScore) : null;
    const rankV = completed.vector ? ranksBy(candidates, (c) => c.vectorScore) : null;
    for (const c of candidates) {
      const rk = rankK ? rankK.get(c) : c.keywordRank;
      const rv = rankV ? rankV.get(c) : c.vectorRank;
      c.score = (rk === undefined ? 0 : wk / (options.rrfK + rk + 1)) + (rv === undefined ? 0 : wv / (options.rrfK + rv + 1));
    }
  } else {
    // Uncompleted, a candidate has a score only from the ranker that returned it, so each side is
    // normalized over its own list; completed, over the union.
    const scoresOf = (pick: (c: FusedCandidate) => number | undefined): number[] => {
      const out: number[] = [];
      for (const c of candidates) {
        const s = pick(c);
        if (s !== undefined) out.push(s);
      }
      return out;
    };
    const normK = maxNormalizer(scoresOf((c) => c.keywordScore));
    const cosines = scoresOf((c) => c.vectorScore);
    let normV = minMaxNormalizer(cosines);
    if (completed.vector && options.vectorFloor !== "union") {
      let cutoff = Infinity;
      for (const h of vector) cutoff = Math.min(cutoff, h.score);
      const aboveCutoff = minMaxNormalizer([cutoff, ...cosines.filter((x) => x > cutoff)]);
      normV = (x) => (x < cutoff ? 0 : aboveCutoff(x));
    }
    for (const c of candidates) {
      c.score = (c.keywordScore === undefined ? 0 : wk * normK(c.keywordScore)) + (c.vectorScore === undefined ? 0 : wv * normV(c.vectorScore));
    }
  }

  const order = (c: FusedCandidate): number => Math.min(c.keywordRank ?? Infinity, (c.vectorRank ?? Infinity) + 0.5);
  return candidates.sort((a, b) => b.score - a.score || order(a) - order(b));
}
