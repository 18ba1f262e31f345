import { describe, expect, it } from "vitest";
import { planBatches } from "../../src/core/embed/batching";
import { l2Normalize, poolAndNormalize } from "../../src/core/embed/pooling";

const norm = (v: Float32Array) => Math.hypot(...v);

describe("poolAndNormalize", () => {
  // batch 2, seq 3, dims 2; the second text has one padded position.
  const data = Float32Array.from([1, 0, 3, 0, 5, 0, 0, 2, 0, 4, 100, 100]);
  const mask = BigInt64Array.from([1n, 1n, 1n, 1n, 1n, 0n]);

  it("mean-pools over real tokens only, so padding never shifts a vector", () => {
    const [, second] = poolAndNormalize({ data, dims: [2, 3, 2] }, "mean", mask);
    expect(Array.from(second)).toEqual([0, 1]);
  });

  it("takes the first token for CLS pooling", () => {
    const [first, second] = poolAndNormalize({ data, dims: [2, 3, 2] }, "cls", mask);
    expect(Array.from(first)).toEqual([1, 0]);
    expect(Array.from(second)).toEqual([0, 1]);
  });

  it("normalizes every vector to unit length", () => {
    const vectors = poolAndNormalize({ data: Float32Array.from([3, 4, 1, 1]), dims: [2, 2] }, "mean");
    for (const v of vectors) expect(norm(v)).toBeCloseTo(1, 6);
    expect(vectors[0][0]).toBeCloseTo(0.6, 6);
  });

  it("passes through outputs that already hold one vector per text", () => {
    const vectors = poolAndNormalize({ data: Float32Array.from([0, 2, 5, 0]), dims: [2, 2] }, "model");
    expect(vectors.map((v) => Array.from(v))).toEqual([[0, 1], [1, 0]]);
  });

  it("leaves an all-zero vector at zero instead of producing NaN", () => {
    expect(Array.from(l2Normalize(new Float32Array(3)))).toEqual([0, 0, 0]);
  });

  it("rejects tensors of unexpected rank with a clear message", () => {
    expect(() => poolAndNormalize({ data: new Float32Array(8), dims: [2, 2, 1, 2] }, "mean")).toThrow(/rank 4/);
  });
});

describe("planBatches", () => {
  it("uses every index exactly once", () => {
    const lengths = Array.from({ length: 1000 }, (_, i) => (i * 7919) % 513);
    const batches = planBatches(lengths, 32);
    expect(batches.flat().sort((a, b) => a - b)).toEqual(lengths.map((_, i) => i));
    expect(Math.max(...batches.map((b) => b.length))).toBe(32);
  });

  it("groups texts of similar length so little padding is wasted", () => {
    const lengths = Array.from({ length: 256 }, (_, i) => (i % 2 === 0 ? 10 : 500));
    const batches = planBatches(lengths, 32);
    for (const batch of batches) {
      const ls = batch.map((i) => lengths[i]);
      expect(Math.max(...ls) - Math.min(...ls)).toBe(0);
    }
  });

  it("caps the padded length of a batch, giving an over-long text a batch of its own", () => {
    const lengths = [100, 900, 100, 100, 100, 3000, 50];
    const batches = planBatches(lengths, 32, 400);
    expect(batches).toEqual([[5], [1], [0, 2, 3, 4], [6]]);
    for (const b of batches) expect(b.length === 1 || b.length * Math.max(...b.map((i) => lengths[i])) <= 400).toBe(true);
  });

  it("handles an empty input and a batch size below one", () => {
    expect(planBatches([], 32)).toEqual([]);
    expect(planBatches([5, 6], 0)).toEqual([[1], [0]]);
  });
});
