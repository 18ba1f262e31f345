// The keyword index is saved by a sliced copy of MiniSearch's toJSON() that reads MiniSearch's
// private maps. These tests pin it to the real toJSON(): if a MiniSearch upgrade changes its
// internals, they fail here rather than letting saves write something subtly different.
import MiniSearch from "minisearch";
import { describe, expect, it } from "vitest";
import { decodeContainer } from "../../src/core/index/binary-container";
import { KeywordIndex, type KeywordDoc } from "../../src/core/index/keyword-index";
import { internalsOf, serializeSliced } from "../../src/core/index/keyword-serialize";
import { TimeSlicer } from "../../src/core/index/time-slicer";
import { seededRandom } from "../helpers/seeded-random";

const WORDS = ["transformer", "attention", "gradient", "Straße", "naïve", "日本語", "x²", "café", "résumé", "42", "3.14", "quote\"d", "back\\slash"];

/** Docs with shared and rare words, words only in titles or headings (so a term's fields are not
 *  met in ascending order), Unicode, characters JSON escapes, and one word in every document. */
function docs(n: number, seed = 1, firstKey = 1): KeywordDoc[] {
  const r = seededRandom(seed);
  const out: KeywordDoc[] = [];
  for (let i = 0; i < n; i++) {
    const words = ["common"];
    for (let j = 0; j < 12; j++) words.push(r() < 0.5 ? WORDS[Math.floor(r() * WORDS.length)] : `w${Math.floor(r() * 400)}`);
    if (i % 7 === 0) words.push(`rare${i}`);
    out.push({
      key: firstKey + i,
      text: words.join(" "),
      title: i % 3 === 0 ? `titleonly${i % 11} common` : "",
      headings: i % 5 === 0 ? `heading${i % 4} Straße` : "",
    });
  }
  return out;
}

function miniOf(index: KeywordIndex): MiniSearch<KeywordDoc> {
  return (index as unknown as { mini: MiniSearch<KeywordDoc> }).mini;
}

/** The keyword file's contents put back together as one JSON text, in toJSON()'s field order. */
function reassemble(bytes: Uint8Array): string {
  const c = decodeContainer<{ meta: Record<string, unknown>; pieces: number }>(bytes);
  const decoder = new TextDecoder();
  const entries: string[] = [];
  for (let i = 0; i < c.header.pieces; i++) {
    const piece = decoder.decode(c.u8(`p${i}`));
    expect(piece.startsWith("[") && piece.endsWith("]")).toBe(true);
    if (piece.length > 2) entries.push(piece.slice(1, -1));
  }
  const { serializationVersion, ...rest } = c.header.meta;
  // toJSON() puts `index` just before serializationVersion.
  const head = JSON.stringify(rest).slice(0, -1);
  return `${head},"index":[${entries.join(",")}],"serializationVersion":${JSON.stringify(serializationVersion)}}`;
}

async function slicedBytes(index: KeywordIndex, sliceMs = 0): Promise<{ bytes: Uint8Array; yields: number }> {
  const slicer = new TimeSlicer(sliceMs);
  const snap = index.snapshot();
  try {
    return { bytes: await snap.encode(slicer), yields: slicer.yields };
  } finally {
    snap.release();
  }
}

function build(n: number, discard: number[] = []): KeywordIndex {
  const kw = KeywordIndex.empty();
  kw.addAll(docs(n));
  for (const key of discard) kw.discard(key);
  return kw;
}

const QUERIES = ["common", "transformer attention", "straße", "naive", "日本語", "rare14", "titleonly3", "heading2", "w17 w230", "gradiant", "trans", "3.14", "résumé café"];

function hits(index: KeywordIndex): unknown[] {
  return QUERIES.map((q) => index.search(q, 50));
}

/** Every hit with its score; equal scores in key order (a live index and a loaded one may list
 *  ties differently, whatever wrote the file). */
function allHits(index: KeywordIndex): unknown[] {
  return QUERIES.map((q) => index.search(q, 10_000).sort((a, b) => b.score - a.score || a.key - b.key));
}

describe("sliced keyword serialization", () => {
  it("writes exactly the JSON of MiniSearch's toJSON(), byte for byte", async () => {
    const kw = build(600, [3, 4, 99, 250]); // discarded documents leave dirt that toJSON() keeps
    const { bytes, yields } = await slicedBytes(kw);
    expect(yields).toBeGreaterThan(0);
    expect(reassemble(bytes)).toBe(JSON.stringify(miniOf(kw).toJSON()));
  });

  it("matches toJSON() for an index loaded from a file and changed after, and for an empty one", async () => {
    const first = build(300, [10]);
    const loaded = KeywordIndex.decode(first.encode());
    loaded.addAll(docs(50, 9, 10_000));
    loaded.discard(20);
    expect(reassemble((await slicedBytes(loaded)).bytes)).toBe(JSON.stringify(miniOf(loaded).toJSON()));
    const empty = KeywordIndex.empty();
    expect(reassemble((await slicedBytes(empty)).bytes)).toBe(JSON.stringify(miniOf(empty).toJSON()));
  });

  it("matches toJSON() for a term in more documents than one step writes at once", async () => {
    const kw = build(9000); // "common" is in all 9000 documents: one posting list written in steps
    expect(reassemble((await slicedBytes(kw)).bytes)).toBe(JSON.stringify(miniOf(kw).toJSON()));
  });

  it("loads into an index that searches exactly like the original", async () => {
    // With discarded documents: the same hits, scores and order as loading toJSON() gives. (A first
    // search of a dirty index cleans it up as it goes, so both sides run the same queries in turn.)
    const dirty = build(800, [5, 6, 7]);
    const viaSlices = KeywordIndex.decode((await slicedBytes(dirty)).bytes);
    const viaToJson = KeywordIndex.decode(dirty.encode());
    expect(hits(viaSlices)).toEqual(hits(viaToJson));
    expect(allHits(viaSlices)).toEqual(allHits(viaToJson));
    // Without: the same as the live index itself.
    const clean = build(800);
    expect(allHits(KeywordIndex.decode((await slicedBytes(clean)).bytes))).toEqual(allHits(clean));
    expect((await KeywordIndex.decodeAsync((await slicedBytes(clean)).bytes)).documentCount).toBe(clean.documentCount);
  });

  it("recognises the internals of the installed MiniSearch", () => {
    expect(internalsOf(miniOf(KeywordIndex.empty()))).not.toBeNull();
    expect(internalsOf({} as MiniSearch<KeywordDoc>)).toBeNull();
  });

  it("is unaffected by TimeSlicer budgets: the same bytes whether it yields often or never", async () => {
    const kw = build(400);
    const often = await slicedBytes(kw, 0);
    const never = await slicedBytes(kw, 1e9);
    expect(never.yields).toBe(0);
    expect(often.bytes).toEqual(never.bytes);
    const s = new TimeSlicer(0);
    expect(await serializeSliced(internalsOf(miniOf(kw))!, s)).toEqual(await serializeSliced(internalsOf(miniOf(kw))!, new TimeSlicer(1e9)));
  });
});

describe("a keyword index frozen for a save", () => {
  it("holds changes until released, then applies them in order", async () => {
    const kw = build(100);
    const snap = kw.snapshot();
    const before = JSON.stringify(miniOf(kw).toJSON());
    kw.addAll(docs(5, 3, 5000));
    kw.discard(1);
    kw.add({ key: 6000, text: "zebra", title: "", headings: "" });
    kw.discard(6000);
    expect(JSON.stringify(miniOf(kw).toJSON())).toBe(before);
    expect(kw.search("zebra", 5)).toEqual([]);
    const bytes = await snap.encode(new TimeSlicer(0));
    snap.release();
    expect(reassemble(bytes)).toBe(before);
    expect(kw.has(5000) && kw.has(5004)).toBe(true);
    expect(kw.has(1) || kw.has(6000)).toBe(false);
  });

  it("does not let searches clean up discarded documents while it is frozen", async () => {
    const kw = build(200, [1, 2, 3, 4, 5, 6, 7, 8]);
    const snap = kw.snapshot();
    const before = JSON.stringify(miniOf(kw).toJSON());
    // Searching terms of discarded documents would make MiniSearch remove them from the term tree.
    for (const q of ["common", "rare7", "titleonly1", "w1", "attention"]) kw.search(q, 10);
    expect(JSON.stringify(miniOf(kw).toJSON())).toBe(before);
    snap.release();
    kw.search("rare7", 10);
    expect(JSON.stringify(miniOf(kw).toJSON())).not.toBe(before);
  });
});
