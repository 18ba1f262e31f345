import { describe, expect, it } from "vitest";
import { diversify, placeKey } from "../../src/core/search/diversity";
import type { Chunk } from "../../src/core/types";

const pdf = (path: string, page: number, n: number): Chunk => ({ id: `${path}#${n}`, path, kind: "pdf", page, text: `${path} page ${page} passage ${n}` });

describe("diversify", () => {
  it("caps passages per file, then refills in rank order when nothing else is left", () => {
    const ranked = [pdf("a.pdf", 1, 0), pdf("a.pdf", 2, 1), pdf("a.pdf", 3, 2), pdf("a.pdf", 4, 3), pdf("b.pdf", 1, 0)];
    const picked = diversify(ranked, 3, (c) => c, { maxPerPlace: 1, maxPerFile: 2 });
    expect(picked.map((c) => c.id)).toEqual(["a.pdf#0", "a.pdf#1", "b.pdf#0"]);
    const all = diversify(ranked, 5, (c) => c, { maxPerPlace: 1, maxPerFile: 2 });
    expect(all.map((c) => c.id)).toEqual(ranked.map((c) => c.id));
  });

  it("treats each transcript timestamp and each note section as one place", () => {
    const t = (n: number, start: number): Chunk => ({ id: `v.md#${n}`, path: "v.md", kind: "transcript", start, text: `at ${start}` });
    expect(placeKey(t(0, 0))).not.toBe(placeKey(t(1, 30)));
    expect(placeKey(t(0, 30))).toBe(placeKey(t(1, 30)));
    const md = (n: number, headings: string[]): Chunk => ({ id: `n.md#${n}`, path: "n.md", kind: "markdown", headings, text: `x${n}` });
    expect(placeKey(md(0, ["A"]))).toBe(placeKey(md(1, ["A"])));
    expect(placeKey(md(0, ["A"]))).not.toBe(placeKey(md(1, ["A", "B"])));
  });
});
