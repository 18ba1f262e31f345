// The store's per-chunk scores, which hybrid fusion uses to give a passage found by one ranker its
// score from the other: they must be exactly the scores a full search gives the same chunks.
import { describe, expect, it } from "vitest";
import { ScholiaIndex } from "../../src/core/index/scholia-index";
import { VectorMatrix } from "../../src/core/index/vector-matrix";
import { gaussian, normalize, seededRandom } from "../helpers/seeded-random";
import { MemoryStorage, doc, hashedVector, stamp } from "./helpers";

const MODEL = "fake/hash-64";
const vecs = (texts: string[]) => texts.map((t) => hashedVector(t, 64));

async function seeded(): Promise<ScholiaIndex> {
  const { index } = await ScholiaIndex.open(new MemoryStorage(), { model: MODEL });
  const files: [string, string[]][] = [
    ["Papers/adam.md", ["Adam is a method for stochastic optimization", "We use a learning rate of 0.0001 for all runs"]],
    ["Papers/resnet.md", ["Convolutions with 3x3 kernels stack well", "Residual connections ease training of deep networks"]],
    ["Papers/dropout.md", ["Dropout prevents overfitting by dropping units during training", "Training takes longer with dropout"]],
    ["Personal/list.md", ["My grocery list: apples, pears and bread"]],
  ];
  for (const [path, texts] of files) index.putDocument(stamp(path), doc(path, texts), vecs(texts));
  return index;
}

const byOrdinal = (hits: { ordinal: number; score: number }[]) => new Map(hits.map((h) => [h.ordinal, h.score]));

describe("index store: scores of given chunks", () => {
  it("gives each chunk the cosine a full vector search gives it, in the order asked", async () => {
    const index = await seeded();
    const query = hashedVector("training deep networks with dropout", 64);
    const full = byOrdinal(index.vectorSearch(query, index.chunkCount));
    const ordinals = [6, 0, 3, 6, 2];
    const scores = index.vectorScores(query, ordinals);
    expect(scores).not.toBeNull();
    expect([...scores!]).toEqual(ordinals.map((o) => full.get(o)));
  });

  it("gives each chunk the BM25 score a full keyword search gives it, and 0 to a chunk without the terms", async () => {
    const index = await seeded();
    const full = byOrdinal(index.keywordSearch("training dropout", index.chunkCount));
    const grocery = index.keywordSearch("grocery", 1)[0].ordinal;
    expect(full.has(grocery)).toBe(false);
    const ordinals = [...full.keys()].reverse();
    const scores = index.keywordScores("training dropout", [...ordinals, grocery]);
    expect([...scores]).toEqual([...ordinals.map((o) => full.get(o)), 0]);
  });

  it("stays exact after chunks are removed and the ordinals move", async () => {
    const index = await seeded();
    index.removeFile("Papers/adam.md");
    const query = hashedVector("residual connections", 64);
    const vector = byOrdinal(index.vectorSearch(query, index.chunkCount));
    const all = [...vector.keys()];
    expect([...index.vectorScores(query, all)!]).toEqual(all.map((o) => vector.get(o)));
    const keyword = byOrdinal(index.keywordSearch("training", index.chunkCount));
    const hits = [...keyword.keys()];
    expect([...index.keywordScores("training", hits)]).toEqual(hits.map((o) => keyword.get(o)));
  });

  it("returns null for vectors of a keyword-only index, and rejects unknown chunks", async () => {
    const { index: plain } = await ScholiaIndex.open(new MemoryStorage(), { model: null });
    plain.putDocument(stamp("a.md"), doc("a.md", ["Adam optimizer"]), null);
    expect(plain.vectorScores(new Float32Array(64), [0])).toBeNull();
    expect([...plain.keywordScores("adam", [0])]).toEqual([expect.any(Number)]);
    const index = await seeded();
    expect(() => index.vectorScores(hashedVector("adam", 64), [index.chunkCount])).toThrow(RangeError);
    expect(() => index.keywordScores("adam", [-1])).toThrow(RangeError);
    expect(() => index.vectorScores(new Float32Array(32), [0])).toThrow(/32 numbers/);
  });
});

describe("vector matrix: scores of given rows", () => {
  it("matches the full int8 scan exactly, on the SIMD and on the plain kernel", () => {
    const r = seededRandom(7);
    const next = () => normalize(Float32Array.from({ length: 96 }, () => gaussian(r)));
    for (const simd of [true, false]) {
      const m = new VectorMatrix(96, undefined, simd);
      for (let i = 0; i < 500; i++) m.append(next());
      const query = next();
      const full = new Map(m.search(query, 500).map((h) => [h.row, h.score]));
      const rows = [499, 0, 250, 17, 17];
      expect([...m.scores(query, rows)]).toEqual(rows.map((row) => full.get(row)));
    }
  });
});
