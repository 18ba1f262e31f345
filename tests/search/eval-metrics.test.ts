import { describe, expect, it } from "vitest";
import { citesPage, citesTime, firstPageHit, firstTimeHit, parseSeconds, rankMetrics } from "../../src/core/search/eval-metrics";
import type { Chunk, Passage } from "../../src/core/types";

const passage = (chunk: Partial<Chunk> & { path: string }, rank: number): Passage => ({
  chunk: { id: `${chunk.path}#${rank}`, kind: "pdf", text: "", ...chunk },
  score: 1 / rank,
  rank,
});

describe("evaluation metrics", () => {
  it("counts a page hit only for the question's file and pages", () => {
    const ps = [passage({ path: "b.pdf", page: 4 }, 1), passage({ path: "a.pdf", page: 3 }, 2), passage({ path: "a.pdf", page: 4 }, 3)];
    expect(firstPageHit(ps, { id: "q", file: "a.pdf", question: "", pages: [4, 7] })).toBe(2);
    expect(firstPageHit(ps, { id: "q", file: "a.pdf", question: "", pages: [9] })).toBe(-1);
  });

  it("counts a time hit when the passage starts within the tolerance", () => {
    const ps = [passage({ path: "v.md", kind: "transcript", start: 100 }, 1), passage({ path: "v.md", kind: "transcript", start: 300 }, 2)];
    expect(firstTimeHit(ps, { id: "t", file: "v.md", question: "", time: 355 })).toBe(1);
    expect(firstTimeHit(ps, { id: "t", file: "v.md", question: "", time: 200 })).toBe(-1);
  });

  it("aggregates hit@1, hit@5 and MRR", () => {
    expect(rankMetrics([0, 1, 4, 5, -1])).toEqual({ questions: 5, hitAt1: 0.2, hitAt5: 0.6, mrr: (1 + 1 / 2 + 1 / 5 + 1 / 6) / 5 });
    expect(rankMetrics([])).toEqual({ questions: 0, hitAt1: 0, hitAt5: 0, mrr: 0 });
  });

  it("reads times as seconds or clock strings", () => {
    expect(parseSeconds(163)).toBe(163);
    expect(parseSeconds("163")).toBe(163);
    expect(parseSeconds("02:43")).toBe(163);
    expect(parseSeconds("00:02:43")).toBe(163);
    expect(parseSeconds("soon")).toBeNaN();
  });

  it("credits an answer when any of its citations leads to an expected page of the question's file", () => {
    const q = { id: "q", file: "a.pdf", question: "?", pages: [4, 5] };
    expect(citesPage([{ path: "b.pdf", page: 4 }, { path: "a.pdf", page: 5 }], q)).toBe(true);
    expect(citesPage([{ path: "b.pdf", page: 4 }, { path: "a.pdf", page: 6 }], q)).toBe(false);
    expect(citesPage([{ path: "a.pdf" }], q)).toBe(false);
    expect(citesPage([], q)).toBe(false);
  });

  it("credits a transcript citation within the tolerance of the answer's second", () => {
    const q = { id: "t", file: "v.md", question: "?", time: 100 };
    expect(citesTime([{ path: "v.md", start: 40 }], q)).toBe(true);
    expect(citesTime([{ path: "v.md", start: 39 }], q)).toBe(false);
    expect(citesTime([{ path: "w.md", start: 100 }], q)).toBe(false);
    expect(citesTime([{ path: "v.md", start: 95 }], q, 2)).toBe(false);
  });
});
