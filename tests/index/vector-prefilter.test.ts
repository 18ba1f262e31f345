import { describe, expect, it } from "vitest";
import { hammingModule } from "../../src/core/index/hamming-wasm";
import { quantize } from "../../src/core/index/quantize";
import { SignPrefilter } from "../../src/core/index/sign-prefilter";
import { VectorMatrix, type VectorHit } from "../../src/core/index/vector-matrix";
import { gaussian, normalize, seededRandom } from "../helpers/seeded-random";

const DIMS = 384;

/** Vectors around topic centroids (cosine ≈ 0.7 to their centroid), like passages on few topics. */
function clustered(seed: number, dims = DIMS, centroids = 40): (spread?: number) => Float32Array {
  const r = seededRandom(seed);
  const cs = Array.from({ length: centroids }, () => normalize(Float32Array.from({ length: dims }, () => gaussian(r))));
  return (spread = 1) => {
    const c = cs[Math.floor(r() * cs.length)];
    const noise = spread / Math.sqrt(dims);
    return normalize(Float32Array.from(c, (x) => x + gaussian(r) * noise));
  };
}

/** The same rows in a matrix that prefilters from 1 000 rows on and one that always scans fully. */
function pair(rows: number, seed = 1): { pre: VectorMatrix; full: VectorMatrix; next: (spread?: number) => Float32Array } {
  const next = clustered(seed);
  const pre = new VectorMatrix(DIMS, undefined, true, { prefilterThreshold: 1000, prefilterCandidates: (k) => k * 40 });
  const full = new VectorMatrix(DIMS, undefined, true, { prefilterThreshold: Infinity });
  for (let i = 0; i < rows; i++) {
    const v = next();
    pre.append(v);
    full.append(v);
  }
  return { pre, full, next };
}

const rowsOf = (hits: VectorHit[]) => hits.map((h) => h.row);

describe("sign-bit prefilter for large vector matrices", () => {
  it("returns the same top hits, with the same scores, as the full int8 scan", () => {
    const { pre, full, next } = pair(5000);
    for (let q = 0; q < 25; q++) {
      const query = next(1.2);
      expect(pre.search(query, 10)).toEqual(full.search(query, 10));
    }
    // Above the threshold the bits exist, at 48 bytes of signs + 4 of distance per row at 384 dims.
    expect(pre.prefilterBytes).toBe(5000 * 52);
    expect(full.prefilterBytes).toBe(0);
  });

  it("is not built below the threshold, and is dropped when removals take the matrix below it", () => {
    const { pre, next } = pair(900);
    pre.search(next(), 10);
    expect(pre.prefilterBytes).toBe(0);
    for (let i = 0; i < 200; i++) pre.append(next());
    pre.search(next(), 10);
    expect(pre.prefilterBytes).toBeGreaterThan(0);
    const keep = new Uint8Array(pre.count).fill(1).fill(0, 0, 500);
    pre.compact(keep);
    pre.search(next(), 10);
    expect(pre.prefilterBytes).toBe(0);
  });

  it("applies an allowed-rows filter exactly as the full scan does", () => {
    const { pre, full, next } = pair(5000, 2);
    const everyThird = Uint8Array.from({ length: 5000 }, (_, i) => (i % 3 === 0 ? 1 : 0));
    // Fewer admitted rows than candidates: every admitted row is scored, so the result is exact.
    const few = new Uint8Array(5000);
    for (let i = 17; i < 5000; i += 101) few[i] = 1;
    for (let q = 0; q < 10; q++) {
      const query = next(1.2);
      const a = pre.search(query, 10, everyThird);
      expect(a).toEqual(full.search(query, 10, everyThird));
      expect(a.every((h) => h.row % 3 === 0)).toBe(true);
      const b = pre.search(query, 10, few);
      expect(b).toEqual(full.search(query, 10, few));
      expect(b.every((h) => few[h.row] === 1)).toBe(true);
    }
    expect(pre.search(next(), 10, new Uint8Array(5000))).toEqual([]);
  });

  it("forgets removed rows and renumbers the rest, like the matrix it filters", () => {
    const { pre, full, next } = pair(5000, 3);
    const query = next(1.2);
    const before = rowsOf(pre.search(query, 10));
    const keep = new Uint8Array(5000).fill(1);
    for (const r of before.slice(0, 5)) keep[r] = 0;
    for (let r = 0; r < 5000; r += 7) keep[r] = 0;
    pre.compact(keep);
    full.compact(keep);
    expect(pre.count).toBe(full.count);
    for (let q = 0; q < 10; q++) {
      const query2 = q === 0 ? query : next(1.2);
      expect(pre.search(query2, 10)).toEqual(full.search(query2, 10));
    }
  });

  it("sees rows appended after it was built", () => {
    const { pre, full, next } = pair(3000, 4);
    pre.search(next(), 10); // builds the bits
    const bytes = pre.prefilterBytes;
    const added: Float32Array[] = [];
    for (let i = 0; i < 2000; i++) {
      const v = next();
      added.push(v);
      pre.append(v);
      full.append(v);
    }
    expect(pre.prefilterBytes).toBeGreaterThan(bytes);
    const self = pre.search(added[1234], 1)[0];
    expect(self.row).toBe(3000 + 1234);
    expect(self.score).toBeCloseTo(1, 2);
    for (let q = 0; q < 10; q++) {
      const query = next(1.2);
      expect(pre.search(query, 10)).toEqual(full.search(query, 10));
    }
  });

  it("keeps working without WebAssembly (JavaScript popcount), with the same results", () => {
    const next = clustered(5);
    const js = new VectorMatrix(DIMS, undefined, false, { prefilterThreshold: 1000, prefilterCandidates: (k) => k * 40 });
    const wasm = new VectorMatrix(DIMS, undefined, true, { prefilterThreshold: 1000, prefilterCandidates: (k) => k * 40 });
    for (let i = 0; i < 3000; i++) {
      const v = next();
      js.append(v);
      wasm.append(v);
    }
    for (let q = 0; q < 5; q++) {
      const query = next(1.2);
      expect(js.search(query, 10)).toEqual(wasm.search(query, 10));
    }
  });
});

describe("SignPrefilter", () => {
  /** Brute force: Hamming distance of the sign bits (code < 0) over the real dimensions. */
  function nearestBySigns(codes: Int8Array, dims: number, rows: number, q: Int8Array, count: number, allowed?: Uint8Array): number[] {
    const d = [];
    for (let r = 0; r < rows; r++) {
      if (allowed && !allowed[r]) continue;
      let h = 0;
      for (let i = 0; i < dims; i++) if (codes[r * dims + i] < 0 !== q[i] < 0) h++;
      d.push({ r, h });
    }
    d.sort((a, b) => a.h - b.h || a.r - b.r);
    return d.slice(0, count).map((x) => x.r).sort((a, b) => a - b);
  }

  it.each([
    [384, true],
    [384, false],
    [100, true], // not a multiple of 8 or 64: padding bits must not count
    [100, false],
    [72, true], // a multiple of 8 but not of 64
  ])("picks the rows nearest in sign bits (%i dims, WebAssembly %s), ties to the lower row", (dims, useWasm) => {
    expect(hammingModule()).not.toBeNull();
    const r = seededRandom(dims + (useWasm ? 1 : 0));
    const rows = 700;
    const codes = Int8Array.from({ length: rows * dims }, () => Math.round((r() - 0.5) * 254));
    const p = new SignPrefilter(dims, useWasm);
    expect(p.wasm).toBe(useWasm);
    p.build(codes, 500);
    for (let row = 500; row < rows; row++) p.append(codes, row);
    expect(p.count).toBe(rows);
    const allowed = Uint8Array.from({ length: rows }, (_, i) => (i % 4 === 1 ? 0 : 1));
    for (let qi = 0; qi < 5; qi++) {
      const q = quantize(Float32Array.from({ length: dims }, () => r() - 0.5)).codes;
      expect(Array.from(p.candidates(q, 37))).toEqual(nearestBySigns(codes, dims, rows, q, 37));
      expect(Array.from(p.candidates(q, 37, allowed))).toEqual(nearestBySigns(codes, dims, rows, q, 37, allowed));
    }
    expect(p.candidates(codes.subarray(0, dims), 5000).length).toBe(rows);
  });

  it("compacts in step with the matrix", () => {
    const dims = 64;
    const r = seededRandom(9);
    const codes = Int8Array.from({ length: 300 * dims }, () => Math.round((r() - 0.5) * 254));
    const p = new SignPrefilter(dims);
    p.build(codes, 300);
    const keep = Uint8Array.from({ length: 300 }, (_, i) => (i % 2 === 0 ? 1 : 0));
    p.compact(keep);
    const kept = new Int8Array(150 * dims);
    for (let i = 0; i < 150; i++) kept.set(codes.subarray(2 * i * dims, (2 * i + 1) * dims), i * dims);
    const q = codes.subarray(10 * dims, 11 * dims); // row 10 becomes row 5, at distance 0
    expect(Array.from(p.candidates(q, 12))).toEqual(nearestBySigns(kept, dims, 150, q, 12));
    expect(p.candidates(q, 1)[0]).toBe(5);
  });
});
