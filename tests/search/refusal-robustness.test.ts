import { beforeAll, describe, expect, it } from "vitest";
import { REFUSAL_THRESHOLD } from "../../src/core/search/confidence";
import { Retriever } from "../../src/core/search/retriever";
import type { Chunk } from "../../src/core/types";
import { FakeEmbedder } from "./helpers/fake-embedder";
import { chunk, MemoryIndex, type MemoryFile } from "./helpers/memory-index";

// Readers ask in their own words: British spellings, other word forms, synonyms. Those must not turn
// an answerable question into "not in your vault", while questions about something else stay refused.
const page = (path: string, n: number, text: string): Chunk => chunk(path, n, text, { page: n + 1 });

const VAULT: MemoryFile[] = [
  {
    path: "papers/augmentation.pdf",
    chunks: [
      page("papers/augmentation.pdf", 0, "We alter the intensities of the RGB channels: perturbations of the color of each training image reduce overfitting."),
      page("papers/augmentation.pdf", 1, "The dataset has 60,000 images in 10 classes; 50,000 are used for training."),
      page("papers/augmentation.pdf", 2, "Weights were initialized from a zero-mean Gaussian and optimized with stochastic gradient descent."),
    ],
  },
  {
    path: "papers/cats.pdf",
    chunks: [page("papers/cats.pdf", 0, "A kitten sleeps for sixteen hours a day and grooms to regulate temperature.")],
  },
];

let embedder: FakeEmbedder;
let hybridIndex: MemoryIndex;
let keywordIndex: MemoryIndex;

beforeAll(async () => {
  embedder = new FakeEmbedder("fake-concepts-4096", { size: 4096 });
  await embedder.init();
  hybridIndex = await MemoryIndex.build(VAULT, embedder);
  keywordIndex = await MemoryIndex.build(VAULT, null);
});

const both = () => [new Retriever(hybridIndex, embedder), new Retriever(keywordIndex)];

describe("refusals that understand readers' wording", () => {
  it("answers a question in British spelling and other word forms, with and without embeddings", async () => {
    for (const r of both()) {
      const res = await r.searchDetailed("How were the colours of training images perturbed to reduce overfitting?");
      expect(res.signals.missingTerms).toEqual([]);
      expect(res.confidence).toBeGreaterThanOrEqual(REFUSAL_THRESHOLD);
    }
  });

  it("reads a spelled-out number as the digits the paper prints", async () => {
    for (const r of both()) {
      const res = await r.searchDetailed("How many training images does the ten-class dataset have?");
      expect(res.signals.missingTerms).toEqual([]);
      expect(res.confidence).toBeGreaterThanOrEqual(REFUSAL_THRESHOLD);
    }
  });

  it("counts a synonym of a passage word as present when a model is loaded", async () => {
    const res = await new Retriever(hybridIndex, embedder).searchDetailed("How many hours a day does a feline sleep?");
    expect(res.signals.synonyms?.feline?.word).toBe("kitten");
    expect(res.signals.missingTerms).toEqual([]);
    expect(res.confidence).toBeGreaterThanOrEqual(REFUSAL_THRESHOLD);
  });

  it("gives a missing name no synonym", async () => {
    const res = await new Retriever(hybridIndex, embedder).searchDetailed("How many hours a day does Garfield sleep?");
    expect(res.signals.missingTerms).toContain("garfield");
    expect(res.signals.synonyms).toBeUndefined();
    expect(res.confidence).toBeLessThan(REFUSAL_THRESHOLD);
  });

  it("still refuses an off-topic question, with and without embeddings", async () => {
    for (const r of both()) {
      const res = await r.search("Which sourdough starter gives the best bread crust?");
      expect(res.confidence).toBeLessThan(REFUSAL_THRESHOLD);
    }
  });
});
