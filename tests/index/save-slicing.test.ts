// A save encodes, checksums and writes in slices that give the event loop back, so the app keeps
// running while a large index is saved. These tests pin down what that must not cost: a save that
// other code interleaves with (adding, removing, renaming files; searching, which compacts) writes
// exactly the index as it was when save() was called, and every change made meanwhile is in memory
// at once and on disk after the next save.
import { describe, expect, it } from "vitest";
import { ScholiaIndex } from "../../src/core/index/scholia-index";
import { TimeSlicer } from "../../src/core/index/time-slicer";
import { VectorFileWriter } from "../../src/core/index/vector-file-writer";
import { VectorMatrix } from "../../src/core/index/vector-matrix";
import { decodeContainer } from "../../src/core/index/binary-container";
import { MemoryStorage, doc, hashedVector } from "./helpers";
import { seededRandom } from "../helpers/seeded-random";

const MODEL = "fake/hash-1024";
/** Wide vectors, so the vectors file is copied in several steps and a compaction can land between. */
const DIMS = 1024;

/** The token that names file `id` in its chunks and its tag: no token is a prefix of another, as
 *  keyword search also matches prefixes. */
const token = (id: number): string => `doc${id}end`;

/** Every chunk names its file's token and its own position, so any index can be checked for
 *  consistency without knowing when it was saved. */
function fileTexts(id: number, n: number): string[] {
  return Array.from({ length: n }, (_, j) => `${token(id)} passage ${j} about topic${(id * 7 + j) % 13} and more words w${j % 5}`);
}

function put(index: ScholiaIndex, id: number, n: number, path = `Notes/doc${id}.md`): void {
  const texts = fileTexts(id, n);
  index.putDocument(
    { path, size: n, mtime: 1, hash: `h${id}` },
    doc(path, texts, { title: `Doc ${id}`, tags: [token(id)] }),
    texts.map((t) => hashedVector(t, DIMS)),
  );
}

interface Shape {
  files: { path: string; size: number; mtime: number; hash: string; chunks: number; tags: string[] }[];
  chunks: string[];
}

/** What an index holds, independent of chunk order. */
function shape(index: ScholiaIndex): Shape {
  const files = index
    .listFiles()
    .map((f) => ({ path: f.path, size: f.size, mtime: f.mtime, hash: f.hash, chunks: f.chunks, tags: f.tags }))
    .sort((a, b) => a.path.localeCompare(b.path));
  const chunks = [...index.allChunks()].map((c) => `${c.path} | ${c.text}`).sort();
  return { files, chunks };
}

/** Metadata, texts, vectors and keyword index agree with one another. */
function expectConsistent(index: ScholiaIndex): void {
  const byFile = new Map<string, number>();
  for (let o = 0; o < index.chunkCount; o++) {
    const chunk = index.getChunk(o);
    const named = /^(doc\d+end) /u.exec(chunk.text)?.[1];
    expect(index.getFileTags(chunk.path), chunk.path).toEqual([named]);
    const v = index.getVector(o)!;
    const expected = hashedVector(chunk.text, DIMS);
    let dot = 0;
    for (let i = 0; i < DIMS; i++) dot += v[i] * expected[i];
    expect(dot, `vector of ${chunk.id}`).toBeGreaterThan(0.98);
    byFile.set(chunk.path, (byFile.get(chunk.path) ?? 0) + 1);
  }
  for (const f of index.listFiles()) {
    expect(byFile.get(f.path) ?? 0, f.path).toBe(f.chunks);
    if (f.chunks === 0) continue;
    const found = index.keywordSearch(f.tags[0], 1000).map((h) => index.getChunk(h.ordinal).path);
    expect(new Set(found), `keyword hits for ${f.tags[0]}`).toEqual(new Set([f.path]));
    expect(found).toHaveLength(f.chunks);
  }
}

async function reopen(storage: MemoryStorage): Promise<ScholiaIndex> {
  const { index, notice } = await ScholiaIndex.open(storage, { model: MODEL });
  expect(notice).toBeUndefined();
  return index;
}

/** Runs `step` on every turn of the event loop until `work` settles; returns how often it ran. */
async function interleave(work: Promise<unknown>, step: (i: number) => void): Promise<number> {
  let settled = false;
  let turns = 0;
  const done = work.finally(() => (settled = true));
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      if (settled) return resolve();
      step(turns++);
      setImmediate(tick);
    };
    // A task queued like the save's own yields (setImmediate in Node), so the two alternate turn by
    // turn however fast the machine is; timers would fire only once a millisecond had passed.
    setImmediate(tick);
  });
  await done;
  return turns;
}

async function seededIndex(storage: MemoryStorage, files: number): Promise<ScholiaIndex> {
  const { index } = await ScholiaIndex.open(storage, { model: MODEL, saveSliceMs: 0 });
  for (let id = 0; id < files; id++) put(index, id, 20 + (id % 30));
  await index.save();
  return index;
}

describe("saving in slices", () => {
  it("lets other tasks run while a large index is saved", async () => {
    const storage = new MemoryStorage();
    const index = await seededIndex(storage, 10);
    for (let id = 10; id < 120; id++) put(index, id, 25);
    let fired = 0;
    const turns = await interleave(index.save(), () => fired++);
    expect(turns).toBeGreaterThan(10);
    expect(fired).toBe(turns);
    expectConsistent(await reopen(storage));
  });

  it("writes the index as it was when save() was called, whatever runs in between, and the next save writes the rest", async () => {
    const storage = new MemoryStorage();
    const index = await seededIndex(storage, 80);
    // Changes for this save, removals among them, so the save itself compacts.
    index.removeFile("Notes/doc3.md");
    put(index, 1000, 12);
    put(index, 5, 7); // re-indexed: old chunks removed, new ones added
    const expected = shape(index);
    const rand = seededRandom(42);
    let nextId = 2000;
    const turns = await interleave(index.save(), (i) => {
      // Every turn removes, adds, renames, touches and searches, and searching compacts, which moves
      // the rows the save may be copying.
      const files = index.listFiles();
      index.removeFile(files[Math.floor(rand() * files.length)].path);
      put(index, nextId++, 1 + (i % 9));
      const f = index.listFiles()[Math.floor(rand() * index.listFiles().length)];
      if (i % 3 === 0) index.renameFile(f.path, `Moved/t${i}-${f.path.split("/").pop() ?? ""}`);
      else index.touchFile(f.path, f.size + 1, f.mtime + 1);
      index.keywordSearch(`${token(nextId - 1)} topic3`, 5);
      index.vectorSearch(hashedVector(token(nextId - 1), DIMS), 5);
      if (index.chunkCount > 0) index.getChunk(0);
    });
    expect(turns).toBeGreaterThan(4);
    const saved = await reopen(storage);
    expect(shape(saved)).toEqual(expected);
    expectConsistent(saved);

    // Nothing done during the save was lost: it is all in memory now, keyword index included...
    expectConsistent(index);
    expect(index.isDirty).toBe(true);
    // ...and on disk after the next save.
    const live = shape(index);
    await index.save();
    const next = await reopen(storage);
    expect(shape(next)).toEqual(live);
    expectConsistent(next);
  });

  it("a failed save lets go of the keyword changes it held, and its own changes go to the next save", async () => {
    const storage = new MemoryStorage();
    const index = await seededIndex(storage, 40);
    put(index, 500, 5);
    const failing = storage.writeAtomic.bind(storage);
    storage.writeAtomic = async (name, data) => {
      if (name.startsWith("keyword.")) throw new Error("disk full");
      return failing(name, data);
    };
    const saving = index.save();
    let added = false;
    await interleave(
      saving.catch(() => undefined),
      () => {
        if (!added) put(index, 501, 3);
        added = true;
      },
    );
    await expect(saving).rejects.toThrow("disk full");
    // The change made during the failed save is searchable, and the failed save's changes are kept.
    expect(index.keywordSearch(token(501), 10)).toHaveLength(3);
    expect(index.keywordSearch(token(500), 10)).toHaveLength(5);
    storage.writeAtomic = failing;
    const live = shape(index);
    await index.save();
    const saved = await reopen(storage);
    expect(shape(saved)).toEqual(live);
    expectConsistent(saved);
  });
});

/** A slicer that yields at every check and runs `onYield` at each yield, before the job goes on. */
class SteppingSlicer extends TimeSlicer {
  private turn = 0;
  constructor(private readonly onYield: (turn: number) => void) {
    super(0);
  }
  override async yieldNow(): Promise<void> {
    await super.yieldNow();
    this.onYield(this.turn++);
  }
}

describe("the vectors file of a save", () => {
  function matrix(rows: number, dims: number): VectorMatrix {
    const m = new VectorMatrix(dims);
    for (let r = 0; r < rows; r++) m.append(hashedVector(`row ${r} w${r % 7}`, dims));
    return m;
  }

  it("holds the rows of the snapshot although rows are appended and compacted while it is copied", async () => {
    const dims = 512;
    const m = matrix(9000, dims); // 2048 rows per 1 MB step: five steps
    const before = m.snapshot();
    const codes = before.codes.slice();
    const scales = before.scales.slice();
    const writer = new VectorFileWriter({ modelId: "m", dims, count: 9000 }, () => m.snapshot());
    // The changes run at the writer's own yields, so they land between its steps on any machine.
    let steps = 0;
    const slicer = new SteppingSlicer((i) => {
      steps++;
      if (i === 0) {
        // Appends may grow (and move) the matrix's memory.
        for (let r = 0; r < 3000; r++) m.append(hashedVector(`late ${r}`, dims));
      }
      if (i === 1) {
        // What ScholiaIndex.compact does before moving rows in place.
        writer.finishNow();
        const keep = new Uint8Array(m.count).fill(1);
        for (let r = 0; r < keep.length; r += 2) keep[r] = 0;
        m.compact(keep);
      }
    });
    const encoding = writer.encode(slicer);
    await encoding;
    expect(steps).toBeGreaterThanOrEqual(2);
    const file = decodeContainer<{ modelId: string; dims: number; count: number }>(await encoding);
    expect(file.header).toEqual({ modelId: "m", dims, count: 9000 });
    // Byte comparisons: a deep equality of 4.6 million elements would take the test's whole budget.
    expect(Buffer.from(file.i8("codes")).equals(Buffer.from(codes))).toBe(true);
    expect(Buffer.from(new Uint8Array(file.f32("scales").slice().buffer)).equals(Buffer.from(new Uint8Array(scales.buffer)))).toBe(true);
  });
});
