// The encoders a save runs in slices produce exactly what their one-shot counterparts produce, so
// slicing changes when the work happens, never the bytes on disk.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { encodeContainer, encodeContainerSliced } from "../../src/core/index/binary-container";
import { ChunkTable } from "../../src/core/index/chunk-table";
import { xxh32Hex, xxh32HexSliced } from "../../src/core/index/checksum";
import { stringifyArraySliced, stringifyObjectSliced } from "../../src/core/index/sliced-json";
import { TimeSlicer } from "../../src/core/index/time-slicer";
import type { Chunk } from "../../src/core/types";
import { seededRandom } from "../helpers/seeded-random";

const RUNS = Number(process.env.SCHOLIA_FUZZ_RUNS ?? "100");

function bytes(n: number, seed: number): Uint8Array {
  const r = seededRandom(seed);
  return Uint8Array.from({ length: n }, () => Math.floor(r() * 256));
}

describe("sliced JSON", () => {
  it("writes what JSON.stringify writes, for any header-like object", async () => {
    const value = fc.oneof(fc.string(), fc.double(), fc.integer(), fc.boolean(), fc.constant(null), fc.constant(undefined));
    const header = fc.dictionary(
      fc.oneof(fc.string(), fc.constantFrom("0", "7", "42", "files", "count")),
      fc.oneof(value, fc.array(fc.oneof(value, fc.dictionary(fc.string(), value)), { maxLength: 700 }), fc.dictionary(fc.string(), value)),
    );
    await fc.assert(
      fc.asyncProperty(header, async (h) => {
        expect(await stringifyObjectSliced(h, new TimeSlicer(0))).toBe(JSON.stringify(h));
      }),
      { numRuns: RUNS },
    );
  });

  it("yields between slices of a long array", async () => {
    const slicer = new TimeSlicer(0);
    const items = Array.from({ length: 2000 }, (_, i) => ({ path: `Notes/${i}.md`, tags: [`t${i % 3}`], gone: undefined }));
    expect(await stringifyArraySliced(items, slicer)).toBe(JSON.stringify(items));
    expect(slicer.yields).toBeGreaterThan(3);
  });
});

describe("sliced containers", () => {
  it("are byte-identical to encodeContainer, with sections given whole or in parts", async () => {
    const header = { modelId: "a/b", files: [{ path: "ü.md", n: 1 }], count: 3 };
    const whole = { a: new Float64Array([1.5, -2]), codes: new Int8Array(bytes(3_000_001, 1).buffer), c: new Uint32Array([7, 8, 9]), empty: new Uint8Array(0) };
    const expected = encodeContainer(header, whole);
    const blob = bytes(2_500_003, 2);
    const parts = [blob.subarray(0, 17), blob.subarray(17, 1_000_000), blob.subarray(1_000_000)];
    const slicer = new TimeSlicer(0);
    const sliced = await encodeContainerSliced(JSON.stringify(header), { ...whole, blob: parts }, slicer);
    expect(slicer.yields).toBeGreaterThan(2);
    const reference = encodeContainer(header, { ...whole, blob });
    expect(Buffer.from(sliced).equals(Buffer.from(reference))).toBe(true);
    expect(Buffer.from(await encodeContainerSliced(JSON.stringify(header), whole, slicer)).equals(Buffer.from(expected))).toBe(true);
    // Handed to APIs that take an ArrayBuffer without a copy.
    expect(sliced.byteOffset === 0 && sliced.byteLength === sliced.buffer.byteLength).toBe(true);
  });
});

describe("sliced checksums", () => {
  it("give the xxHash32 of the whole, at every length around the step and stripe sizes", async () => {
    const data = bytes((1 << 20) * 3 + 37, 3);
    for (const n of [0, 1, 15, 16, 17, 1 << 20, (1 << 20) + 1, data.length]) {
      const slicer = new TimeSlicer(0);
      expect(await xxh32HexSliced(data.subarray(0, n), slicer), `${n} bytes`).toBe(xxh32Hex(data.subarray(0, n)));
    }
  });
});

describe("chunk table snapshots", () => {
  function table(n: number): { t: ChunkTable; chunks: Chunk[] } {
    const t = new ChunkTable();
    const chunks: Chunk[] = [];
    for (let i = 0; i < n; i++) {
      const chunk: Chunk = {
        id: `f${i % 7}.md#p${i}`,
        path: `f${i % 7}.md`,
        kind: "markdown",
        text: `passage ${i} — ünïcode ${"x".repeat(i % 50)}`,
        title: i % 3 === 0 ? `Own title ${i}` : "File",
        headings: i % 2 ? ["A", `B ${i % 4}`] : undefined,
        line: i,
      };
      if (i % 5 === 0) chunk.page = 1 + (i % 9);
      t.append(chunk, 1 + (i % 7), i + 1, "File");
      chunks.push(chunk);
    }
    return { t, chunks };
  }

  const read = (t: ChunkTable, o: number, path: string): Chunk => t.get(o, { path, kind: "markdown", title: "File" });

  it("encode the table as it was when taken, although it changes while they are encoded", async () => {
    const { t, chunks } = table(3000);
    const snap = t.snapshot();
    const slicer = new TimeSlicer(0);
    const meta = snap.encodeMeta({ files: [], note: "x" }, slicer);
    const texts = snap.encodeTexts(slicer);
    // Changes meanwhile: appends, and a compaction that moves every row after the first.
    t.append({ id: "late.md#0", path: "late.md", kind: "markdown", text: "late" }, 99, 10_000, "Late");
    const keep = new Uint8Array(t.count).fill(1);
    keep[0] = 0;
    t.compact(keep);
    const { table: back, header } = ChunkTable.decode<{ note: string }>(await meta, await texts);
    expect(slicer.yields).toBeGreaterThan(0);
    expect(header.note).toBe("x");
    expect(back.count).toBe(3000);
    const reference = table(3000).t;
    for (let o = 0; o < 3000; o++) expect(read(back, o, chunks[o].path)).toEqual(read(reference, o, chunks[o].path));
  });

  it("encode texts loaded from a file and texts added since, in order", async () => {
    const { t } = table(500);
    const slicer = new TimeSlicer(0);
    const first = t.snapshot();
    const loaded = ChunkTable.decode<object>(await first.encodeMeta({}, slicer), await first.encodeTexts(slicer)).table;
    loaded.append({ id: "n.md#0", path: "n.md", kind: "markdown", text: "new one" }, 8, 9999, "N");
    const keep = new Uint8Array(loaded.count).fill(1);
    for (let o = 0; o < keep.length; o += 3) keep[o] = 0;
    loaded.compact(keep);
    const again = loaded.snapshot();
    const back = ChunkTable.decode<object>(await again.encodeMeta({}, slicer), await again.encodeTexts(slicer)).table;
    expect(back.count).toBe(loaded.count);
    for (let o = 0; o < back.count; o++) expect(back.text(o)).toBe(loaded.text(o));
    expect(back.text(back.count - 1)).toBe("new one");
  });

  it("compaction keeps exactly the flagged rows, in order, for any pattern of removals", () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: 1, maxLength: 300 }), (flags) => {
        const { t, chunks } = table(flags.length);
        t.compact(Uint8Array.from(flags, (f) => (f ? 1 : 0)));
        const kept = chunks.filter((_, i) => flags[i]);
        expect(t.count).toBe(kept.length);
        kept.forEach((c, o) => {
          expect(t.text(o)).toBe(c.text);
          expect(read(t, o, c.path).id).toBe(c.id);
          expect(read(t, o, c.path).headings).toEqual(c.headings);
        });
      }),
      { numRuns: RUNS },
    );
  });
});
