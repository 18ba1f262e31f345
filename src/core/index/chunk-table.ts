// Chunk metadata in columns: one typed array per field, strings (heading paths, block ids, video
// URLs, id suffixes) interned in a table, texts in one UTF-8 blob decoded only when a chunk is
// shown. Loading 100k chunks is therefore a handful of typed-array views over the file bytes
// rather than 100k objects, and paths live once per file, so renames never touch chunks.
import type { Chunk, PdfSelection, SourceKind } from "../types";
import { ContainerFormatError, decodeContainer, encodeContainerSliced } from "./binary-container";
import { stringifyObjectSliced } from "./sliced-json";
import type { TimeSlicer } from "./time-slicer";

/** The file-level facts a chunk inherits when it is materialized. */
export interface ChunkOwner {
  path: string;
  kind: SourceKind;
  title: string;
}

const NONE = -1;
const HEADING_SEP = "\u001f";

interface Columns {
  fileId: Uint32Array;
  key: Uint32Array;
  page: Int32Array;
  line: Int32Array;
  start: Float64Array;
  end: Float64Array;
  sel: Int32Array;
  headings: Int32Array;
  blockId: Int32Array;
  video: Int32Array;
  suffix: Int32Array;
  title: Int32Array;
  /** Index into the loaded text blob, or -1 when the text is held as a string. */
  textSrc: Int32Array;
}

const COLUMN_WIDTH: Record<keyof Columns, number> = {
  fileId: 1, key: 1, page: 1, line: 1, start: 1, end: 1, sel: 4, headings: 1, blockId: 1, video: 1,
  suffix: 1, title: 1, textSrc: 1,
};

function allocate(cap: number): Columns {
  return {
    fileId: new Uint32Array(cap), key: new Uint32Array(cap), page: new Int32Array(cap),
    line: new Int32Array(cap), start: new Float64Array(cap), end: new Float64Array(cap),
    sel: new Int32Array(cap * 4), headings: new Int32Array(cap), blockId: new Int32Array(cap),
    video: new Int32Array(cap), suffix: new Int32Array(cap), title: new Int32Array(cap),
    textSrc: new Int32Array(cap),
  };
}

class StringPool {
  private index: Map<string, number> | null = null;
  constructor(readonly values: string[] = []) {}

  intern(s: string | undefined): number {
    if (s === undefined) return NONE;
    if (!this.index) this.index = new Map(this.values.map((v, i) => [v, i]));
    let i = this.index.get(s);
    if (i === undefined) {
      i = this.values.length;
      this.values.push(s);
      this.index.set(s, i);
    }
    return i;
  }

  get(i: number): string | undefined {
    return i === NONE ? undefined : this.values[i];
  }
}

interface TableHeader {
  count: number;
  strings: string[];
}

export class ChunkTable {
  private cols: Columns;
  private cap: number;
  private n = 0;
  private strings: StringPool;
  /** Texts added since the load, by ordinal (sparse). */
  private texts: (string | undefined)[] = [];
  private blob: Uint8Array = new Uint8Array(0);
  private blobOffsets: Uint32Array = new Uint32Array(1);
  private readonly decoder = new TextDecoder();

  constructor() {
    this.cap = 64;
    this.cols = allocate(this.cap);
    this.strings = new StringPool();
  }

  get count(): number {
    return this.n;
  }

  fileIdOf(ordinal: number): number {
    return this.cols.fileId[ordinal];
  }

  keyOf(ordinal: number): number {
    return this.cols.key[ordinal];
  }

  /** Keys ascend with ordinals (chunks are appended with increasing keys and compaction keeps
   *  order), so a key is found by binary search. */
  ordinalOfKey(key: number): number {
    const keys = this.cols.key;
    let lo = 0;
    let hi = this.n - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = keys[mid];
      if (v === key) return mid;
      if (v < key) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  private grow(min: number): void {
    if (min <= this.cap) return;
    const cap = Math.max(min, this.cap * 2);
    const next = allocate(cap);
    for (const name of Object.keys(next) as (keyof Columns)[]) {
      (next[name] as Int32Array).set((this.cols[name] as Int32Array).subarray(0, this.n * COLUMN_WIDTH[name]));
    }
    this.cols = next;
    this.cap = cap;
  }

  append(chunk: Chunk, fileId: number, key: number, fileTitle: string): number {
    this.grow(this.n + 1);
    const o = this.n++;
    const c = this.cols;
    c.fileId[o] = fileId;
    c.key[o] = key;
    c.page[o] = chunk.page ?? 0;
    c.line[o] = chunk.line ?? NONE;
    c.start[o] = chunk.start ?? NaN;
    c.end[o] = chunk.end ?? NaN;
    const sel = chunk.selection;
    for (let j = 0; j < 4; j++) c.sel[o * 4 + j] = sel ? sel[j] : NONE;
    c.headings[o] = chunk.headings && chunk.headings.length > 0 ? this.strings.intern(chunk.headings.join(HEADING_SEP)) : NONE;
    c.blockId[o] = this.strings.intern(chunk.blockId);
    c.video[o] = this.strings.intern(chunk.video);
    const hash = chunk.id.lastIndexOf("#");
    c.suffix[o] = this.strings.intern(hash >= 0 ? chunk.id.slice(hash + 1) : String(o));
    c.title[o] = chunk.title !== undefined && chunk.title !== fileTitle ? this.strings.intern(chunk.title) : NONE;
    c.textSrc[o] = NONE;
    this.texts[o] = chunk.text;
    return o;
  }

  text(o: number): string {
    const src = this.cols.textSrc[o];
    if (src === NONE) return this.texts[o] ?? "";
    return this.decoder.decode(this.blob.subarray(this.blobOffsets[src], this.blobOffsets[src + 1]));
  }

  /** True when the chunk's text lives in the loaded texts file (not added since the load). */
  textIsFromFile(o: number): boolean {
    return this.cols.textSrc[o] !== NONE;
  }

  /** Drops the loaded texts file once no chunk refers to it (after a compaction). */
  releaseFileTexts(): void {
    for (let o = 0; o < this.n; o++) if (this.cols.textSrc[o] !== NONE) throw new Error("internal: loaded texts are still in use");
    this.blob = new Uint8Array(0);
    this.blobOffsets = new Uint32Array(1);
  }

  headings(o: number): string[] | undefined {
    const h = this.strings.get(this.cols.headings[o]);
    return h === undefined ? undefined : h.split(HEADING_SEP);
  }

  get(o: number, owner: ChunkOwner): Chunk {
    const c = this.cols;
    const chunk: Chunk = {
      id: `${owner.path}#${this.strings.get(c.suffix[o]) ?? o}`,
      path: owner.path,
      kind: owner.kind,
      text: this.text(o),
      title: this.strings.get(c.title[o]) ?? owner.title,
    };
    if (c.page[o] > 0) chunk.page = c.page[o];
    if (c.sel[o * 4] !== NONE) chunk.selection = Array.from(c.sel.subarray(o * 4, o * 4 + 4)) as PdfSelection;
    const headings = this.headings(o);
    if (headings) chunk.headings = headings;
    const blockId = this.strings.get(c.blockId[o]);
    if (blockId !== undefined) chunk.blockId = blockId;
    if (c.line[o] !== NONE) chunk.line = c.line[o];
    if (!Number.isNaN(c.start[o])) chunk.start = c.start[o];
    if (!Number.isNaN(c.end[o])) chunk.end = c.end[o];
    const video = this.strings.get(c.video[o]);
    if (video !== undefined) chunk.video = video;
    return chunk;
  }

  /** Keeps the chunks whose `keep` flag is set, in order. Runs of kept rows move with one
   *  copyWithin per column (removed chunks come a file at a time), so compacting 100k rows after a
   *  file is re-indexed takes a few milliseconds, not the tens that a row-by-row move took. */
  compact(keep: Uint8Array): void {
    const c = this.cols;
    const names = Object.keys(c) as (keyof Columns)[];
    let w = 0;
    let r = 0;
    while (r < this.n) {
      if (!keep[r]) {
        r++;
        continue;
      }
      let end = r + 1;
      while (end < this.n && keep[end]) end++;
      if (w !== r) {
        for (const name of names) {
          const width = COLUMN_WIDTH[name];
          c[name].copyWithin(w * width, r * width, end * width);
        }
        for (let i = r; i < end; i++) this.texts[w + i - r] = this.texts[i];
      }
      w += end - r;
      r = end;
    }
    this.texts.length = w;
    this.n = w;
  }

  /** The rows as they are now, for a save that encodes them while the table goes on changing. The
   *  fixed-width columns are copied (about 70 bytes a chunk: a few milliseconds for 100k chunks);
   *  strings and text bytes are shared, as nothing changes them in place. */
  snapshot(): ChunkTableSnapshot {
    const copy = {} as Columns;
    for (const name of Object.keys(this.cols) as (keyof Columns)[]) {
      (copy as unknown as Record<string, Int32Array>)[name] = (this.cols[name] as Int32Array).slice(0, this.n * COLUMN_WIDTH[name]);
    }
    return new ChunkTableSnapshot(this.n, copy, this.strings, this.texts.slice(0, this.n), this.blob, this.blobOffsets);
  }

  /** Reads both files back. Throws ContainerFormatError when they disagree with each other. */
  static decode<H extends object>(metaBytes: Uint8Array, textBytes: Uint8Array): { table: ChunkTable; header: TableHeader & H } {
    const meta = decodeContainer<TableHeader & H>(metaBytes);
    const texts = decodeContainer<{ count: number }>(textBytes);
    const n = meta.header.count;
    if (!Number.isInteger(n) || n < 0 || texts.header.count !== n) throw new ContainerFormatError("chunk and text counts differ");
    const t = new ChunkTable();
    const cols: Columns = {
      fileId: meta.u32("fileId"), key: meta.u32("key"), page: meta.i32("page"), line: meta.i32("line"),
      start: meta.f64("start"), end: meta.f64("end"), sel: meta.i32("sel"), headings: meta.i32("headings"),
      blockId: meta.i32("blockId"), video: meta.i32("video"), suffix: meta.i32("suffix"), title: meta.i32("title"),
      textSrc: new Int32Array(n),
    };
    for (const name of Object.keys(cols) as (keyof Columns)[]) {
      if (cols[name].length !== n * COLUMN_WIDTH[name]) throw new ContainerFormatError(`column ${name} has the wrong length`);
    }
    const strings = meta.header.strings;
    if (!Array.isArray(strings)) throw new ContainerFormatError("string table missing");
    for (const name of ["headings", "blockId", "video", "suffix", "title"] as const) {
      const col = cols[name];
      for (let i = 0; i < n; i++) if (col[i] < NONE || col[i] >= strings.length) throw new ContainerFormatError(`column ${name} points outside the string table`);
    }
    for (let i = 1; i < n; i++) if (cols.key[i] <= cols.key[i - 1]) throw new ContainerFormatError("chunk keys are out of order");
    const offsets = texts.u32("offsets");
    const blob = texts.u8("blob");
    if (offsets.length !== n + 1 || offsets[n] !== blob.byteLength) throw new ContainerFormatError("text offsets do not match the text blob");
    for (let i = 0; i < n; i++) {
      if (offsets[i] > offsets[i + 1]) throw new ContainerFormatError("text offsets are out of order");
      cols.textSrc[i] = i;
    }
    // The views above are read-only snapshots of the file; appends copy them into growable arrays.
    t.cols = cols;
    t.cap = n;
    t.n = n;
    t.strings = new StringPool(strings);
    t.blob = blob;
    t.blobOffsets = offsets;
    return { table: t, header: meta.header };
  }
}

/** Bytes of freshly encoded text gathered in one buffer before the next is started. */
const TEXT_BLOCK = 4 << 20;

/** A table frozen by ChunkTable.snapshot(), encoded in slices that yield to the event loop. */
export class ChunkTableSnapshot {
  constructor(
    readonly count: number,
    private readonly cols: Columns,
    /** Append-only: the entries this snapshot refers to never change. */
    private readonly strings: StringPool,
    private readonly texts: (string | undefined)[],
    private readonly blob: Uint8Array,
    private readonly blobOffsets: Uint32Array,
  ) {}

  /** Metadata file and text file, encoded separately so a rename rewrites only the metadata. The
   *  header is {...extraHeader, count, strings}; its array properties are stringified in slices. */
  async encodeMeta(extraHeader: Readonly<Record<string, unknown>>, slicer: TimeSlicer): Promise<Uint8Array> {
    const n = this.count;
    // A fresh string table holds only strings still referenced, so removed files leave nothing behind.
    const pool = new StringPool();
    const remap = async (col: Int32Array): Promise<Int32Array> => {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        out[i] = col[i] === NONE ? NONE : pool.intern(this.strings.get(col[i]));
        if ((i & 1023) === 1023 && slicer.due) await slicer.yieldNow();
      }
      return out;
    };
    const c = this.cols;
    const sections = {
      fileId: c.fileId,
      key: c.key,
      page: c.page,
      line: c.line,
      start: c.start,
      end: c.end,
      sel: c.sel,
      headings: await remap(c.headings),
      blockId: await remap(c.blockId),
      video: await remap(c.video),
      suffix: await remap(c.suffix),
      title: await remap(c.title),
    };
    const header = await stringifyObjectSliced({ ...extraHeader, count: n, strings: pool.values }, slicer);
    return encodeContainerSliced(header, sections, slicer);
  }

  async encodeTexts(slicer: TimeSlicer): Promise<Uint8Array> {
    const n = this.count;
    const encoder = new TextEncoder();
    const offsets = new Uint32Array(n + 1);
    const parts: Uint8Array[] = [];
    let total = 0;
    // Consecutive texts that lie back to back in one buffer (the loaded file, or a block of fresh
    // ones) make one part, so an unchanged vault is copied in a few large pieces.
    let run: Uint8Array | null = null;
    let runStart = 0;
    let runEnd = 0;
    const take = (buf: Uint8Array, from: number, to: number): void => {
      total += to - from;
      if (buf === run && from === runEnd) {
        runEnd = to;
        return;
      }
      if (run && runEnd > runStart) parts.push(run.subarray(runStart, runEnd));
      run = buf;
      runStart = from;
      runEnd = to;
    };
    let block = new Uint8Array(0);
    let blockAt = 0;
    for (let o = 0; o < n; o++) {
      offsets[o] = total;
      const src = this.cols.textSrc[o];
      if (src !== NONE) {
        take(this.blob, this.blobOffsets[src], this.blobOffsets[src + 1]);
      } else {
        const text = this.texts[o] ?? "";
        // UTF-8 takes at most 3 bytes per UTF-16 unit.
        if (block.length - blockAt < text.length * 3) {
          block = new Uint8Array(Math.max(TEXT_BLOCK, text.length * 3));
          blockAt = 0;
        }
        const { written } = encoder.encodeInto(text, block.subarray(blockAt));
        take(block, blockAt, blockAt + written);
        blockAt += written;
      }
      if ((o & 255) === 255 && slicer.due) await slicer.yieldNow();
    }
    if (run && runEnd > runStart) parts.push((run as Uint8Array).subarray(runStart, runEnd));
    offsets[n] = total;
    return encodeContainerSliced(JSON.stringify({ count: n }), { offsets, blob: parts }, slicer);
  }
}
