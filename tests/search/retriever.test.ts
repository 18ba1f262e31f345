import { beforeAll, describe, expect, it } from "vitest";
import { REFUSAL_THRESHOLD } from "../../src/core/search/confidence";
import { placeKey } from "../../src/core/search/diversity";
import { IndexModelMismatchError } from "../../src/core/index/errors";
import { Retriever } from "../../src/core/search/retriever";
import type { Chunk } from "../../src/core/types";
import { FakeEmbedder } from "./helpers/fake-embedder";
import { chunk, MemoryIndex, type MemoryFile } from "./helpers/memory-index";

// A small vault: two "papers" with pages, a note, and a tagged note in a subfolder.
function pdfPages(path: string, pages: string[][]): Chunk[] {
  let n = 0;
  return pages.flatMap((texts, p) => texts.map((text) => chunk(path, n++, text, { page: p + 1 })));
}

const VAULT: MemoryFile[] = [
  {
    path: "papers/cars.pdf",
    tags: ["ml/vision"],
    chunks: pdfPages("papers/cars.pdf", [
      ["We study automobile detection in street images with a convolutional network."],
      [
        "The detector was trained for six days on two GPUs with stochastic gradient descent.",
        "Training used a batch size of 128 and momentum 0.9 on both GPUs.",
        "Learning rate was divided by ten when validation error stopped improving during training.",
        "Training images were augmented with random crops and horizontal reflections during training.",
      ],
      ["Vehicle counts per frame are reported in Table 3 for every camera."],
      ["Related work covers pedestrian detection and lane marking."],
    ]),
  },
  {
    path: "papers/cats.pdf",
    tags: ["biology"],
    chunks: pdfPages("papers/cats.pdf", [
      ["Domestic feline behaviour: a kitten sleeps for sixteen hours a day."],
      ["Cats groom themselves to regulate temperature and reduce stress."],
    ]),
  },
  {
    path: "notes/optimizers.md",
    tags: ["ml"],
    chunks: [
      chunk("notes/optimizers.md", 0, "Adam keeps running averages of the gradient and its square.", { headings: ["Adam"] }),
      chunk("notes/optimizers.md", 1, "Momentum accelerates stochastic gradient descent along consistent directions.", { headings: ["Momentum"] }),
    ],
  },
  {
    path: "notes/archive/old-optimizers.md",
    tags: ["archive", "ML/old"],
    chunks: [chunk("notes/archive/old-optimizers.md", 0, "Rprop adapts each weight's step size from the sign of its gradient.", { headings: ["Rprop"] })],
  },
];

let embedder: FakeEmbedder;
let index: MemoryIndex;
let keywordOnly: MemoryIndex;

beforeAll(async () => {
  embedder = new FakeEmbedder();
  index = await MemoryIndex.build(VAULT, embedder);
  keywordOnly = await MemoryIndex.build(VAULT, null);
});

const paths = (r: { passages: { chunk: Chunk }[] }) => r.passages.map((p) => p.chunk.path);

describe("hybrid retrieval", () => {
  it("ranks a passage that both rankers find above one that only one finds", async () => {
    const r = await new Retriever(index, embedder).search("automobile detection in street images");
    expect(r.passages[0].chunk.id).toBe("papers/cars.pdf#0");
    expect(r.passages[0].keywordScore).toBeGreaterThan(0);
    expect(r.passages[0].vectorScore).toBeGreaterThan(0);
  });

  it("finds a paraphrase that keywords alone miss", async () => {
    const retriever = new Retriever(index, embedder);
    const keyword = await retriever.search("kitten naps", { mode: "keyword" });
    const hybrid = await retriever.search("kitten naps", { mode: "hybrid" });
    expect(paths(hybrid)[0]).toBe("papers/cats.pdf");
    // "feline" and "cats" share the vector concept, not the keyword.
    expect(hybrid.passages.map((p) => p.chunk.id)).toContain("papers/cats.pdf#1");
    expect(keyword.passages.map((p) => p.chunk.id)).not.toContain("papers/cats.pdf#1");
  });

  it("numbers ranks from 1 and orders by score", async () => {
    const r = await new Retriever(index, embedder).search("gradient descent momentum", { k: 4 });
    expect(r.passages.map((p) => p.rank)).toEqual([1, 2, 3, 4]);
    const scores = r.passages.map((p) => p.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  });

  it("returns at most k passages, and nothing for an empty query", async () => {
    const retriever = new Retriever(index, embedder);
    expect((await retriever.search("training", { k: 2 })).passages).toHaveLength(2);
    const empty = await retriever.search("   ");
    expect(empty.passages).toEqual([]);
    expect(empty.confidence).toBe(0);
  });
});

describe("filters", () => {
  it("restricts to a folder, without leaking passages from its sibling folders", async () => {
    const r = await new Retriever(index, embedder).search("gradient", { filter: { folders: ["notes"] } });
    expect(paths(r).length).toBeGreaterThan(0);
    expect(paths(r).every((p) => p.startsWith("notes/"))).toBe(true);
    const archive = await new Retriever(index, embedder).search("gradient", { filter: { folders: ["notes/archive/"] } });
    expect(paths(archive)).toEqual(["notes/archive/old-optimizers.md"]);
  });

  it("restricts to exact files", async () => {
    const r = await new Retriever(index, embedder).search("training GPUs gradient", { filter: { paths: ["notes/optimizers.md"] } });
    expect(new Set(paths(r))).toEqual(new Set(["notes/optimizers.md"]));
  });

  it("restricts to tags, case-insensitively and including nested tags", async () => {
    const r = await new Retriever(index, embedder).search("gradient", { filter: { tags: ["#ml"] } });
    expect(new Set(paths(r))).toEqual(new Set(["notes/optimizers.md", "papers/cars.pdf", "notes/archive/old-optimizers.md"]));
    const vision = await new Retriever(index, embedder).search("gradient", { filter: { tags: ["ml/vision"] } });
    expect(new Set(paths(vision))).toEqual(new Set(["papers/cars.pdf"]));
  });

  it("requires every kind of criterion to hold", async () => {
    const r = await new Retriever(index, embedder).search("gradient", { filter: { folders: ["notes"], tags: ["archive"] } });
    expect(paths(r)).toEqual(["notes/archive/old-optimizers.md"]);
  });

  it("also holds when the store ignores the filter", async () => {
    const leaky = Object.create(index) as MemoryIndex;
    leaky.keywordSearch = (q, k) => index.keywordSearch(q, k);
    leaky.vectorSearch = (v, k) => index.vectorSearch(v, k);
    const r = await new Retriever(leaky, embedder).search("training gradient", { filter: { folders: ["notes"] } });
    expect(paths(r).every((p) => p.startsWith("notes/"))).toBe(true);
  });
});

describe("diversity", () => {
  it("shows one passage per page while other pages have matches, keeping the best of each page", async () => {
    const q = "training with stochastic gradient descent";
    const undiversified = await new Retriever(index, embedder, { diversity: false }).search(q, { k: 3, mode: "keyword" });
    const place = (p: { chunk: Chunk }) => placeKey(p.chunk);
    // Without the cap, page 2 of cars.pdf takes several places in the list.
    expect(undiversified.passages.filter((p) => place(p) === "papers/cars.pdf#page=2").length).toBeGreaterThan(1);
    const r = await new Retriever(index, embedder).search(q, { k: 3, mode: "keyword" });
    const places = r.passages.map(place);
    expect(r.passages).toHaveLength(3);
    expect(new Set(places).size).toBe(3);
    // The page keeps its best passage, in its place.
    expect(r.passages[0].chunk.id).toBe(undiversified.passages[0].chunk.id);
  });

  it("fills the list from the same page when nothing else matches", async () => {
    const r = await new Retriever(index, embedder).search("training", { k: 3, mode: "keyword", filter: { paths: ["papers/cars.pdf"] } });
    expect(r.passages).toHaveLength(3);
    expect(r.passages.every((p) => p.chunk.page === 2)).toBe(true);
  });

  it("drops exact duplicates such as a file copied into two folders", async () => {
    const dup = await MemoryIndex.build(
      [
        { path: "a/paper.md", chunks: [chunk("a/paper.md", 0, "Batch normalization whitens layer inputs.")] },
        { path: "b/paper.md", chunks: [chunk("b/paper.md", 0, "Batch normalization whitens layer inputs.")] },
      ],
      null,
    );
    const r = await new Retriever(dup).search("batch normalization");
    expect(r.passages).toHaveLength(1);
  });
});

describe("confidence", () => {
  it("is high for a question the vault answers", async () => {
    const r = await new Retriever(index, embedder).search("How many days was the detector trained, and on how many GPUs?");
    expect(r.confidence).toBeGreaterThanOrEqual(REFUSAL_THRESHOLD);
  });

  it("is low for an off-topic question", async () => {
    const r = await new Retriever(index, embedder).search("What is the capital of Australia?");
    expect(r.confidence).toBeLessThan(REFUSAL_THRESHOLD);
  });

  it("is low for a near miss whose subject the vault never names", async () => {
    const r = await new Retriever(index, embedder).search("What learning rate schedule did the Transformer use during training?");
    expect(r.passages.length).toBeGreaterThan(0);
    expect(r.confidence).toBeLessThan(REFUSAL_THRESHOLD);
  });

  it("treats an acronym the passages spell out as present", async () => {
    const r = await new Retriever(index, embedder).search("Was SGD training done on GPUs?");
    expect(r.confidence).toBeGreaterThanOrEqual(REFUSAL_THRESHOLD);
  });

  it("judges presence within the filter's scope", async () => {
    const inScope = await new Retriever(index, embedder).search("Why do cats groom themselves?");
    const outOfScope = await new Retriever(index, embedder).search("Why do cats groom themselves?", { filter: { folders: ["notes"] } });
    expect(inScope.confidence).toBeGreaterThanOrEqual(REFUSAL_THRESHOLD);
    expect(outOfScope.confidence).toBeLessThan(REFUSAL_THRESHOLD);
  });

  it("stays in 0..1 and is the same for keyword-only and hybrid retrieval of an answerable question", async () => {
    const q = "How many days was the detector trained, and on how many GPUs?";
    const hybrid = await new Retriever(index, embedder).search(q);
    const keyword = await new Retriever(keywordOnly).search(q);
    for (const c of [hybrid.confidence, keyword.confidence]) {
      expect(c).toBeGreaterThanOrEqual(REFUSAL_THRESHOLD);
      expect(c).toBeLessThanOrEqual(1);
    }
  });
});

describe("modes and fallbacks", () => {
  it("keyword mode never touches the embedder", async () => {
    const e = new FakeEmbedder();
    const idx = await MemoryIndex.build(VAULT, e);
    const r = await new Retriever(idx, e).search("gradient", { mode: "keyword" });
    expect(r.passages.every((p) => p.vectorScore === undefined)).toBe(true);
    expect(e.queries).toEqual([]);
    expect(r.notice).toBeUndefined();
  });

  it("vector mode ranks by cosine alone", async () => {
    const r = await new Retriever(index, embedder).search("feline", { mode: "vector", k: 2 });
    expect(paths(r)[0]).toBe("papers/cats.pdf");
    expect(r.passages.every((p) => p.keywordScore === undefined && p.vectorScore !== undefined)).toBe(true);
  });

  it("hybrid without an embedder degrades to keyword results with a notice", async () => {
    const r = await new Retriever(index, null).search("gradient descent");
    expect(r.passages.length).toBeGreaterThan(0);
    expect(r.notice).toMatch(/no embedding model.*keyword results only/i);
  });

  it("hybrid on an index without vectors degrades to keyword results with a notice", async () => {
    const r = await new Retriever(keywordOnly, embedder).search("gradient descent");
    expect(r.passages.length).toBeGreaterThan(0);
    expect(r.notice).toMatch(/without embeddings/i);
  });

  it("vector mode without a usable model also degrades rather than failing", async () => {
    const r = await new Retriever(keywordOnly, null).search("gradient descent", { mode: "vector" });
    expect(r.passages.length).toBeGreaterThan(0);
    expect(r.notice).toBeDefined();
  });

  it("a model that cannot load gives keyword results and says why, and is retried next time", async () => {
    const broken = new FakeEmbedder("fake-concepts-64", { failInit: "Model files not found in /models/x" });
    const retriever = new Retriever(index, broken);
    const r = await retriever.search("gradient descent");
    expect(r.passages.length).toBeGreaterThan(0);
    expect(r.notice).toBe("The embedding model could not be used (Model files not found in /models/x), so these are keyword results only.");
    await retriever.search("gradient descent");
    expect(broken.initCalls).toBe(2);
  });

  it("initializes a fresh embedder once", async () => {
    const fresh = new FakeEmbedder();
    const retriever = new Retriever(index, fresh);
    await retriever.search("gradient");
    await retriever.search("momentum");
    expect(fresh.initCalls).toBe(1);
  });

  it("refuses to compare vectors of different models", async () => {
    const other = new FakeEmbedder("another-model");
    await expect(new Retriever(index, other).search("gradient")).rejects.toBeInstanceOf(IndexModelMismatchError);
    await expect(new Retriever(index, other).search("gradient")).rejects.toThrow(/built with model fake-concepts-64/);
    // Keyword mode does not need the vectors, so it still works.
    expect((await new Retriever(index, other).search("gradient", { mode: "keyword" })).passages.length).toBeGreaterThan(0);
  });

  it("stops when aborted", async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(new Retriever(index, embedder).search("gradient", { signal: controller.signal })).rejects.toThrow(/abort/i);
  });

  it("keeps the number of index lookups per query small", async () => {
    const idx = await MemoryIndex.build(VAULT, null);
    const before = idx.keywordCalls;
    await new Retriever(idx).search("How many days was the detector trained, and on how many GPUs?");
    // One ranked search plus one presence probe per content term.
    expect(idx.keywordCalls - before).toBeLessThanOrEqual(1 + 5);
  });
});
