import { describe, expect, it } from "vitest";
import { ScholiaIndex } from "../../src/core/index/scholia-index";
import { IndexModelMismatchError } from "../../src/core/index/errors";
import { FORMAT_VERSION, MANIFEST_NAME, encodeManifest, decodeManifest, modelFileStem } from "../../src/core/index/manifest";
import type { Chunk } from "../../src/core/types";
import { MemoryStorage, doc, hashedVector, stamp } from "./helpers";

const MODEL = "fake/hash-64";
const vecs = (texts: string[]) => texts.map((t) => hashedVector(t, 64));

async function seeded(storage = new MemoryStorage()) {
  const { index } = await ScholiaIndex.open(storage, { model: MODEL });
  const a = ["Adam is a method for stochastic optimization", "We use a learning rate of 0.0001 for all runs"];
  const b = ["Convolutions with 3x3 kernels stack well", "Residual connections ease training of deep networks"];
  const c = ["My grocery list: apples, pears and bread"];
  index.putDocument(stamp("Papers/adam.md"), doc("Papers/adam.md", a, { title: "Adam", tags: ["ml/optim"] }), vecs(a));
  index.putDocument(stamp("Papers/resnet.md"), doc("Papers/resnet.md", b, { title: "ResNet", tags: ["ml/vision"] }), vecs(b));
  index.putDocument(stamp("Personal/list.md"), doc("Personal/list.md", c, { title: "List", tags: ["life"] }), vecs(c));
  return { index, storage };
}

function paths(index: ScholiaIndex, hits: { ordinal: number }[]): string[] {
  return hits.map((h) => index.getChunk(h.ordinal).path);
}

describe("index store: search", () => {
  it("finds passages by keyword, including numbers and mixed tokens", async () => {
    const { index } = await seeded();
    expect(index.getChunk(index.keywordSearch("learning rate", 1)[0].ordinal).text).toContain("0.0001");
    expect(index.getChunk(index.keywordSearch("0.0001", 1)[0].ordinal).text).toContain("0.0001");
    expect(index.getChunk(index.keywordSearch("3x3", 1)[0].ordinal).text).toContain("3x3 kernels");
    expect(index.getChunk(index.keywordSearch("kernel", 1)[0].ordinal).text).toContain("kernels");
    expect(index.keywordSearch("zeppelin", 5)).toEqual([]);
  });

  it("ranks the nearest vectors first, with cosine scores", async () => {
    const { index } = await seeded();
    const hits = index.vectorSearch(hashedVector("residual connections deep networks", 64), 3);
    expect(index.getChunk(hits[0].ordinal).text).toContain("Residual connections");
    expect(hits[0].score).toBeGreaterThan(0.5);
    expect(hits[0].score).toBeLessThanOrEqual(1.01);
    expect(hits.map((h) => h.score)).toEqual([...hits.map((h) => h.score)].sort((x, y) => y - x));
  });

  it("applies folder, path and tag filters inside both searches", async () => {
    const { index } = await seeded();
    const q = hashedVector("learning rate training", 64);
    expect(new Set(paths(index, index.vectorSearch(q, 10, { folders: ["Personal"] })))).toEqual(new Set(["Personal/list.md"]));
    expect(new Set(paths(index, index.vectorSearch(q, 10, { paths: ["Papers/resnet.md"] })))).toEqual(new Set(["Papers/resnet.md"]));
    // Nested tags: "ml" admits "ml/optim" and "ml/vision", not "life".
    expect(new Set(paths(index, index.vectorSearch(q, 10, { tags: ["#ML"] })))).toEqual(new Set(["Papers/adam.md", "Papers/resnet.md"]));
    expect(paths(index, index.keywordSearch("training", 10, { tags: ["ml/vision"] }))).toEqual(["Papers/resnet.md"]);
    expect(index.keywordSearch("learning", 10, { folders: ["Personal"] })).toEqual([]);
    expect(index.vectorSearch(q, 10, { tags: ["nonexistent"] })).toEqual([]);
    expect(index.getFileTags("Papers/adam.md")).toEqual(["ml/optim"]);
  });

  it("returns chunks with every field they were given", async () => {
    const storage = new MemoryStorage();
    const { index } = await ScholiaIndex.open(storage, { model: MODEL });
    const chunk: Chunk = {
      id: "Papers/p.pdf#7", path: "Papers/p.pdf", kind: "pdf", text: "Größe und Maß — ünïcödé ✓", title: "P",
      page: 3, selection: [1, 2, 5, 9], headings: ["Methods", "Training"], blockId: "abc", line: 12,
    };
    const video: Chunk = { id: "Talks/t.md#0", path: "Talks/t.md", kind: "transcript", text: "hello", start: 61.5, end: 75, video: "https://v/x" };
    index.putDocument(stamp("Papers/p.pdf"), { path: "Papers/p.pdf", kind: "pdf", title: "P", chunks: [chunk], pageCount: 9 }, vecs([chunk.text]));
    index.putDocument(stamp("Talks/t.md"), { path: "Talks/t.md", kind: "transcript", title: "T", chunks: [video] }, vecs([video.text]));
    await index.save();
    const { index: loaded } = await ScholiaIndex.open(storage);
    expect(loaded.getChunk(0)).toEqual(chunk);
    expect(loaded.getChunk(1)).toEqual({ ...video, title: "T" });
    expect(loaded.getFile("Papers/p.pdf")?.pageCount).toBe(9);
  });
});

describe("index store: persistence", () => {
  it("loads what it saved without re-embedding, with identical search results", async () => {
    const { index, storage } = await seeded();
    await index.save();
    const { index: loaded, notice } = await ScholiaIndex.open(storage, { model: MODEL });
    expect(notice).toBeUndefined();
    expect(loaded.chunkCount).toBe(5);
    expect(loaded.modelId).toBe(MODEL);
    expect(loaded.dims).toBe(64);
    const q = hashedVector("adam optimization", 64);
    expect(loaded.vectorSearch(q, 5)).toEqual(index.vectorSearch(q, 5));
    expect(loaded.keywordSearch("residual", 5)).toEqual(index.keywordSearch("residual", 5));
    expect(loaded.listFiles().map((f) => f.path).sort()).toEqual(["Papers/adam.md", "Papers/resnet.md", "Personal/list.md"]);
  });

  it("keeps one vector file per model, named from a sanitized model id", async () => {
    const { index, storage } = await seeded();
    await index.save();
    const names = await storage.list();
    expect(names).toContain(MANIFEST_NAME);
    expect(names.filter((n) => n.startsWith("vectors-"))).toEqual([expect.stringMatching(/^vectors-fake_hash-64-[0-9a-f]{8}\.g1\.bin$/u)]);
    expect(modelFileStem("Xenova/all-MiniLM-L6-v2")).toMatch(/^xenova_all-minilm-l6-v2-[0-9a-f]{8}$/u);
    expect(modelFileStem("a/b")).not.toBe(modelFileStem("a_b"));
  });

  it("stores vectors in int8: under 0.5 KB per 384-dim chunk", async () => {
    const storage = new MemoryStorage();
    const { index } = await ScholiaIndex.open(storage, { model: "m384" });
    const texts = Array.from({ length: 200 }, (_, i) => `passage ${i}`);
    index.putDocument(stamp("a.md"), doc("a.md", texts), texts.map((t) => hashedVector(t, 384)));
    await index.save();
    const vectorFile = [...storage.files.entries()].find(([n]) => n.startsWith("vectors-"))!;
    expect(vectorFile[1].byteLength / 200).toBeLessThan(512);
  });

  it("rewrites only what changed and removes superseded files after the manifest", async () => {
    const { index, storage } = await seeded();
    await index.save();
    storage.writes = [];
    index.renameFile("Personal/list.md", "Personal/groceries.md");
    await index.save();
    // A rename touches metadata only: vectors, texts and keyword index are kept as they are.
    expect(storage.writes).toEqual(["meta.g2.bin", MANIFEST_NAME]);
    expect((await storage.list()).filter((n) => n.startsWith("meta"))).toEqual(["meta.g2.bin"]);
    storage.writes = [];
    await index.save();
    expect(storage.writes).toEqual([]);
  });

  it("renames keep vectors and chunks, under the new path and ids", async () => {
    const { index, storage } = await seeded();
    const before = index.vectorSearch(hashedVector("grocery list apples", 64), 1)[0];
    expect(index.renameFile("Personal/list.md", "Archive/groceries.md")).toBe(true);
    await index.save();
    const { index: loaded } = await ScholiaIndex.open(storage);
    const after = loaded.vectorSearch(hashedVector("grocery list apples", 64), 1)[0];
    expect(after.score).toBeCloseTo(before.score, 6);
    const chunk = loaded.getChunk(after.ordinal);
    expect(chunk.path).toBe("Archive/groceries.md");
    expect(chunk.id).toBe("Archive/groceries.md#0");
    expect(loaded.getFile("Personal/list.md")).toBeUndefined();
    expect(loaded.keywordSearch("grocery", 5, { folders: ["Archive"] })).toHaveLength(1);
  });

  it("deletes drop a file's chunks from vectors, keywords and metadata", async () => {
    const { index, storage } = await seeded();
    expect(index.removeFile("Papers/adam.md")).toBe(true);
    expect(index.chunkCount).toBe(3);
    expect(index.keywordSearch("optimization", 5)).toEqual([]);
    const all = index.vectorSearch(hashedVector("adam", 64), 10);
    expect(all).toHaveLength(3);
    expect(paths(index, all)).not.toContain("Papers/adam.md");
    await index.save();
    const { index: loaded } = await ScholiaIndex.open(storage);
    expect(loaded.chunkCount).toBe(3);
    expect(loaded.keywordSearch("optimization", 5)).toEqual([]);
    expect(paths(loaded, loaded.keywordSearch("residual", 5))).toEqual(["Papers/resnet.md"]);
  });

  it("replacing a file's document replaces its chunks", async () => {
    const { index } = await seeded();
    const t = ["Adam was revised: AdamW decouples weight decay"];
    index.putDocument(stamp("Papers/adam.md", "v2"), doc("Papers/adam.md", t, { title: "Adam" }), vecs(t));
    expect(index.chunkCount).toBe(4);
    expect(index.keywordSearch("stochastic", 5)).toEqual([]);
    expect(index.getChunk(index.keywordSearch("decouples", 1)[0].ordinal).path).toBe("Papers/adam.md");
    expect(index.getFile("Papers/adam.md")?.hash).toBe("v2");
  });
});

describe("index store: models and damage", () => {
  it("refuses to open an index built with another model, with the fix in the message", async () => {
    const { index, storage } = await seeded();
    await index.save();
    const err = await ScholiaIndex.open(storage, { model: "other/model" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IndexModelMismatchError);
    expect((err as Error).message).toBe("This index was built with model fake/hash-64; re-index or pass --model fake/hash-64.");
    const rebuilt = await ScholiaIndex.open(storage, { model: "other/model", rebuild: true });
    expect(rebuilt.index.chunkCount).toBe(0);
    expect(rebuilt.index.modelId).toBe("other/model");
    // Opening without naming a model (e.g. keyword-only search) is allowed.
    expect((await ScholiaIndex.open(storage)).index.modelId).toBe(MODEL);
  });

  it("rejects vectors of the wrong length instead of storing them", async () => {
    const { index } = await seeded();
    expect(() => index.putDocument(stamp("x.md"), doc("x.md", ["x"]), [new Float32Array(10)])).toThrow(/10 numbers where 64/u);
    expect(index.getFile("x.md")).toBeUndefined();
  });

  it("detects a flipped byte in every data file and the manifest, and reports it", async () => {
    const { index, storage } = await seeded();
    await index.save();
    for (const name of await storage.list()) {
      const original = storage.files.get(name)!;
      for (const at of [0, Math.floor(original.byteLength / 2), original.byteLength - 1]) {
        const broken = original.slice();
        broken[at] ^= 0x5a;
        storage.files.set(name, broken);
        const { index: loaded, notice } = await ScholiaIndex.open(storage, { model: MODEL });
        if (name.startsWith("keyword")) {
          // The keyword index is derived from the stored texts: it is rebuilt, the vectors are kept.
          expect(notice, `${name} byte ${at}`).toBe("The keyword index was damaged and has been rebuilt from the stored passages.");
          expect(loaded.chunkCount).toBe(5);
          expect(loaded.getChunk(loaded.keywordSearch("residual", 1)[0].ordinal).path).toBe("Papers/resnet.md");
        } else {
          expect(notice, `${name} byte ${at}`).toBe("The index was damaged and will be rebuilt.");
          expect(loaded.chunkCount).toBe(0);
        }
      }
      storage.files.set(name, original);
    }
    // A truncated or missing data file is damage too.
    const meta = (await storage.list()).find((n) => n.startsWith("meta"))!;
    const saved = storage.files.get(meta)!;
    storage.files.set(meta, saved.subarray(0, 10));
    expect((await ScholiaIndex.open(storage)).notice).toBe("The index was damaged and will be rebuilt.");
    storage.files.delete(meta);
    expect((await ScholiaIndex.open(storage)).notice).toBe("The index was damaged and will be rebuilt.");
  });

  it("in background mode, verifies the texts after open() and acts on damage before any text is shown", async () => {
    const { index, storage } = await seeded();
    await index.save();
    const textsName = (await storage.list()).find((n) => n.startsWith("texts"))!;
    // The last byte is inside the last passage: the file still parses, only its checksum can tell.
    storage.files.get(textsName)![storage.files.get(textsName)!.byteLength - 1] ^= 0x5a;
    const { index: loaded, notice } = await ScholiaIndex.open(storage, { model: MODEL, keyword: "background" });
    expect(notice).toBeUndefined();
    // A change made before the texts are checked keeps its text: it is not in the damaged file.
    const t = ["Zeppelins float on hydrogen"];
    loaded.putDocument(stamp("z.md"), doc("z.md", t), vecs(t));
    // The first search settles the check, so it never returns a chunk whose text is unverified.
    expect(paths(loaded, loaded.vectorSearch(hashedVector("residual connections", 64), 5))).toEqual(["z.md"]);
    expect(loaded.notice).toBe("The index was damaged and will be rebuilt.");
    // The files whose chunks were lost are forgotten, so the next index run reads them again.
    expect(loaded.listFiles().map((f) => f.path)).toEqual(["z.md"]);
    await loaded.keywordReady();
    expect(loaded.keywordSearch("residual", 5)).toEqual([]);
    expect(paths(loaded, loaded.keywordSearch("zeppelins", 5))).toEqual(["z.md"]);
    expect(loaded.isDirty).toBe(true);
    await loaded.save();
    const again = await ScholiaIndex.open(storage, { model: MODEL, keyword: "background" });
    expect(again.notice).toBeUndefined();
    await again.index.verified();
    expect(again.index.notice).toBeUndefined();
    expect(again.index.listFiles().map((f) => f.path)).toEqual(["z.md"]);
    expect(again.index.getChunk(0).text).toBe(t[0]);
  });

  it("in background mode, finds damage in every data file by the time it is used", async () => {
    const { index, storage } = await seeded();
    await index.save();
    for (const name of await storage.list()) {
      const original = storage.files.get(name)!;
      for (const at of [0, Math.floor(original.byteLength / 2), original.byteLength - 1]) {
        const broken = original.slice();
        broken[at] ^= 0x5a;
        storage.files.set(name, broken);
        const { index: loaded, notice } = await ScholiaIndex.open(storage, { model: MODEL, keyword: "background" });
        await loaded.verified();
        await loaded.keywordReady();
        const where = `${name} byte ${at}`;
        if (name.startsWith("keyword")) {
          expect(notice, where).toBeUndefined();
          expect(loaded.notice, where).toBe("The keyword index was damaged and has been rebuilt from the stored passages.");
          expect(loaded.chunkCount).toBe(5);
        } else {
          expect(notice ?? loaded.notice, where).toBe("The index was damaged and will be rebuilt.");
          expect(loaded.chunkCount, where).toBe(0);
        }
      }
      storage.files.set(name, original);
    }
  });

  it("can load the keyword index in the background, queueing changes made meanwhile", async () => {
    const { index, storage } = await seeded();
    await index.save();
    const { index: loaded, notice } = await ScholiaIndex.open(storage, { model: MODEL, keyword: "background" });
    expect(notice).toBeUndefined();
    // Vectors and chunks are usable at once; the keyword side follows.
    expect(loaded.vectorSearch(hashedVector("adam", 64), 1)).toHaveLength(1);
    const t = ["Zeppelins float on hydrogen"];
    loaded.putDocument(stamp("z.md"), doc("z.md", t), vecs(t));
    loaded.removeFile("Papers/adam.md");
    await loaded.keywordReady();
    expect(paths(loaded, loaded.keywordSearch("zeppelins", 5))).toEqual(["z.md"]);
    expect(loaded.keywordSearch("stochastic", 5)).toEqual([]);
    await loaded.save();
    const again = (await ScholiaIndex.open(storage)).index;
    expect(paths(again, again.keywordSearch("zeppelins", 5))).toEqual(["z.md"]);
    expect(again.keywordSearch("stochastic", 5)).toEqual([]);
  });

  it("rebuilds a damaged keyword index from the stored texts in the background, without re-embedding", async () => {
    const { index, storage } = await seeded();
    await index.save();
    const kwName = (await storage.list()).find((n) => n.startsWith("keyword"))!;
    storage.files.get(kwName)![100] ^= 1;
    const { index: loaded, notice } = await ScholiaIndex.open(storage, { model: MODEL, keyword: "background" });
    expect(notice).toBeUndefined();
    await loaded.keywordReady();
    expect(loaded.keywordNotice).toMatch(/rebuilt from the stored passages/u);
    expect(paths(loaded, loaded.keywordSearch("residual", 5))).toEqual(["Papers/resnet.md"]);
    expect(loaded.isDirty).toBe(true);
    await loaded.save();
    expect((await ScholiaIndex.open(storage)).notice).toBeUndefined();
  });

  it("rebuilds over a damaged index and cleans up its files", async () => {
    const { index, storage } = await seeded();
    await index.save();
    const vec = (await storage.list()).find((n) => n.startsWith("vectors-"))!;
    storage.files.get(vec)![40] ^= 1;
    const { index: fresh, notice } = await ScholiaIndex.open(storage, { model: MODEL });
    expect(notice).toBeDefined();
    fresh.putDocument(stamp("n.md"), doc("n.md", ["new start"]), vecs(["new start"]));
    await fresh.save();
    const names = await storage.list();
    expect(names).not.toContain(vec);
    const reopened = await ScholiaIndex.open(storage, { model: MODEL });
    expect(reopened.notice).toBeUndefined();
    expect(reopened.index.chunkCount).toBe(1);
  });

  it("treats an index of another format version as something to rebuild, and says so", async () => {
    const { index, storage } = await seeded();
    await index.save();
    const decoded = await decodeManifest(storage.files.get(MANIFEST_NAME)!);
    if (!decoded.ok) throw new Error("manifest should decode");
    storage.files.set(MANIFEST_NAME, await encodeManifest({ ...decoded.manifest, version: FORMAT_VERSION + 1 }));
    const { index: loaded, notice } = await ScholiaIndex.open(storage, { model: MODEL });
    expect(notice).toBe("The index was written by a different version of Scholia and will be rebuilt.");
    expect(loaded.chunkCount).toBe(0);
  });

  it("a keyword-only index stores no vectors and returns no vector hits", async () => {
    const storage = new MemoryStorage();
    const { index } = await ScholiaIndex.open(storage, { model: null });
    index.putDocument(stamp("a.md"), doc("a.md", ["plain keyword text"]), null);
    await index.save();
    expect((await storage.list()).some((n) => n.startsWith("vectors-"))).toBe(false);
    const { index: loaded } = await ScholiaIndex.open(storage, { model: null });
    expect(loaded.vectorSearch(new Float32Array(64), 5)).toEqual([]);
    expect(loaded.keywordSearch("keyword", 5)).toHaveLength(1);
    await expect(ScholiaIndex.open(storage, { model: MODEL })).rejects.toThrow(/without an embedding model/u);
  });
});
