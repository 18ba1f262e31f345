import { describe, expect, it } from "vitest";
import { decodeContainer, encodeContainer } from "../../src/core/index/binary-container";
import { processTerm, tokenize } from "../../src/core/index/keyword-tokenizer";
import { matchesPattern, inScope } from "../../src/core/index/path-patterns";
import { quantize } from "../../src/core/index/quantize";
import { TopK } from "../../src/core/index/top-k";
import { VectorMatrix } from "../../src/core/index/vector-matrix";
import { simdModule } from "../../src/core/index/simd-dot";

function randomUnit(dims: number, seed: number): Float32Array {
  let s = seed;
  const v = new Float32Array(dims);
  let n = 0;
  for (let i = 0; i < dims; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    v[i] = s / 2 ** 32 - 0.5;
    n += v[i] * v[i];
  }
  for (let i = 0; i < dims; i++) v[i] /= Math.sqrt(n);
  return v;
}

function exactTop(rows: Float32Array[], q: Float32Array, k: number): number[] {
  return rows
    .map((r, i) => ({ i, s: r.reduce((acc, x, d) => acc + x * q[d], 0) }))
    .sort((a, b) => b.s - a.s)
    .slice(0, k)
    .map((x) => x.i);
}

describe("int8 vectors", () => {
  it("quantize with a per-vector scale, within 1 % of the original", () => {
    const v = randomUnit(384, 3);
    const { codes, scale } = quantize(v);
    expect(Math.max(...Array.from(codes, Math.abs))).toBe(127);
    for (let i = 0; i < 384; i++) expect(Math.abs(codes[i] * scale - v[i])).toBeLessThanOrEqual(scale / 2 + 1e-7);
    expect(quantize(new Float32Array(8)).scale).toBe(0);
  });

  it("search finds the same neighbours as exact float search, on the SIMD kernel and in JavaScript", () => {
    expect(simdModule()).not.toBeNull(); // Node 20 has WebAssembly SIMD; the kernel must validate.
    const rows = Array.from({ length: 2000 }, (_, i) => randomUnit(384, i + 1));
    const simd = new VectorMatrix(384);
    const js = new VectorMatrix(384, undefined, false);
    expect(simd.simd).toBe(true);
    expect(js.simd).toBe(false);
    for (const r of rows) {
      simd.append(r);
      js.append(r);
    }
    for (let qi = 0; qi < 10; qi++) {
      const q = randomUnit(384, 10_000 + qi);
      const a = simd.search(q, 10);
      const b = js.search(q, 10);
      expect(a).toEqual(b);
      const truth = exactTop(rows, q, 10);
      expect(a.filter((h) => truth.includes(h.row)).length).toBeGreaterThanOrEqual(9);
    }
    // A stored vector is its own nearest neighbour, with cosine ≈ 1.
    const self = simd.search(rows[1234], 1)[0];
    expect(self.row).toBe(1234);
    expect(self.score).toBeCloseTo(1, 2);
  });

  it("work for lengths the SIMD kernel cannot take, honour the allowed mask, and compact", () => {
    const m = new VectorMatrix(100);
    expect(m.simd).toBe(false);
    const rows = Array.from({ length: 50 }, (_, i) => randomUnit(100, i + 7));
    rows.forEach((r) => m.append(r));
    const allowed = new Uint8Array(50);
    allowed[3] = allowed[40] = 1;
    expect(m.search(rows[10], 5, allowed).map((h) => h.row).sort()).toEqual([3, 40]);
    const keep = new Uint8Array(50).fill(1);
    keep[0] = 0;
    m.compact(keep);
    expect(m.count).toBe(49);
    expect(m.search(rows[10], 1)[0].row).toBe(9);
    expect(() => m.search(new Float32Array(3), 1)).toThrow(/3 numbers but this index stores 100/u);
  });

  it("keep their rows when storage grows past many pages", () => {
    const m = new VectorMatrix(64);
    const rows = Array.from({ length: 5000 }, (_, i) => randomUnit(64, i + 99));
    rows.forEach((r) => m.append(r));
    for (const i of [0, 1, 2500, 4999]) expect(m.search(rows[i], 1)[0].row).toBe(i);
  });
});

describe("top-k selection", () => {
  it("keeps the k best, best first, ties by lower id", () => {
    const t = new TopK(3);
    [5, 1, 9, 7, 9, 3].forEach((s, i) => t.push(i, s));
    expect(t.sorted()).toEqual([{ id: 2, score: 9 }, { id: 4, score: 9 }, { id: 3, score: 7 }]);
  });
});

describe("keyword terms", () => {
  const terms = (text: string) => tokenize(text).map(processTerm).filter(Boolean);
  it("keep numbers and mixed tokens whole", () => {
    expect(terms("a learning rate of 0.0001 and 1,024 units")).toEqual(expect.arrayContaining(["0.0001", "1,024"]));
    expect(terms("3x3 convolutions")).toContain("3x3");
    expect(terms("ResNet-101 and GPT-3.5")).toEqual(expect.arrayContaining(["resnet-101", "resnet", "101", "gpt-3.5", "gpt", "3.5"]));
  });
  it("split sentences on punctuation, lower-case, drop stopwords and stem lightly", () => {
    expect(terms("The models were Trained. Training finished.")).toEqual(["model", "train", "train", "finish"]);
    expect(terms("Größe, Maß und 東京")).toEqual(["größ", "maß", "und", "東京"]);
  });
});

describe("include/exclude patterns", () => {
  it("match folders, path globs and file-name globs", () => {
    expect(matchesPattern("Archive/old.md", "Archive")).toBe(true);
    expect(matchesPattern("Archive/old.md", "Archive/")).toBe(true);
    expect(matchesPattern("Archived/old.md", "Archive")).toBe(false);
    expect(matchesPattern("Papers/2020/a.pdf", "Papers/**/*.pdf")).toBe(true);
    expect(matchesPattern("Papers/a.pdf", "Papers/**/*.pdf")).toBe(true);
    expect(matchesPattern("Papers/a.md", "Papers/**/*.pdf")).toBe(false);
    expect(matchesPattern("x/y/drawing.excalidraw.md", "*.excalidraw.md")).toBe(true);
    expect(inScope("Papers/a.pdf", ["Papers"], ["*.md"])).toBe(true);
    expect(inScope("Notes/a.pdf", ["Papers"], [])).toBe(false);
    expect(inScope("Papers/a.md", undefined, ["*.md"])).toBe(false);
  });
});

describe("binary container", () => {
  it("round-trips aligned typed sections and rejects foreign bytes", () => {
    const bytes = encodeContainer({ hello: "wörld" }, { a: new Float64Array([1.5, -2]), b: new Int8Array([1, -1, 3]), c: new Uint32Array([7]) });
    const c = decodeContainer<{ hello: string }>(bytes.slice());
    expect(c.header.hello).toBe("wörld");
    expect(Array.from(c.f64("a"))).toEqual([1.5, -2]);
    expect(Array.from(c.i8("b"))).toEqual([1, -1, 3]);
    expect(Array.from(c.u32("c"))).toEqual([7]);
    // Unaligned input (a view into a pooled buffer) is copied, not misread.
    const padded = new Uint8Array(bytes.length + 3);
    padded.set(bytes, 3);
    expect(Array.from(decodeContainer(padded.subarray(3)).f64("a"))).toEqual([1.5, -2]);
    expect(() => decodeContainer(new TextEncoder().encode("{\"json\": true}"))).toThrow(/not a Scholia index file/u);
    expect(() => c.u32("missing")).toThrow(/missing section/u);
  });
});
