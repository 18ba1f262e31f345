// Score completion in hybrid fusion: a passage found by only one ranker gets its exact score from
// the other, instead of counting as a non-match there.
import { describe, expect, it } from "vitest";
import { fuseRankings, type FusionOptions, type ScoreCompletion } from "../../src/core/search/fusion";
import { Retriever } from "../../src/core/search/retriever";
import type { ScoredChunk, SearchableIndex } from "../../src/core/search/searchable";
import type { Chunk } from "../../src/core/types";
import { FakeEmbedder } from "./helpers/fake-embedder";
import { chunk } from "./helpers/memory-index";

/** A store whose chunks have a fixed BM25 score and cosine whatever the query, so a test can place
 *  each passage exactly inside or outside each ranker's pool. Its per-chunk scores agree with its
 *  searches, as a real store's must. */
class ScriptedIndex implements SearchableIndex {
  readonly modelId = new FakeEmbedder().id;
  keywordScoreCalls: number[][] = [];
  vectorScoreCalls: number[][] = [];

  constructor(private readonly rows: { chunk: Chunk; bm25: number; cosine: number }[]) {}

  get chunkCount(): number {
    return this.rows.length;
  }
  getChunk(ordinal: number): Chunk {
    return this.rows[ordinal].chunk;
  }
  getFileTags(): string[] {
    return [];
  }
  private top(score: (o: number) => number, k: number, matchesOnly: boolean): ScoredChunk[] {
    return this.rows
      .map((_, ordinal) => ({ ordinal, score: score(ordinal) }))
      .filter((h) => !matchesOnly || h.score > 0)
      .sort((a, b) => b.score - a.score)
      .slice(0, k);
  }
  keywordSearch(_query: string, k: number): ScoredChunk[] {
    return this.top((o) => this.rows[o].bm25, k, true);
  }
  vectorSearch(_query: Float32Array, k: number): ScoredChunk[] {
    return this.top((o) => this.rows[o].cosine, k, false);
  }
  keywordScores(_query: string, ordinals: readonly number[]): number[] {
    this.keywordScoreCalls.push([...ordinals]);
    return ordinals.map((o) => this.rows[o].bm25);
  }
  vectorScores(_query: Float32Array, ordinals: readonly number[]): number[] {
    this.vectorScoreCalls.push([...ordinals]);
    return ordinals.map((o) => this.rows[o].cosine);
  }
}

const row = (name: string, bm25: number, cosine: number) => ({ chunk: chunk(`vault/${name}.md`, 0, `Passage ${name}.`), bm25, cosine });
/** k = 10 makes each ranker's pool 40 passages (the retriever takes at least 4 × k). */
const K = 10;
const POOL = 4 * K;
const names = (passages: { chunk: Chunk }[]) => passages.map((p) => p.chunk.path.replace(/^vault\/|\.md$/gu, ""));

async function search(rows: ReturnType<typeof row>[], fusion: Partial<FusionOptions> = {}) {
  const index = new ScriptedIndex(rows);
  const retriever = new Retriever(index, new FakeEmbedder(), { fusion: { completeScores: true, ...fusion }, candidates: POOL });
  return { index, result: await retriever.search("which passage is best", { k: K }) };
}

describe("score completion in the retriever", () => {
  // Keyword fillers fill the keyword pool with BM25 100..61; "answer" has BM25 60, one place too
  // low to be in it, but the vector ranker finds it, just behind a near-duplicate that has none of
  // the query's words ("echo"). Vector fillers fill the rest of the vector pool.
  const vectorSide = [
    ...Array.from({ length: POOL }, (_, i) => row(`keyword-filler-${i}`, 100 - i, 0.1)),
    row("answer", 60, 0.8),
    row("echo", 0, 0.81),
    ...Array.from({ length: POOL }, (_, i) => row(`vector-filler-${i}`, 0, 0.5 - i * 0.001)),
  ];

  it("gives a passage only the vector pool found its BM25 score, so it outranks a vector-only near-duplicate without the words", async () => {
    const { index, result } = await search(vectorSide);
    const answer = result.passages.find((p) => names([p])[0] === "answer");
    expect(names(result.passages)[0]).toBe("answer");
    expect(names(result.passages)).not.toContain("echo");
    expect(answer?.keywordScore).toBe(60);
    expect(answer?.vectorScore).toBe(0.8);
    // Only the candidates a ranker did not return are looked up, once per search.
    expect(index.keywordScoreCalls).toHaveLength(1);
    expect(index.keywordScoreCalls[0]).toHaveLength(POOL);
  });

  it("without completion, scores that passage on its cosine alone, below every keyword filler", async () => {
    const { result } = await search(vectorSide, { completeScores: false });
    expect(names(result.passages)).not.toContain("answer");
    expect(names(result.passages).every((n) => n.startsWith("keyword-filler-"))).toBe(true);
  });

  // The reverse: "answer" and "echo" top the keyword list with the same BM25 ("echo" first), but the
  // vector pool is full of passages closer to the query, so neither is in it. "answer" is the
  // closer of the two.
  const keywordSide = [
    row("echo", 50, 0.2),
    row("answer", 50, 0.55),
    ...Array.from({ length: POOL }, (_, i) => row(`keyword-filler-${i}`, 40 - i * 0.5, 0.3)),
    ...Array.from({ length: POOL }, (_, i) => row(`vector-filler-${i}`, 0, 0.9 - i * 0.005)),
  ];

  it("gives a passage only the keyword pool found its cosine, which lifts it over a keyword-only near-duplicate when the cosine's zero is the union's lowest", async () => {
    const { result } = await search(keywordSide, { vectorFloor: "union" });
    const top = names(result.passages);
    expect(top.indexOf("answer")).toBe(0);
    expect(top.indexOf("echo")).toBe(1);
    expect(result.passages[0].vectorScore).toBe(0.55);
  });

  it("reports that cosine but, with the default floor, counts it only above the vector ranker's cut-off, which both passages are below", async () => {
    const { index, result } = await search(keywordSide);
    const top = names(result.passages);
    expect(top.slice(0, 2)).toEqual(["echo", "answer"]);
    expect(result.passages[1].vectorScore).toBe(0.55);
    expect(index.vectorScoreCalls[0]).toHaveLength(POOL);
  });

  it("is off unless asked for, and never used outside hybrid mode", async () => {
    const plain = new ScriptedIndex(vectorSide);
    await new Retriever(plain, new FakeEmbedder(), { candidates: POOL }).search("which passage", { k: K });
    expect(plain.keywordScoreCalls).toEqual([]);
    expect(plain.vectorScoreCalls).toEqual([]);
    for (const mode of ["keyword", "vector"] as const) {
      const index = new ScriptedIndex(vectorSide);
      const r = await new Retriever(index, new FakeEmbedder(), { candidates: POOL, fusion: { completeScores: true } }).search("which passage", { k: K, mode });
      expect(r.passages.length).toBe(K);
      expect(index.keywordScoreCalls).toEqual([]);
      expect(index.vectorScoreCalls).toEqual([]);
    }
  });
});

describe("score completion in fusion", () => {
  const score: FusionOptions = { method: "score", vectorWeight: 0.5, rrfK: 60 };
  const tables = (bm25: Record<number, number>, cosine: Record<number, number>): ScoreCompletion => ({
    keyword: (ordinals) => ordinals.map((o) => bm25[o] ?? 0),
    vector: (ordinals) => ordinals.map((o) => cosine[o]),
  });

  it("normalizes both sides over the union: BM25 by the best, cosine from the cut-off (or the union's lowest) to the best", () => {
    const keyword = [{ ordinal: 1, score: 10 }, { ordinal: 2, score: 5 }];
    const vector = [{ ordinal: 3, score: 0.9 }, { ordinal: 2, score: 0.7 }];
    const completion = tables({ 3: 2.5 }, { 1: 0.5 });
    const byCutoff = fuseRankings(keyword, vector, score, completion);
    expect(Object.fromEntries(byCutoff.map((c) => [c.ordinal, Number(c.score.toFixed(3))]))).toEqual({ 1: 0.5, 2: 0.25, 3: 0.625 });
    const byUnion = fuseRankings(keyword, vector, { ...score, vectorFloor: "union" }, completion);
    expect(Object.fromEntries(byUnion.map((c) => [c.ordinal, Number(c.score.toFixed(3))]))).toEqual({ 1: 0.5, 2: 0.5, 3: 0.625 });
    expect(byUnion.find((c) => c.ordinal === 1)).toMatchObject({ keywordScore: 10, vectorScore: 0.5, keywordRank: 0 });
    expect(byUnion.find((c) => c.ordinal === 1)?.vectorRank).toBeUndefined();
  });

  it("ranks completed sides over the union in rank fusion", () => {
    // 3 is second by keywords once its BM25 is known, ahead of 2.
    const fused = fuseRankings([{ ordinal: 1, score: 10 }, { ordinal: 2, score: 1 }], [{ ordinal: 3, score: 0.9 }], { ...score, method: "rrf" }, tables({ 3: 5 }, { 1: 0.1, 2: 0.2 }));
    expect(fused.map((c) => c.ordinal)).toEqual([3, 1, 2]);
  });

  it("leaves the vector side as it was when the store has no vectors to score", () => {
    const fused = fuseRankings([{ ordinal: 1, score: 4 }], [{ ordinal: 2, score: 0.9 }], score, { keyword: () => [2], vector: () => null });
    // 2 gets its BM25 (half the best) on top of its cosine; 1 keeps no vector share.
    expect(fused.map((c) => [c.ordinal, c.score])).toEqual([
      [2, 0.75],
      [1, 0.5],
    ]);
  });
});
