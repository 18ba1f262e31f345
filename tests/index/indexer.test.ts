import { describe, expect, it } from "vitest";
import { indexFile, removeFile, renameFile, runIndex, type IndexJobOptions, type IndexProgress } from "../../src/core/index/indexer";
import { createJobControl } from "../../src/core/index/job-control";
import { ScholiaIndex } from "../../src/core/index/scholia-index";
import { FakeEmbedder, MemoryStorage, MemoryVault, hashedVector, makeIngest } from "./helpers";

function setup() {
  const vault = new MemoryVault();
  vault.write("Papers/adam.md", "# Adam\n\ntags: ml\n\nAdam is a method for stochastic optimization.\n\nWe use a learning rate of 0.0001.");
  vault.write("Papers/resnet.md", "# ResNet\n\ntags: ml/vision\n\nResidual connections ease the training of deep networks.");
  vault.write("Notes/todo.md", "# Todo\n\nBuy bread.");
  vault.write("Papers/secret.pdf.md", "ENCRYPTED");
  vault.write("Papers/broken.pdf.md", "CORRUPT");
  vault.write("image.png", "binary");
  const storage = new MemoryStorage();
  const embedder = new FakeEmbedder();
  const { ingest, calls } = makeIngest();
  return { vault, storage, embedder, ingest, ingestCalls: calls };
}

type Setup = ReturnType<typeof setup>;

async function run(s: Setup, extra: Partial<IndexJobOptions> = {}) {
  const { index } = await ScholiaIndex.open(s.storage, { model: s.embedder.id });
  const result = await runIndex({
    vault: s.vault, index, embedder: s.embedder, ingest: s.ingest, isIndexable: (p) => p.endsWith(".md"), ...extra,
  });
  return { index, result };
}

describe("indexing job", () => {
  it("indexes every indexable file and reports each with a status and reason", async () => {
    const s = setup();
    const { result, index } = await run(s);
    const byPath = Object.fromEntries(result.files.map((f) => [f.path, f]));
    expect(byPath["Papers/adam.md"]).toEqual({ path: "Papers/adam.md", status: "indexed", chunks: 3 });
    expect(byPath["Papers/secret.pdf.md"]).toMatchObject({ status: "skipped", reason: "The PDF is encrypted." });
    expect(byPath["Papers/broken.pdf.md"]).toMatchObject({ status: "failed", reason: "The PDF is damaged." });
    expect(byPath["image.png"]).toBeUndefined();
    expect(result.totals).toEqual({ indexed: 3, unchanged: 0, skipped: 1, failed: 1, chunks: 7 });
    expect(result.model).toBe("fake/hash-64");
    expect(index.getFileTags("Papers/resnet.md")).toEqual(["ml/vision"]);
    expect(index.getFile("Papers/adam.md")?.title).toBe("Adam");
  });

  it("re-indexes only changed files: unchanged files are neither read, ingested nor embedded", async () => {
    const s = setup();
    await run(s);
    s.vault.reads = [];
    s.ingestCalls.length = 0;
    s.embedder.embedded = [];
    s.vault.write("Notes/todo.md", "# Todo\n\nBuy bread and milk.");
    s.vault.touch("Papers/adam.md"); // new mtime, same bytes (e.g. a sync tool)
    const { result } = await run(s);
    // adam.md is read to compare its hash, but not ingested or embedded again.
    expect(s.vault.reads.sort()).toEqual(["Notes/todo.md", "Papers/adam.md", "Papers/broken.pdf.md"]);
    expect(s.ingestCalls.sort()).toEqual(["Notes/todo.md", "Papers/broken.pdf.md"]);
    expect(s.embedder.embedded).toEqual(["# Todo", "Buy bread and milk."]);
    expect(result.totals).toMatchObject({ indexed: 1, unchanged: 2, skipped: 1, failed: 1 });
    // A third run with nothing changed reads nothing but the file that failed before.
    s.vault.reads = [];
    s.embedder.calls = 0;
    const third = await run(s);
    expect(s.vault.reads).toEqual(["Papers/broken.pdf.md"]);
    expect(s.embedder.calls).toBe(0);
    expect(third.result.totals).toMatchObject({ indexed: 0, unchanged: 3, skipped: 1, failed: 1 });
  });

  it("recognises a moved file by its content and keeps its vectors", async () => {
    const s = setup();
    await run(s);
    s.vault.rename("Papers/resnet.md", "Archive/resnet-2015.md");
    s.ingestCalls.length = 0;
    s.embedder.calls = 0;
    const { result, index } = await run(s);
    // Only the file that failed last time is tried again.
    expect(s.ingestCalls).toEqual(["Papers/broken.pdf.md"]);
    expect(s.embedder.calls).toBe(0);
    expect(result.files.find((f) => f.path === "Archive/resnet-2015.md")).toMatchObject({ status: "unchanged", reason: "moved from Papers/resnet.md" });
    expect(result.removed).toEqual([]);
    const hit = index.vectorSearch(hashedVector("Residual connections ease the training of deep networks.", 64), 1)[0];
    expect(index.getChunk(hit.ordinal).path).toBe("Archive/resnet-2015.md");
    expect(hit.score).toBeGreaterThan(0.99);
  });

  it("drops files that left the vault or the include/exclude scope", async () => {
    const s = setup();
    await run(s);
    s.vault.delete("Notes/todo.md");
    const { result, index } = await run(s, { exclude: ["Papers/broken*"] });
    expect(result.removed.sort()).toEqual(["Notes/todo.md", "Papers/broken.pdf.md"]);
    expect(index.getFile("Notes/todo.md")).toBeUndefined();
    expect(index.keywordSearch("bread", 5)).toEqual([]);
    const only = await run(s, { include: ["Papers/**/*.md"], exclude: ["*secret*"] });
    expect(only.result.files.map((f) => f.path).sort()).toEqual(["Papers/adam.md", "Papers/broken.pdf.md", "Papers/resnet.md"]);
  });

  it("keeps going when a file throws an unexpected error or its embedding fails", async () => {
    const s = setup();
    s.vault.write("Notes/bug.md", "BUG");
    s.vault.write("Notes/explode.md", "# Boom\n\nthis text makes the model explode");
    s.embedder.failOn = "explode";
    const { result } = await run(s, { batchSize: 1 });
    expect(result.files.find((f) => f.path === "Notes/bug.md")).toMatchObject({ status: "failed", reason: "cannot read properties of undefined" });
    expect(result.files.find((f) => f.path === "Notes/explode.md")).toMatchObject({ status: "failed", reason: "Embedding failed: model exploded" });
    expect(result.totals.indexed).toBe(3);
  });

  it("batches chunks across files and reports progress up to completion", async () => {
    const s = setup();
    for (let i = 0; i < 20; i++) s.vault.write(`Notes/n${i}.md`, `# N${i}\n\nnote number ${i}`);
    const seen: IndexProgress[] = [];
    const { result } = await run(s, { batchSize: 16, onProgress: (p) => seen.push(p) });
    // 26 files, 52 chunks in batches of 16: four calls, not one per file.
    expect(s.embedder.calls).toBe(Math.ceil(result.totals.chunks / 16));
    const last = seen[seen.length - 1];
    expect(last).toMatchObject({ filesDone: 25, filesTotal: 25, chunksDone: result.totals.chunks, currentPath: null, etaSeconds: 0 });
    expect(seen.map((p) => p.filesDone)).toEqual([...seen.map((p) => p.filesDone)].sort((a, b) => a - b));
  });

  it("saves periodically, so a run that dies midway keeps the files it committed", async () => {
    const s = setup();
    for (let i = 0; i < 10; i++) s.vault.write(`Notes/n${i}.md`, `note ${i}`);
    const controller = new AbortController();
    let batches = 0;
    s.embedder.beforeBatch = () => {
      if (++batches === 8) controller.abort();
    };
    const { result } = await run(s, { batchSize: 1, saveEvery: 2, signal: controller.signal });
    expect(result.cancelled).toBe(true);
    const committed = result.files.filter((f) => f.status === "indexed").map((f) => f.path);
    expect(committed.length).toBeGreaterThan(0);
    const { index } = await ScholiaIndex.open(s.storage, { model: s.embedder.id });
    expect(index.listFiles().filter((f) => f.status === "indexed").map((f) => f.path).sort()).toEqual(committed.sort());
    // The next run finishes the job without redoing committed files.
    s.embedder.beforeBatch = null;
    s.ingestCalls.length = 0;
    const next = await run(s);
    expect(next.result.cancelled).toBe(false);
    for (const p of committed) expect(s.ingestCalls).not.toContain(p);
    expect(next.result.totals.indexed + next.result.totals.unchanged).toBe(13);
  });

  it("pauses between batches and resumes where it stopped", async () => {
    const s = setup();
    const control = createJobControl();
    let batches = 0;
    s.embedder.beforeBatch = () => {
      if (++batches === 2) control.pause();
    };
    const running = run(s, { batchSize: 1, control });
    await new Promise((r) => setTimeout(r, 50));
    expect(control.paused).toBe(true);
    const callsWhilePaused = s.embedder.calls;
    await new Promise((r) => setTimeout(r, 50));
    expect(s.embedder.calls).toBe(callsWhilePaused);
    control.resume();
    const { result } = await running;
    expect(result.totals.indexed).toBe(3);
  });

  it("can be cancelled while paused", async () => {
    const s = setup();
    const control = createJobControl();
    const controller = new AbortController();
    control.pause();
    const running = run(s, { control, signal: controller.signal });
    await new Promise((r) => setTimeout(r, 20));
    controller.abort();
    const { result } = await running;
    expect(result.cancelled).toBe(true);
    expect(s.ingestCalls).toEqual([]);
  });

  it("refuses to mix models: an index built with one model is not extended with another", async () => {
    const s = setup();
    const { index } = await run(s);
    const other = new FakeEmbedder("other/model", 64);
    await expect(runIndex({ vault: s.vault, index, embedder: other, ingest: s.ingest, isIndexable: () => true })).rejects.toThrow(
      "This index was built with model fake/hash-64; re-index or pass --model fake/hash-64.",
    );
  });

  it("builds a keyword-only index when there is no embedder", async () => {
    const s = setup();
    const { index } = await ScholiaIndex.open(s.storage, { model: null });
    const { totals, model } = await runIndex({ vault: s.vault, index, embedder: null, ingest: s.ingest, isIndexable: (p) => p.endsWith(".md") });
    expect(model).toBeNull();
    expect(totals.indexed).toBe(3);
    expect(index.keywordSearch("residual", 3)).toHaveLength(1);
  });
});

describe("vault event entry points", () => {
  it("index, rename and remove single files, saving each change", async () => {
    const s = setup();
    const { index } = await ScholiaIndex.open(s.storage, { model: s.embedder.id });
    const opts = { vault: s.vault, index, embedder: s.embedder, ingest: s.ingest };
    const entry = (await s.vault.list()).find((e) => e.path === "Papers/adam.md")!;
    expect(await indexFile(opts, entry)).toEqual({ path: "Papers/adam.md", status: "indexed", chunks: 3 });
    expect(await indexFile(opts, entry)).toEqual({ path: "Papers/adam.md", status: "unchanged", chunks: 3 });
    const calls = s.embedder.calls;
    expect(await renameFile(index, "Papers/adam.md", "Read/adam.md")).toBe(true);
    expect(s.embedder.calls).toBe(calls);
    let reopened = (await ScholiaIndex.open(s.storage)).index;
    expect(reopened.getFile("Read/adam.md")?.chunks).toBe(3);
    expect(await removeFile(index, "Read/adam.md")).toBe(true);
    expect(await removeFile(index, "Read/adam.md")).toBe(false);
    reopened = (await ScholiaIndex.open(s.storage)).index;
    expect(reopened.chunkCount).toBe(0);
  });
});
