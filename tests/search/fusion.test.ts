import { describe, expect, it } from "vitest";
import { fuseRankings } from "../../src/core/search/fusion";

const hits = (...ordinals: number[]) => ordinals.map((ordinal, i) => ({ ordinal, score: 10 - i }));

describe("reciprocal rank fusion", () => {
  it("puts a passage both rankers like above passages only one ranker likes", () => {
    const fused = fuseRankings(hits(1, 2, 3), hits(4, 2, 5), { method: "rrf", vectorWeight: 0.5, rrfK: 60 });
    expect(fused[0].ordinal).toBe(2);
    expect(fused.map((c) => c.ordinal).sort()).toEqual([1, 2, 3, 4, 5]);
  });

  it("records each ranker's score and position", () => {
    const fused = fuseRankings(hits(1, 2), hits(2), { method: "rrf", vectorWeight: 0.5, rrfK: 60 });
    const two = fused.find((c) => c.ordinal === 2)!;
    expect(two).toMatchObject({ keywordRank: 1, keywordScore: 9, vectorRank: 0, vectorScore: 10 });
    expect(fused.find((c) => c.ordinal === 1)!.vectorRank).toBeUndefined();
  });

  it("breaks ties deterministically, keyword first", () => {
    const fused = fuseRankings(hits(7), hits(8), { method: "rrf", vectorWeight: 0.5, rrfK: 60 });
    expect(fused.map((c) => c.ordinal)).toEqual([7, 8]);
  });

  it("lets the weight favour one side", () => {
    const fused = fuseRankings(hits(1, 2), hits(2, 1), { method: "rrf", vectorWeight: 0.2, rrfK: 60 });
    expect(fused[0].ordinal).toBe(1);
  });

  it("handles empty sides", () => {
    expect(fuseRankings([], [], { method: "rrf", vectorWeight: 0.5, rrfK: 60 })).toEqual([]);
    expect(fuseRankings(hits(3, 4), [], { method: "rrf", vectorWeight: 0.5, rrfK: 60 }).map((c) => c.ordinal)).toEqual([3, 4]);
  });
});

describe("relative score fusion", () => {
  it("keeps the size of a clear winner's lead, which rank fusion ignores", () => {
    // Keyword: 1 far ahead of 2; vector: 2 barely ahead of 1.
    const keyword = [{ ordinal: 1, score: 30 }, { ordinal: 2, score: 3 }, { ordinal: 3, score: 2 }];
    const vector = [{ ordinal: 2, score: 0.81 }, { ordinal: 1, score: 0.8 }, { ordinal: 3, score: 0.2 }];
    const byScore = fuseRankings(keyword, vector, { method: "score", vectorWeight: 0.5, rrfK: 60 });
    expect(byScore[0].ordinal).toBe(1);
    const byRank = fuseRankings(keyword, vector, { method: "rrf", vectorWeight: 0.6, rrfK: 60 });
    expect(byRank[0].ordinal).toBe(2);
  });

  it("scores a passage found by one ranker only on that ranker's share", () => {
    const fused = fuseRankings([{ ordinal: 1, score: 5 }], [{ ordinal: 2, score: 0.9 }], { method: "score", vectorWeight: 0.3, rrfK: 60 });
    expect(fused.map((c) => [c.ordinal, Number(c.score.toFixed(2))])).toEqual([
      [1, 0.7],
      [2, 0.3],
    ]);
  });
});
