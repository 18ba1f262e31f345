// Static models are embedded by token-table lookup: the model runs once per distinct token and a
// text's vector is the mean of table rows. That is only valid when a token's output depends on the
// token alone, so the embedder probes the model first; either way the vectors must be the ones the
// model gives over whole padded texts.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TokenVectorTable } from "../../src/core/embed/token-vector-table";
import { TransformersEmbedder } from "../../src/core/embed/transformers-embedder";
import { buildStaticModel, STATIC_MODEL_SKIP_MESSAGE, staticModelAvailable } from "../fixtures/static-model";
import { buildTinyBert } from "../fixtures/tiny-bert";
import { buildZeroLayerModel } from "../fixtures/zero-layer-model";

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "scholia-lookup-"));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const cosine = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i], 0);
const TEXTS = [
  "the quick brown fox jumps over the lazy dog",
  "",
  "cat",
  "the the the the the",
  "search the index for a query vector, and return the page!",
  "Ünïcödé and CJK 文字 mixed with training data",
  "a literal [SEP] inside the text goes through the library tokenizer",
  Array.from({ length: 200 }, (_, i) => ["model", "data", "page", "video", "note"][i % 5]).join(" "),
];

async function pairFor(dir: string) {
  const lookup = new TransformersEmbedder({ model: dir });
  const padded = new TransformersEmbedder({ model: dir, tokenLookup: false });
  await lookup.init();
  await padded.init();
  return { lookup, padded };
}

function expectSameVectors(a: Float32Array[], b: Float32Array[]): void {
  expect(a).toHaveLength(b.length);
  a.forEach((v, i) => {
    expect(v.length).toBe(b[i].length);
    const zero = b[i].every((x) => x === 0);
    if (zero) expect(v.every((x) => x === 0)).toBe(true);
    else expect(cosine(v, b[i])).toBeGreaterThan(0.99999);
  });
}

describe("token-table lookup for zero-layer models", () => {
  it("embeds a pure lookup model by table, with the vectors the model gives over whole texts", async () => {
    // 7 dimensions: not a multiple of the SIMD width, so rows are padded inside the table.
    const { lookup, padded } = await pairFor(await buildZeroLayerModel(join(root, "pure"), { dims: 7 }));
    expect(lookup.usesTokenLookup).toBe(true);
    expect(padded.usesTokenLookup).toBe(false);
    expectSameVectors(await lookup.embedDocuments(TEXTS), await padded.embedDocuments(TEXTS));
    expectSameVectors([await lookup.embedQuery("lazy dog")], [await padded.embedQuery("lazy dog")]);
    // A second pass over the same texts runs from the table alone and gives the same result.
    expectSameVectors(await lookup.embedDocuments(TEXTS.slice().reverse()), (await padded.embedDocuments(TEXTS)).reverse());
  });

  it("keeps running the model over whole texts when tokens have position embeddings", async () => {
    const dir = await buildZeroLayerModel(join(root, "positional"), { dims: 8, positions: true });
    const { lookup, padded } = await pairFor(dir);
    expect(lookup.usesTokenLookup).toBe(false);
    expectSameVectors(await lookup.embedDocuments(TEXTS), await padded.embedDocuments(TEXTS));
  });

  it("never uses lookup for a transformer, whose token vectors depend on their neighbours", async () => {
    const embedder = new TransformersEmbedder({ model: await buildTinyBert(join(root, "tiny-bert")) });
    await embedder.init();
    expect(embedder.usesTokenLookup).toBe(false);
  });
});

describe.skipIf(!staticModelAvailable())("token-table lookup on the GloVe static model", () => {
  it("matches the padded path on varied texts", async () => {
    const { lookup, padded } = await pairFor(await buildStaticModel(join(root, "glove"), { words: 3000 }));
    expect(lookup.usesTokenLookup).toBe(true);
    expectSameVectors(await lookup.embedDocuments(TEXTS), await padded.embedDocuments(TEXTS));
  });
});
if (!staticModelAvailable()) console.warn(STATIC_MODEL_SKIP_MESSAGE);

describe("TokenVectorTable", () => {
  it("averages the rows of each sequence and normalizes, counting repeated tokens each time", () => {
    const table = new TokenVectorTable(3);
    table.add([5, 9], Float32Array.from([1, 0, 0, 0, 2, 0]));
    const [v] = table.meanPool([[5, 5, 9]]);
    // mean = (2/3, 2/3, 0) → unit length along (1, 1, 0)
    expect(Array.from(v).map((x) => Number(x.toFixed(5)))).toEqual([0.70711, 0.70711, 0]);
  });

  it("reports only tokens it has not seen, once each", () => {
    const table = new TokenVectorTable(2);
    table.add([3], Float32Array.from([1, 1]));
    expect(table.missing([[3, 4, 4], [7, 3]])).toEqual([4, 7]);
  });

  it("keeps earlier rows intact while it grows to many thousands of tokens", () => {
    const dims = 33;
    const table = new TokenVectorTable(dims);
    const count = 20_000;
    for (let start = 0; start < count; start += 1000) {
      const ids = Array.from({ length: 1000 }, (_, k) => start + k);
      const vectors = new Float32Array(ids.length * dims);
      ids.forEach((id, k) => (vectors[k * dims + (id % dims)] = 1 + id));
      table.add(ids, vectors);
    }
    expect(table.size).toBe(count);
    for (const id of [0, 1, 4_999, 19_999]) {
      const [v] = table.meanPool([[id]]);
      expect(v[id % dims]).toBeCloseTo(1, 6);
    }
  });

  it("refuses a sequence holding a token it has no vector for", () => {
    const table = new TokenVectorTable(2);
    expect(() => table.meanPool([[1]])).toThrow(/no vector/);
  });
});
