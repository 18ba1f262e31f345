// The index store: chunk metadata, int8 vectors of one model and a BM25 keyword index, kept in
// memory for search and persisted as generation-numbered data files plus a manifest written last.
// See manifest.ts for the crash-safety argument, chunk-table.ts and vector-matrix.ts for layouts.
import type { Chunk, FileStatus, IngestedDocument, SearchFilter, SourceKind } from "../types";
import type { IndexStorage } from "../vault";
import type { ScoredChunk, SearchableIndex } from "../search/searchable";
import { isEmptyFilter, pathMatchesFilter } from "../search/filter";
import { ContainerFormatError, decodeContainer } from "./binary-container";
import { ChunkTable, type ChunkTableSnapshot } from "./chunk-table";
import { PendingChecksum, xxh32Hex, xxh32HexSliced } from "./checksum";
import { DAMAGED_NOTICE, IndexModelMismatchError, VERSION_NOTICE } from "./errors";
import { KeywordIndex, type KeywordDoc, type KeywordSnapshot } from "./keyword-index";
import {
  CHECKSUM_ALGORITHM,
  DATA_FILE_PATTERN,
  FORMAT_NAME,
  FORMAT_VERSION,
  MANIFEST_NAME,
  dataFileName,
  decodeManifest,
  encodeManifest,
  type DataFileRef,
  type Manifest,
} from "./manifest";
import { SLICE_MS, TimeSlicer, yieldToEventLoop } from "./time-slicer";
import { VectorFileWriter, type VectorHeader } from "./vector-file-writer";
import { VectorMatrix } from "./vector-matrix";

/** What the index remembers about one vault file, whether or not it produced chunks. */
export interface IndexedFile {
  id: number;
  path: string;
  size: number;
  mtime: number;
  /** sha256 of the file's bytes when it was last read. */
  hash: string;
  status: Exclude<FileStatus, "unchanged">;
  reason?: string;
  kind?: SourceKind;
  title: string;
  tags: string[];
  aliases: string[];
  chunks: number;
  pageCount?: number;
  warnings?: string[];
}

/** The file facts a caller supplies when it records a file. */
export interface FileStamp {
  path: string;
  size: number;
  mtime: number;
  hash: string;
}

export interface OpenOptions {
  /** The embedding model the caller will use (null: keyword only). When given and the index holds
   *  chunks built with another model, open() throws IndexModelMismatchError unless `rebuild`. */
  model?: string | null;
  /** Start from an empty index (the old files are replaced at the next save). */
  rebuild?: boolean;
  /** "eager" (default): open() reads and verifies every data file before it returns, so any damage
   *  is reported in its notice. "background": open() returns as soon as the metadata and vectors
   *  are verified; the chunk texts are verified in slices that yield to the event loop (or at once
   *  by the first search or chunk read that comes before), and the keyword index is read, verified
   *  and parsed without blocking; keywordSearch returns nothing until `keywordReady()` resolves.
   *  Damage found after open() is reported in `notice`. Either way the keyword parse itself runs
   *  in slices that yield to the event loop. */
  keyword?: "eager" | "background";
  /** Longest stretch, in ms, a save works before it gives the event loop back (default SLICE_MS). */
  saveSliceMs?: number;
}

export interface OpenResult {
  index: ScholiaIndex;
  /** Set when the stored index could not be used and an empty one was returned instead. */
  notice?: string;
}

interface MetaHeader {
  files: IndexedFile[];
  nextFileId: number;
  nextKey: number;
  modelId: string | null;
}

type Section = "meta" | "texts" | "keyword" | "vectors";

/** What one save writes, frozen at one instant (see saveNow). */
interface SaveSnapshot {
  generation: number;
  dirty: Set<Section>;
  modelId: string | null;
  dims: number;
  chunkCount: number;
  fileCount: number;
  meta?: { table: ChunkTableSnapshot; header: MetaHeader };
  texts?: ChunkTableSnapshot;
  keyword?: KeywordSnapshot | Uint8Array;
  vectors?: VectorFileWriter;
}

class DamagedIndexError extends Error {}

export class ScholiaIndex implements SearchableIndex {
  private _modelId: string | null;
  private table = new ChunkTable();
  private vectors: VectorMatrix | null = null;
  private keyword: KeywordIndex | null = null;
  /** Verified keyword-index bytes not yet parsed. */
  private keywordBytes: Uint8Array | null = null;
  /** Settles when the keyword index is available (loaded, or rebuilt from the texts). */
  private keywordLoad: Promise<void> = Promise.resolve();
  /** Keyword changes made while the keyword index was still being read, applied once it is. */
  private keywordBacklog: ((kw: KeywordIndex) => void)[] | null = null;
  private _keywordNotice: string | undefined;
  /** The texts file's checksum while it is still being verified (background mode). */
  private textsCheck: PendingChecksum | null = null;
  private textsVerification: Promise<void> = Promise.resolve();
  private _textsNotice: string | undefined;
  private readonly byPath = new Map<string, IndexedFile>();
  private readonly byId = new Map<number, IndexedFile>();
  private nextFileId = 1;
  private nextKey = 1;
  private dead = new Uint8Array(0);
  private deadCount = 0;
  private readonly dirty = new Set<Section>(["meta", "texts", "keyword", "vectors"]);
  private refs: Manifest["files"] | null = null;
  private generation = 0;
  private saving: Promise<void> = Promise.resolve();
  /** The vectors file of the save in progress while its rows are still being copied. */
  private vectorCopy: VectorFileWriter | null = null;
  private _saveTimings: Record<string, number> | null = null;
  private saveSliceMs = SLICE_MS;

  private constructor(
    private readonly storage: IndexStorage,
    modelId: string | null,
  ) {
    this._modelId = modelId;
  }

  // ---- opening -----------------------------------------------------------------------------

  static async open(storage: IndexStorage, opts: OpenOptions = {}): Promise<OpenResult> {
    const lastGeneration = await highestGeneration(storage);
    const fresh = (notice?: string): OpenResult => {
      const index = new ScholiaIndex(storage, opts.model ?? null);
      index.generation = lastGeneration;
      index.saveSliceMs = opts.saveSliceMs ?? SLICE_MS;
      return notice ? { index, notice } : { index };
    };
    if (opts.rebuild) return fresh();
    const manifestBytes = await storage.read(MANIFEST_NAME);
    if (!manifestBytes) return fresh();
    const decoded = await decodeManifest(manifestBytes);
    if (!decoded.ok) return fresh(decoded.problem === "version" ? VERSION_NOTICE : DAMAGED_NOTICE);
    let index: ScholiaIndex;
    try {
      index = await ScholiaIndex.load(storage, decoded.manifest, opts.keyword ?? "eager");
    } catch (e) {
      if (e instanceof DamagedIndexError || e instanceof ContainerFormatError || e instanceof SyntaxError || e instanceof RangeError) {
        return fresh(DAMAGED_NOTICE);
      }
      throw e;
    }
    index.generation = Math.max(lastGeneration, decoded.manifest.generation);
    index.saveSliceMs = opts.saveSliceMs ?? SLICE_MS;
    const keywordNotice = index._keywordNotice;
    if (opts.model !== undefined && opts.model !== index._modelId) {
      if (index.chunkCount > 0) throw new IndexModelMismatchError(index._modelId, opts.model);
      index.adoptModel(opts.model);
    }
    return keywordNotice ? { index, notice: keywordNotice } : { index };
  }

  private static async load(storage: IndexStorage, m: Manifest, keywordMode: "eager" | "background"): Promise<ScholiaIndex> {
    // Only what search needs at once is verified here in background mode: the metadata and the
    // vectors. The texts are needed only to show a chunk, so their (larger) file is checked after
    // open() returns, before any text is read (ensureTextsVerified).
    const eager = keywordMode === "eager";
    const [meta, texts, keyword, vectors] = await Promise.all([
      readVerified(storage, m.files.meta),
      eager ? readVerified(storage, m.files.texts) : readSized(storage, m.files.texts),
      eager ? readVerified(storage, m.files.keyword).catch(() => null) : Promise.resolve(null),
      m.files.vectors ? readVerified(storage, m.files.vectors) : Promise.resolve(null),
    ]);
    const index = new ScholiaIndex(storage, m.modelId);
    const { table, header } = ChunkTable.decode<MetaHeader>(meta, texts);
    if (table.count !== m.chunkCount || header.modelId !== m.modelId) throw new DamagedIndexError("metadata disagrees with the manifest");
    if (!Array.isArray(header.files) || header.files.length !== m.fileCount) throw new DamagedIndexError("file list disagrees with the manifest");
    index.table = table;
    for (const f of header.files) {
      if (typeof f?.path !== "string" || !Number.isInteger(f.id) || index.byId.has(f.id) || index.byPath.has(f.path)) {
        throw new DamagedIndexError("file list is malformed");
      }
      index.byPath.set(f.path, f);
      index.byId.set(f.id, f);
    }
    const counted = new Map<number, number>();
    for (let o = 0; o < table.count; o++) {
      const id = table.fileIdOf(o);
      counted.set(id, (counted.get(id) ?? 0) + 1);
    }
    for (const f of header.files) {
      if ((counted.get(f.id) ?? 0) !== f.chunks) throw new DamagedIndexError(`chunk count of ${f.path} disagrees`);
      counted.delete(f.id);
    }
    if (counted.size > 0) throw new DamagedIndexError("chunks belong to unknown files");
    if (m.files.vectors && vectors) {
      const c = decodeContainer<VectorHeader>(vectors);
      const { dims, count, modelId } = c.header;
      const scales = c.f32("scales");
      const codes = c.i8("codes");
      if (modelId !== m.modelId || dims !== m.dims || count !== m.chunkCount || scales.length !== count || codes.length !== count * dims) {
        throw new DamagedIndexError("vectors disagree with the manifest");
      }
      index.vectors = new VectorMatrix(dims, { codes, scales });
    } else if (m.modelId !== null && m.chunkCount > 0) {
      throw new DamagedIndexError("vectors are missing");
    }
    if (!eager) {
      const check = new PendingChecksum(texts, m.files.texts.checksum);
      index.textsCheck = check;
      index.textsVerification = check.finishInBackground().then(() => index.ensureTextsVerified());
    }
    index.keywordBytes = keyword;
    if (!keyword) index.keywordBacklog = [];
    if (keywordMode === "eager" && !keyword) {
      // The keyword index alone is damaged: rebuild it from the stored texts, keep the vectors.
      index.keywordLoad = index.loadKeyword(null);
      await index.keywordLoad;
    } else {
      index.keywordLoad = index.loadKeyword(keyword === null ? m.files.keyword : null);
    }
    index.nextFileId = Math.max(header.nextFileId, ...header.files.map((f) => f.id + 1), 1);
    index.nextKey = Math.max(header.nextKey, table.count > 0 ? table.keyOf(table.count - 1) + 1 : 1);
    index.dead = new Uint8Array(table.count);
    index.refs = m.files;
    index.dirty.clear();
    return index;
  }

  // ---- what the index holds ----------------------------------------------------------------

  get modelId(): string | null {
    return this._modelId;
  }

  /** Vector length, or 0 before the first vector is stored. */
  get dims(): number {
    return this.vectors?.dims ?? 0;
  }

  get chunkCount(): number {
    return this.table.count - this.deadCount;
  }

  get fileCount(): number {
    return this.byPath.size;
  }

  /** True when there are changes not yet saved. */
  get isDirty(): boolean {
    return this.dirty.size > 0;
  }

  getFile(path: string): IndexedFile | undefined {
    return this.byPath.get(path);
  }

  listFiles(): IndexedFile[] {
    return [...this.byPath.values()];
  }

  getFileTags(path: string): string[] {
    return this.byPath.get(path)?.tags ?? [];
  }

  /** Every chunk in ordinal order (concept notes weigh phrases against the whole vault with it). */
  *allChunks(): Generator<Chunk> {
    for (let o = 0; o < this.chunkCount; o++) yield this.getChunk(o);
  }

  getChunk(ordinal: number): Chunk {
    this.ensureTextsVerified();
    this.compact();
    if (!Number.isInteger(ordinal) || ordinal < 0 || ordinal >= this.table.count) throw new RangeError(`No chunk ${ordinal} in the index.`);
    const file = this.byId.get(this.table.fileIdOf(ordinal));
    if (!file) throw new RangeError(`Chunk ${ordinal} has no file.`);
    return this.table.get(ordinal, { path: file.path, kind: file.kind ?? "markdown", title: file.title });
  }

  /** The stored (dequantized) vector of a chunk, or null in a keyword-only index. */
  getVector(ordinal: number): Float32Array | null {
    this.ensureTextsVerified();
    this.compact();
    return this.vectors && ordinal >= 0 && ordinal < this.vectors.count ? this.vectors.row(ordinal) : null;
  }

  // ---- search ------------------------------------------------------------------------------

  keywordSearch(query: string, k: number, filter?: SearchFilter): ScoredChunk[] {
    // Ordinals handed out must stay valid for the getChunk calls that follow, so damage to the texts
    // is dealt with before a search rather than between it and the chunk reads.
    this.ensureTextsVerified();
    this.compact();
    const kw = this.keywordIfAvailable();
    if (!kw) return [];
    const allowed = this.allowedFiles(filter);
    const hits = kw.search(query, k, allowed ? (key) => {
      const o = this.table.ordinalOfKey(key);
      return o >= 0 && allowed.has(this.table.fileIdOf(o));
    } : undefined);
    const out: ScoredChunk[] = [];
    for (const h of hits) {
      const o = this.table.ordinalOfKey(h.key);
      if (o >= 0) out.push({ ordinal: o, score: h.score });
    }
    return out;
  }

  vectorSearch(query: Float32Array, k: number, filter?: SearchFilter): ScoredChunk[] {
    this.ensureTextsVerified();
    this.compact();
    if (!this.vectors || this.vectors.count === 0) return [];
    const allowedFiles = this.allowedFiles(filter);
    let mask: Uint8Array | undefined;
    if (allowedFiles) {
      if (allowedFiles.size === 0) return [];
      mask = new Uint8Array(this.table.count);
      for (let o = 0; o < mask.length; o++) mask[o] = allowedFiles.has(this.table.fileIdOf(o)) ? 1 : 0;
    }
    return this.vectors.search(query, k, mask).map((h) => ({ ordinal: h.row, score: h.score }));
  }

  /** The cosine `vectorSearch` gives each of these chunks, in the same order (the same int8 dot
   *  product, for these rows only); null when the index holds no vectors. */
  vectorScores(query: Float32Array, ordinals: readonly number[]): Float64Array | null {
    this.ensureTextsVerified();
    this.compact();
    if (!this.vectors || this.vectors.count === 0) return null;
    return this.vectors.scores(query, ordinals);
  }

  /** The BM25 score `keywordSearch` gives each of these chunks, in the same order; 0 for a chunk
   *  that matches none of the query's terms (MiniSearch scores every match of a query, so this costs
   *  about one keyword search whatever the number of chunks). */
  keywordScores(query: string, ordinals: readonly number[]): Float64Array {
    this.ensureTextsVerified();
    this.compact();
    const out = new Float64Array(ordinals.length);
    const kw = this.keywordIfAvailable();
    if (!kw || ordinals.length === 0) return out;
    const slot = new Map<number, number[]>();
    ordinals.forEach((o, i) => {
      if (!Number.isInteger(o) || o < 0 || o >= this.table.count) throw new RangeError(`No chunk ${o} in the index.`);
      const key = this.table.keyOf(o);
      const at = slot.get(key);
      if (at) at.push(i);
      else slot.set(key, [i]);
    });
    for (const h of kw.search(query, slot.size, (key) => slot.has(key))) for (const i of slot.get(h.key) ?? []) out[i] = h.score;
    return out;
  }

  /** Resolves when keyword search is available. Never rejects: a keyword index that fails its
   *  checksum is rebuilt from the stored texts (no re-embedding), with `keywordNotice` set. */
  keywordReady(): Promise<void> {
    return this.keywordLoad;
  }

  /** Set when the keyword index had to be rebuilt from the stored texts. */
  get keywordNotice(): string | undefined {
    return this._keywordNotice;
  }

  /** Damage found after open() returned (background mode), for the user: the texts file failed
   *  its checksum (its files are forgotten, so the next index run reads and embeds them again), or
   *  the keyword index was rebuilt from the texts. */
  get notice(): string | undefined {
    return this._textsNotice ?? this._keywordNotice;
  }

  /** Forgets the damage notices once the caller has read the whole vault again since. */
  clearNotices(): void {
    this._textsNotice = undefined;
    this._keywordNotice = undefined;
  }

  /** Resolves when every data file read by open() has been verified (at once in eager mode). */
  verified(): Promise<void> {
    return this.textsVerification;
  }

  /** Completes a pending verification of the texts file now, before a text is read. A damaged
   *  texts file cannot be rebuilt from the other files, so the files whose chunks it holds are
   *  forgotten: chunks, vectors and keywords go, and the next index run re-reads those files.
   *  Chunks added since open() keep their texts in memory and are unaffected. */
  private ensureTextsVerified(): void {
    const check = this.textsCheck;
    if (!check) return;
    this.textsCheck = null;
    if (check.finish()) return;
    const damaged = new Set<number>();
    for (let o = 0; o < this.table.count; o++) if (!this.dead[o] && this.table.textIsFromFile(o)) damaged.add(this.table.fileIdOf(o));
    for (const id of damaged) {
      const f = this.byId.get(id);
      if (f) this.removeFile(f.path);
    }
    this.compact();
    this.table.releaseFileTexts();
    this._textsNotice = DAMAGED_NOTICE;
  }

  private async loadKeyword(ref: DataFileRef | null): Promise<void> {
    let kw: KeywordIndex | null = null;
    try {
      if (ref) {
        // The bytes are read and checked here rather than in open() (background mode), or open()
        // found them damaged and the keyword index is rebuilt from the texts.
        this.keywordBytes = await readVerifiedInBackground(this.storage, ref);
      }
      await yieldToEventLoop();
      if (this.keyword) return; // a query or a change needed it first and parsed it synchronously
      const bytes = this.keywordBytes;
      if (bytes) kw = await KeywordIndex.decodeAsync(bytes);
    } catch {
      kw = null;
    }
    if (this.keyword) return;
    if (!kw) {
      // Changes made during the rebuild are queued and replayed after it; they only concern keys
      // the rebuild does not add (new chunks) or skips (removed ones), so replaying is safe.
      this.keywordBacklog ??= [];
      kw = await this.rebuildKeywordFromTextsAsync();
      if (this.keyword) return;
      this._keywordNotice = "The keyword index was damaged and has been rebuilt from the stored passages.";
      this.markDirty("keyword");
    }
    this.installKeyword(kw);
  }

  private installKeyword(kw: KeywordIndex): void {
    this.keyword = kw;
    this.keywordBytes = null;
    const backlog = this.keywordBacklog;
    this.keywordBacklog = null;
    for (const op of backlog ?? []) op(kw);
  }

  private keywordDocOf(o: number): KeywordDoc {
    const file = this.byId.get(this.table.fileIdOf(o));
    return { key: this.table.keyOf(o), text: this.table.text(o), title: file?.title ?? "", headings: this.table.headings(o)?.join(" ") ?? "" };
  }

  private rebuildKeywordFromTexts(): KeywordIndex {
    this.ensureTextsVerified();
    const kw = KeywordIndex.empty();
    for (let o = 0; o < this.table.count; o++) if (!this.dead[o]) kw.add(this.keywordDocOf(o));
    return kw;
  }

  /** The same, in slices that yield to the event loop. Chunks are snapshotted by key first, since
   *  ordinals may change between slices. */
  private async rebuildKeywordFromTextsAsync(): Promise<KeywordIndex> {
    await this.textsVerification;
    this.ensureTextsVerified();
    const kw = KeywordIndex.empty();
    const keys: number[] = [];
    for (let o = 0; o < this.table.count; o++) if (!this.dead[o]) keys.push(this.table.keyOf(o));
    for (let i = 0; i < keys.length; i += 500) {
      for (const key of keys.slice(i, i + 500)) {
        const o = this.table.ordinalOfKey(key);
        if (o >= 0 && !this.dead[o]) kw.add(this.keywordDocOf(o));
      }
      await yieldToEventLoop();
      if (this.keyword) return this.keyword;
    }
    return kw;
  }

  private requireKeyword(): KeywordIndex {
    const kw = this.keywordIfAvailable();
    if (!kw) throw new Error("internal: the keyword index is still loading");
    return kw;
  }

  /** Applies a keyword change now, or after the keyword index has finished loading. */
  private withKeyword(op: (kw: KeywordIndex) => void): void {
    const kw = this.keywordIfAvailable();
    if (kw) op(kw);
    else this.keywordBacklog?.push(op);
  }

  private allowedFiles(filter: SearchFilter | undefined): Set<number> | null {
    if (isEmptyFilter(filter)) return null;
    const ids = new Set<number>();
    for (const f of this.byPath.values()) {
      if (f.chunks > 0 && pathMatchesFilter(f.path, filter, (p) => this.getFileTags(p))) ids.add(f.id);
    }
    return ids;
  }

  /** The keyword index, parsed synchronously if its verified bytes are at hand; null while a
   *  background load is still reading them. */
  private keywordIfAvailable(): KeywordIndex | null {
    if (this.keyword) return this.keyword;
    if (this.keywordBacklog && !this.keywordBytes) return null;
    let kw: KeywordIndex;
    try {
      kw = this.keywordBytes ? KeywordIndex.decode(this.keywordBytes) : KeywordIndex.empty();
    } catch {
      // Verified bytes that do not parse: written by a buggy build. Rebuild rather than fail.
      kw = this.rebuildKeywordFromTexts();
      this.markDirty("keyword");
    }
    this.installKeyword(kw);
    return kw;
  }

  // ---- changes -----------------------------------------------------------------------------

  /** Sets the model of an index that holds no vectors yet. */
  adoptModel(modelId: string | null): void {
    if (modelId === this._modelId) return;
    if (this.chunkCount > 0) throw new IndexModelMismatchError(this._modelId, modelId);
    this._modelId = modelId;
    this.vectors = null;
    this.markDirty("meta", "vectors");
  }

  /** Records an ingested document, replacing whatever the index held for its path. */
  putDocument(stamp: FileStamp, doc: IngestedDocument, vectors: Float32Array[] | null): IndexedFile {
    if (this._modelId !== null) {
      if (!vectors || vectors.length !== doc.chunks.length) {
        throw new Error(`Expected ${doc.chunks.length} vectors for ${stamp.path}, got ${vectors?.length ?? 0}.`);
      }
      const dims = this.vectors?.dims ?? vectors[0]?.length;
      for (const v of vectors) {
        if (v.length !== dims) throw new Error(`Model ${this._modelId} gave a vector of ${v.length} numbers where ${dims} were expected.`);
      }
    } else if (vectors && vectors.length > 0) {
      throw new Error("This index is keyword only; it cannot store vectors.");
    }
    this.removeChunksOf(stamp.path);
    const entry = this.upsertEntry(stamp, {
      status: "indexed",
      kind: doc.kind,
      title: doc.title,
      tags: doc.tags ?? [],
      aliases: doc.aliases ?? [],
      chunks: doc.chunks.length,
      pageCount: doc.pageCount,
      warnings: doc.warnings && doc.warnings.length > 0 ? doc.warnings : undefined,
    });
    if (doc.chunks.length === 0) return entry;
    if (vectors && !this.vectors && vectors.length > 0) this.vectors = new VectorMatrix(vectors[0].length);
    const docs: KeywordDoc[] = [];
    for (let i = 0; i < doc.chunks.length; i++) {
      const chunk = doc.chunks[i];
      const key = this.nextKey++;
      this.table.append(chunk, entry.id, key, doc.title);
      if (vectors && this.vectors) this.vectors.append(vectors[i]);
      docs.push({ key, text: chunk.text, title: chunk.title ?? doc.title, headings: chunk.headings?.join(" ") ?? "" });
    }
    this.withKeyword((kw) => kw.addAll(docs));
    this.growDead();
    this.markDirty("meta", "texts", "keyword", "vectors");
    return entry;
  }

  /** Records a file that produced no chunks (skipped or failed), dropping any older chunks. */
  putStatus(stamp: FileStamp, status: "skipped" | "failed", reason: string, title = ""): IndexedFile {
    this.removeChunksOf(stamp.path);
    return this.upsertEntry(stamp, { status, reason, title, tags: [], aliases: [], chunks: 0 });
  }

  /** Updates size and mtime of a file whose content did not change. */
  touchFile(path: string, size: number, mtime: number): void {
    const f = this.byPath.get(path);
    if (!f || (f.size === size && f.mtime === mtime)) return;
    f.size = size;
    f.mtime = mtime;
    this.markDirty("meta");
  }

  removeFile(path: string): boolean {
    const f = this.byPath.get(path);
    if (!f) return false;
    this.removeChunksOf(path);
    this.byPath.delete(path);
    this.byId.delete(f.id);
    this.markDirty("meta");
    return true;
  }

  /** Moves a file's entry and chunks to a new path, keeping its vectors. */
  renameFile(from: string, to: string): boolean {
    const f = this.byPath.get(from);
    if (!f) return false;
    if (from === to) return true;
    this.removeFile(to);
    this.byPath.delete(from);
    f.path = to;
    this.byPath.set(to, f);
    this.markDirty("meta");
    return true;
  }

  private upsertEntry(stamp: FileStamp, facts: Omit<IndexedFile, "id" | "path" | "size" | "mtime" | "hash">): IndexedFile {
    const old = this.byPath.get(stamp.path);
    const entry: IndexedFile = { id: old?.id ?? this.nextFileId++, path: stamp.path, size: stamp.size, mtime: stamp.mtime, hash: stamp.hash, ...facts };
    for (const k of Object.keys(entry) as (keyof IndexedFile)[]) if (entry[k] === undefined) delete entry[k];
    this.byPath.set(stamp.path, entry);
    this.byId.set(entry.id, entry);
    this.markDirty("meta");
    return entry;
  }

  private removeChunksOf(path: string): void {
    const f = this.byPath.get(path);
    if (!f || f.chunks === 0) return;
    const keys: number[] = [];
    for (let o = 0; o < this.table.count; o++) {
      if (this.dead[o] || this.table.fileIdOf(o) !== f.id) continue;
      this.dead[o] = 1;
      this.deadCount++;
      keys.push(this.table.keyOf(o));
    }
    this.withKeyword((kw) => {
      for (const key of keys) kw.discard(key);
    });
    f.chunks = 0;
    this.markDirty("meta", "texts", "keyword", "vectors");
  }

  private growDead(): void {
    if (this.dead.length >= this.table.count) return;
    const next = new Uint8Array(Math.max(this.table.count, this.dead.length * 2));
    next.set(this.dead);
    this.dead = next;
  }

  /** Drops removed chunks from the columns and vectors (ordinals change; keys do not). */
  private compact(): void {
    if (this.deadCount === 0) return;
    // Rows are about to move in place: a save still copying them takes the rest first.
    this.vectorCopy?.finishNow();
    const keep = new Uint8Array(this.table.count);
    for (let o = 0; o < keep.length; o++) keep[o] = this.dead[o] ? 0 : 1;
    this.table.compact(keep);
    this.vectors?.compact(keep);
    this.dead = new Uint8Array(this.table.count);
    this.deadCount = 0;
  }

  private markDirty(...sections: Section[]): void {
    for (const s of sections) this.dirty.add(s);
  }

  // ---- saving ------------------------------------------------------------------------------

  /** Writes changed data files, then the manifest, then removes files no manifest refers to.
   *  Saves are serialized; a save with nothing changed writes nothing. */
  save(): Promise<void> {
    const run = this.saving.then(() => this.saveNow());
    this.saving = run.catch(() => undefined);
    return run;
  }

  /** Wall time of each phase of the last completed save, in ms (for benchmarks). */
  get saveTimings(): Readonly<Record<string, number>> | null {
    return this._saveTimings;
  }

  /** A save never holds the event loop for more than a few milliseconds at a time, whatever the
   *  size of the index: it freezes what it writes in one short synchronous step, then encodes,
   *  checksums and writes it in slices (TimeSlicer) while searches and changes go on. Changes made
   *  meanwhile go to the next save, which is how a snapshot stays consistent although it is
   *  written over many turns of the event loop:
   *  - chunk metadata and file entries are copied at the snapshot (a few ms for 100k chunks);
   *  - texts and interned strings are shared, as nothing changes them in place;
   *  - vector rows are copied from the live matrix in slices; appends land beyond them, and a
   *    compaction, which moves rows in place, first completes the copy (compact → finishNow);
   *  - the keyword index is frozen: changes are held and applied once its file is encoded, and
   *    searches meanwhile answer from the frozen index (KeywordIndex.snapshot).
   *  The keyword and vectors files are encoded first, so changes are held, and compactions pay for
   *  a copy, for as short a time as possible. Crash safety is unchanged: every data file is written
   *  atomically under a new generation name, and the manifest that makes them current goes last. */
  private async saveNow(): Promise<void> {
    // Texts copied from an unverified file would be saved under a fresh, valid checksum. A check
    // still running in the background is let finish in its slices rather than completed at once.
    if (this.textsCheck) await this.textsVerification;
    this.ensureTextsVerified();
    if (this.dirty.size === 0 && this.refs) return;
    const timings: Record<string, number> = {};
    let mark = now();
    const phase = (name: string): void => {
      const t = now();
      timings[name] = (timings[name] ?? 0) + (t - mark);
      mark = t;
    };
    // A keyword index still loading in the background has changes queued: let it finish first.
    if (this.keywordBacklog && this.dirty.has("keyword")) await this.keywordLoad;
    if (this.keyword && this.dirty.has("keyword")) await this.keyword.vacuumIfDirty();
    phase("keyword_vacuum");
    // The slice that takes the snapshot counts against the budget like any other.
    const slicer = new TimeSlicer(this.saveSliceMs);
    const snap = this.takeSnapshot();
    phase("snapshot");
    const written: Partial<Record<Section, DataFileRef>> = {};
    try {
      const store = async (section: Section, name: string, encode: () => Promise<Uint8Array>): Promise<void> => {
        const data = await encode();
        phase(`encode_${section}`);
        const checksum = await xxh32HexSliced(data, slicer);
        phase("checksums");
        await this.storage.writeAtomic(name, data);
        phase("writes");
        written[section] = { name, bytes: data.byteLength, checksum };
      };
      if (slicer.due) await slicer.yieldNow();
      const kw = snap.keyword;
      if (kw) {
        await store("keyword", dataFileName("keyword", snap.generation), async () => {
          if (kw instanceof Uint8Array) return kw;
          try {
            return await kw.encode(slicer);
          } finally {
            kw.release();
          }
        });
      }
      const vectors = snap.vectors;
      if (vectors && snap.modelId !== null) {
        await store("vectors", dataFileName("vectors", snap.generation, snap.modelId), async () => {
          try {
            return await vectors.encode(slicer);
          } finally {
            this.vectorCopy = null;
          }
        });
      }
      const meta = snap.meta;
      if (meta) await store("meta", dataFileName("meta", snap.generation), () => meta.table.encodeMeta({ ...meta.header }, slicer));
      const texts = snap.texts;
      if (texts) await store("texts", dataFileName("texts", snap.generation), () => texts.encodeTexts(slicer));
      const prev = this.refs;
      const pick = (s: Exclude<Section, "vectors">): DataFileRef => {
        const ref = written[s] ?? prev?.[s];
        if (!ref) throw new Error(`internal: no ${s} file to reference`);
        return ref;
      };
      const refs: Manifest["files"] = {
        meta: pick("meta"),
        texts: pick("texts"),
        keyword: pick("keyword"),
        vectors: snap.modelId === null ? null : (written.vectors ?? prev?.vectors ?? null),
      };
      if (snap.modelId !== null && !refs.vectors) throw new Error("internal: no vectors file to reference");
      const manifest: Manifest = {
        format: FORMAT_NAME,
        version: FORMAT_VERSION,
        checksum: CHECKSUM_ALGORITHM,
        generation: snap.generation,
        modelId: snap.modelId,
        dims: snap.dims,
        chunkCount: snap.chunkCount,
        fileCount: snap.fileCount,
        files: refs,
        savedAt: new Date().toISOString(),
      };
      await this.storage.writeAtomic(MANIFEST_NAME, await encodeManifest(manifest));
      phase("manifest");
      this.refs = refs;
      this.generation = snap.generation;
    } catch (e) {
      for (const s of snap.dirty) this.dirty.add(s);
      throw e;
    } finally {
      // On failure: the changes held for the keyword file and the pending copy are let go.
      if (snap.keyword && !(snap.keyword instanceof Uint8Array)) snap.keyword.release();
      if (this.vectorCopy === snap.vectors) this.vectorCopy = null;
    }
    await this.removeUnreferenced();
    phase("cleanup");
    this._saveTimings = timings;
  }

  /** The one synchronous step of a save: what it will write, as the index is now. Encodes nothing. */
  private takeSnapshot(): SaveSnapshot {
    this.compact();
    const dirty = new Set(this.dirty);
    if (!this.refs) for (const s of ["meta", "texts", "keyword", "vectors"] as const) dirty.add(s);
    const modelId = this._modelId;
    const snap: SaveSnapshot = {
      generation: this.generation + 1,
      dirty,
      modelId,
      dims: this.dims,
      chunkCount: this.table.count,
      fileCount: this.byPath.size,
    };
    const table = dirty.has("meta") || dirty.has("texts") ? this.table.snapshot() : null;
    if (table && dirty.has("meta")) {
      // Entries are changed in place (touchFile, renameFile, removeChunksOf): the file list is copied.
      const files = [...this.byPath.values()].map((f) => ({ ...f }));
      snap.meta = { table, header: { files, nextFileId: this.nextFileId, nextKey: this.nextKey, modelId } };
    }
    if (table && dirty.has("texts")) snap.texts = table;
    if (dirty.has("vectors") && modelId !== null) {
      const matrix = this.vectors;
      const header: VectorHeader = { modelId, dims: snap.dims, count: snap.chunkCount };
      snap.vectors = new VectorFileWriter(header, matrix ? () => matrix.snapshot() : null);
    }
    // Last, as it holds keyword changes from here on: nothing below can fail.
    if (dirty.has("keyword")) snap.keyword = this.keywordBytes ?? this.requireKeyword().snapshot();
    this.vectorCopy = snap.vectors ?? null;
    this.dirty.clear();
    return snap;
  }

  private async removeUnreferenced(): Promise<void> {
    const keep = new Set(Object.values(this.refs ?? {}).filter((r): r is DataFileRef => !!r).map((r) => r.name));
    for (const name of await this.storage.list()) {
      const leftover = DATA_FILE_PATTERN.test(name) || (name.startsWith(MANIFEST_NAME) && name !== MANIFEST_NAME);
      if (leftover && !keep.has(name)) {
        try {
          await this.storage.remove(name);
        } catch {
          // A file that cannot be removed now is retried after the next save.
        }
      }
    }
  }
}

/** Reads a data file and checks its size (a missing or truncated file is damage at once). */
async function readSized(storage: IndexStorage, ref: DataFileRef): Promise<Uint8Array> {
  const bytes = await storage.read(ref.name);
  if (!bytes) throw new DamagedIndexError(`${ref.name} is missing`);
  if (bytes.byteLength !== ref.bytes) throw new DamagedIndexError(`${ref.name} has the wrong size`);
  return bytes;
}

async function readVerified(storage: IndexStorage, ref: DataFileRef): Promise<Uint8Array> {
  const bytes = await readSized(storage, ref);
  if (xxh32Hex(bytes) !== ref.checksum) throw new DamagedIndexError(`${ref.name} fails its checksum`);
  return bytes;
}

async function readVerifiedInBackground(storage: IndexStorage, ref: DataFileRef): Promise<Uint8Array> {
  const bytes = await readSized(storage, ref);
  if (!(await new PendingChecksum(bytes, ref.checksum).finishInBackground())) throw new DamagedIndexError(`${ref.name} fails its checksum`);
  return bytes;
}

function now(): number {
  return typeof performance !== "undefined" ? performance.now() : Date.now();
}

async function highestGeneration(storage: IndexStorage): Promise<number> {
  let max = 0;
  for (const name of await storage.list()) {
    const m = DATA_FILE_PATTERN.exec(name);
    if (m) max = Math.max(max, Number(m[1]));
  }
  return max;
}
