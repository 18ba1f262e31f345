// The retriever on the real pipeline: notes and a transcript ingested by ingestFile, indexed by
// runIndex into a ScholiaIndex on in-memory storage, searched, saved and reopened.
import { beforeAll, describe, expect, it } from "vitest";
import { runIndex } from "../../src/core/index/indexer";
import { ScholiaIndex } from "../../src/core/index/scholia-index";
import { ingestFile, isIndexablePath } from "../../src/core/ingest/ingest-file";
import { REFUSAL_THRESHOLD } from "../../src/core/search/confidence";
import { Retriever } from "../../src/core/search/retriever";
import type { IndexStorage, VaultEntry, VaultReader } from "../../src/core/vault";
import { FakeEmbedder } from "./helpers/fake-embedder";

class MapStorage implements IndexStorage {
  readonly files = new Map<string, Uint8Array>();
  async read(name: string) {
    return this.files.get(name)?.slice() ?? null;
  }
  async writeAtomic(name: string, data: Uint8Array) {
    this.files.set(name, data.slice());
  }
  async remove(name: string) {
    this.files.delete(name);
  }
  async list() {
    return [...this.files.keys()];
  }
}

class MapVault implements VaultReader {
  constructor(private readonly files: Record<string, string>) {}
  async list(): Promise<VaultEntry[]> {
    return Object.entries(this.files).map(([path, text]) => ({ path, size: text.length, mtime: 1_700_000_000_000 }));
  }
  async readBinary(path: string) {
    return new TextEncoder().encode(this.files[path]);
  }
  async readText(path: string) {
    return this.files[path];
  }
}

const VAULT: Record<string, string> = {
  // Named only by its file name: the text never says "ResNet".
  "papers/he2016_resnet_notes.md": [
    "# Deep residual learning",
    "",
    "## Implementation",
    "",
    "We adopt batch normalization right after each convolution and before activation.",
    "",
    "## Results",
    "",
    "The 152-layer network reaches 3.57% top-5 error on the test set.",
  ].join("\n"),
  "papers/batch-norm.md": [
    "---",
    "tags: [normalization, ml/training]",
    "---",
    "# Batch normalization",
    "",
    "Batch normalization normalizes each activation over the mini-batch. Batch normalization allows higher learning rates,",
    "and batch normalization layers are placed before the nonlinearity in the batch normalization paper.",
  ].join("\n"),
  "lectures/neural network video.md": [
    "---",
    "videoId: aircAruvnKk",
    "---",
    "# Neural networks",
    "",
    "[00:00:04] This is a handwritten digit on a grid of twenty eight by twenty eight pixels.",
    "",
    "[00:02:43] A neuron is a thing that holds a number between zero and one, its activation.",
    "",
    "[00:11:02] The bias tells you how high the weighted sum needs to be before the neuron is active.",
  ].join("\n"),
};

let storage: MapStorage;
let index: ScholiaIndex;
let embedder: FakeEmbedder;

beforeAll(async () => {
  storage = new MapStorage();
  embedder = new FakeEmbedder();
  await embedder.init();
  ({ index } = await ScholiaIndex.open(storage, { model: embedder.id }));
  const run = await runIndex({
    vault: new MapVault(VAULT),
    index,
    embedder,
    ingest: (path, data, signal) => ingestFile(path, data, { signal }),
    isIndexable: isIndexablePath,
  });
  expect(run.totals.indexed).toBe(3);
});

describe("retrieval on the index store", () => {
  it("ranks the file the question names first, even when only its file name names it", async () => {
    const q = "Where do the ResNet authors place batch normalization?";
    const r = await new Retriever(index, embedder).search(q, { k: 3 });
    expect(r.passages[0].chunk.path).toBe("papers/he2016_resnet_notes.md");
    expect(r.passages[0].chunk.text).toMatch(/right after each convolution/);
    const unnamed = await new Retriever(index, embedder, { namedFileBoost: 1 }).search(q, { k: 3 });
    expect(unnamed.passages[0].chunk.path).toBe("papers/batch-norm.md");
  });

  it("finds a transcript passage with its second", async () => {
    const r = await new Retriever(index, embedder).search("What does the bias of a neuron tell you?", { k: 3 });
    const hit = r.passages.find((p) => p.chunk.kind === "transcript");
    expect(hit?.chunk.start).toBe(662);
    expect(r.confidence).toBeGreaterThanOrEqual(REFUSAL_THRESHOLD);
  });

  it("filters by frontmatter tag and by folder", async () => {
    const byTag = await new Retriever(index, embedder).search("batch normalization", { filter: { tags: ["ml"] } });
    expect(new Set(byTag.passages.map((p) => p.chunk.path))).toEqual(new Set(["papers/batch-norm.md"]));
    const byFolder = await new Retriever(index, embedder).search("neuron", { filter: { folders: ["lectures"] } });
    expect(byFolder.passages.length).toBeGreaterThan(0);
    expect(byFolder.passages.every((p) => p.chunk.path.startsWith("lectures/"))).toBe(true);
  });

  it("refuses what the vault does not cover", async () => {
    const r = await new Retriever(index, embedder).search("How many parameters does GPT-3 have?");
    expect(r.confidence).toBeLessThan(REFUSAL_THRESHOLD);
  });

  it("gives the same results after the index is saved and reopened", async () => {
    const q = "Where do the ResNet authors place batch normalization?";
    const before = await new Retriever(index, embedder).search(q);
    await index.save();
    const { index: reopened, notice } = await ScholiaIndex.open(storage, { model: embedder.id });
    expect(notice).toBeUndefined();
    const after = await new Retriever(reopened, embedder).search(q);
    expect(after.passages.map((p) => p.chunk.id)).toEqual(before.passages.map((p) => p.chunk.id));
    expect(after.confidence).toBeCloseTo(before.confidence, 6);
  });
});
