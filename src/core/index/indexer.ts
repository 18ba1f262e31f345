// The indexing job. It walks the vault, skips files whose size and mtime (or, failing that, content
// hash) are unchanged, recognises moved files by their hash and keeps their vectors, ingests the
// rest, embeds chunks in batches that span files (small notes would otherwise make batches of one),
// and commits a file only when all its vectors exist, so an interruption never leaves half a file.
// The index is saved every `saveEvery` files and every 30 s, so a crash loses at most one batch of
// work; pause, resume and cancel take effect between files and between embedding batches.
import type { Embedder } from "../embed/embedder";
import type { Chunk, FileReport, IngestedDocument } from "../types";
import { IngestError } from "../types";
import type { VaultEntry, VaultReader } from "../vault";
import { sha256Hex } from "../util/hash";
import { IndexModelMismatchError } from "./errors";
import { abortError, isAbortError, type JobControl } from "./job-control";
import { inScope } from "./path-patterns";
import { yieldToEventLoop } from "./time-slicer";
import type { FileStamp, ScholiaIndex } from "./scholia-index";

export type IngestFn = (path: string, data: Uint8Array, signal?: AbortSignal) => Promise<IngestedDocument>;

export interface IndexProgress {
  filesDone: number;
  filesTotal: number;
  chunksDone: number;
  /** Seconds left, estimated from the bytes still to read; null until there is a rate to go by. */
  etaSeconds: number | null;
  currentPath: string | null;
}

export interface FileJobOptions {
  vault: VaultReader;
  index: ScholiaIndex;
  /** An initialized embedder, or null for a keyword-only index. */
  embedder: Embedder | null;
  ingest: IngestFn;
  signal?: AbortSignal;
  control?: JobControl;
  /** Chunks per embedDocuments call (default 32). */
  batchSize?: number;
}

export interface IndexJobOptions extends FileJobOptions {
  isIndexable: (path: string) => boolean;
  include?: string[];
  exclude?: string[];
  onProgress?: (p: IndexProgress) => void;
  /** Save after this many changed files (default 50); the job also saves every 30 s and at the end,
   *  but waits at least four times the last save's duration between saves. */
  saveEvery?: number;
  /** Save at least this often while files change (default 30 000 ms). */
  saveIntervalMs?: number;
}

export interface IndexTotals {
  indexed: number;
  unchanged: number;
  skipped: number;
  failed: number;
  /** Chunks in the index after the run. */
  chunks: number;
}

export interface IndexJobResult {
  files: FileReport[];
  totals: IndexTotals;
  model: string | null;
  /** Paths dropped from the index because they left the vault (or the include/exclude scope). */
  removed: string[];
  /** True when the signal aborted the run; the work committed before that is saved. */
  cancelled: boolean;
}

const DEFAULT_BATCH = 32;
const DEFAULT_SAVE_EVERY = 50;
const DEFAULT_SAVE_INTERVAL_MS = 30_000;
/** Longest stretch of synchronous work before yielding to the event loop (keeps Obsidian responsive). */
const YIELD_EVERY_MS = 40;

interface PendingDoc {
  stamp: FileStamp;
  doc: IngestedDocument;
  vectors: Float32Array[];
  remaining: number;
  failure?: string;
  order: number;
}

interface QueuedChunk {
  pending: PendingDoc;
  i: number;
}

/** Makes sure the index and the embedder agree on the model before any file is touched. */
function checkModel(index: ScholiaIndex, embedder: Embedder | null): void {
  const model = embedder?.id ?? null;
  if (index.modelId === model) return;
  if (index.chunkCount > 0) throw new IndexModelMismatchError(index.modelId, model);
  index.adoptModel(model);
}

function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message || e.name;
  return String(e);
}

/** One pass of file work shared by the whole-vault job and the single-file entry points. */
class FileWork {
  readonly reports = new Map<number, FileReport>();
  private queue: QueuedChunk[] = [];
  private readonly pending = new Set<PendingDoc>();
  chunksDone = 0;
  committed = 0;
  private lastYield = Date.now();

  constructor(
    private readonly opts: FileJobOptions,
    private readonly onCommit: () => Promise<void>,
  ) {}

  private get batchSize(): number {
    return Math.max(1, this.opts.batchSize ?? DEFAULT_BATCH);
  }

  async checkpoint(): Promise<void> {
    if (this.opts.signal?.aborted) throw abortError();
    await this.opts.control?.waitIfPaused(this.opts.signal);
    if (Date.now() - this.lastYield > YIELD_EVERY_MS) {
      await yieldToEventLoop();
      this.lastYield = Date.now();
    }
  }

  private report(order: number, r: FileReport): void {
    this.reports.set(order, r);
  }

  /** Decides one file's fate; changed files are queued for embedding and committed later. */
  async process(entry: VaultEntry, order: number, movedFrom: (hash: string) => string | undefined): Promise<void> {
    const { index, vault, signal } = this.opts;
    const known = index.getFile(entry.path);
    if (known && known.status !== "failed" && known.size === entry.size && known.mtime === entry.mtime) {
      this.reportKnown(order, entry.path, known.status, known.chunks, known.reason);
      return;
    }
    let data: Uint8Array;
    try {
      data = await vault.readBinary(entry.path);
    } catch (e) {
      this.report(order, { path: entry.path, status: "failed", chunks: 0, reason: `Could not read the file: ${errorMessage(e)}` });
      return;
    }
    const stamp: FileStamp = { path: entry.path, size: entry.size, mtime: entry.mtime, hash: await sha256Hex(data) };
    if (known && known.status !== "failed" && known.hash === stamp.hash) {
      index.touchFile(entry.path, entry.size, entry.mtime);
      this.reportKnown(order, entry.path, known.status, known.chunks, known.reason);
      return;
    }
    if (!known) {
      const from = movedFrom(stamp.hash);
      const moved = from !== undefined ? index.getFile(from) : undefined;
      if (from !== undefined && moved) {
        index.renameFile(from, entry.path);
        index.touchFile(entry.path, entry.size, entry.mtime);
        this.report(order, { path: entry.path, status: "unchanged", chunks: moved.chunks, reason: `moved from ${from}` });
        return;
      }
    }
    let doc: IngestedDocument;
    try {
      doc = await this.opts.ingest(entry.path, data, signal);
    } catch (e) {
      if (isAbortError(e) || signal?.aborted) throw abortError();
      const status = e instanceof IngestError ? e.status : "failed";
      const reason = e instanceof IngestError ? e.reason : errorMessage(e);
      index.putStatus(stamp, status, reason);
      this.report(order, { path: entry.path, status, chunks: 0, reason });
      await this.onCommit();
      return;
    }
    const pending: PendingDoc = { stamp, doc, vectors: new Array<Float32Array>(doc.chunks.length), remaining: doc.chunks.length, order };
    if (!this.opts.embedder || doc.chunks.length === 0) {
      await this.commit(pending);
      return;
    }
    this.pending.add(pending);
    for (let i = 0; i < doc.chunks.length; i++) this.queue.push({ pending, i });
    while (this.queue.length >= this.batchSize) await this.embedBatch();
  }

  private reportKnown(order: number, path: string, status: "indexed" | "skipped" | "failed", chunks: number, reason?: string): void {
    // A file skipped earlier for a lasting reason (no text layer, encrypted) stays skipped with that
    // reason; re-reading it would give the same answer.
    if (status === "skipped") this.report(order, { path, status: "skipped", chunks: 0, reason });
    else this.report(order, { path, status: "unchanged", chunks });
  }

  /** Embeds whatever is queued. */
  async flush(): Promise<void> {
    while (this.queue.length > 0) await this.embedBatch();
  }

  private async embedBatch(): Promise<void> {
    await this.checkpoint();
    const embedder = this.opts.embedder;
    if (!embedder) return;
    const batch = this.queue.splice(0, this.batchSize);
    const texts = batch.map(({ pending, i }) => embedTextOf(pending.doc.chunks[i]));
    let vectors: Float32Array[];
    try {
      vectors = await embedder.embedDocuments(texts, this.opts.signal);
      if (vectors.length !== texts.length) throw new Error(`The embedder returned ${vectors.length} vectors for ${texts.length} passages.`);
    } catch (e) {
      if (isAbortError(e) || this.opts.signal?.aborted) throw abortError();
      // One bad batch fails the files it touched, not the run.
      const reason = `Embedding failed: ${errorMessage(e)}`;
      const hit = new Set(batch.map((b) => b.pending));
      for (const p of hit) p.failure = reason;
      this.queue = this.queue.filter((q) => !hit.has(q.pending));
      for (const p of hit) await this.commit(p);
      return;
    }
    for (let j = 0; j < batch.length; j++) {
      const { pending, i } = batch[j];
      pending.vectors[i] = vectors[j];
      pending.remaining--;
    }
    for (const p of [...this.pending]) if (p.remaining === 0) await this.commit(p);
  }

  private async commit(p: PendingDoc): Promise<void> {
    this.pending.delete(p);
    const { index } = this.opts;
    const path = p.stamp.path;
    if (p.failure) {
      index.putStatus(p.stamp, "failed", p.failure, p.doc.title);
      this.report(p.order, { path, status: "failed", chunks: 0, reason: p.failure });
    } else {
      try {
        index.putDocument(p.stamp, p.doc, this.opts.embedder ? p.vectors : null);
        this.chunksDone += p.doc.chunks.length;
        const warning = p.doc.warnings && p.doc.warnings.length > 0 ? p.doc.warnings.join("; ") : undefined;
        this.report(p.order, { path, status: "indexed", chunks: p.doc.chunks.length, ...(warning ? { reason: warning } : {}) });
      } catch (e) {
        const reason = errorMessage(e);
        index.putStatus(p.stamp, "failed", reason, p.doc.title);
        this.report(p.order, { path, status: "failed", chunks: 0, reason });
      }
    }
    this.committed++;
    await this.onCommit();
  }
}

function embedTextOf(chunk: Chunk): string {
  return chunk.embedText ?? chunk.text;
}

export async function runIndex(opts: IndexJobOptions): Promise<IndexJobResult> {
  const { vault, index, embedder } = opts;
  checkModel(index, embedder);
  const saveEvery = Math.max(1, opts.saveEvery ?? DEFAULT_SAVE_EVERY);
  const saveInterval = opts.saveIntervalMs ?? DEFAULT_SAVE_INTERVAL_MS;

  const listed = await vault.list();
  const entries = listed
    .filter((e) => opts.isIndexable(e.path) && inScope(e.path, opts.include, opts.exclude))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const present = new Set(entries.map((e) => e.path));
  const missing = new Map<string, string>(); // hash → path of a file that left the vault
  for (const f of index.listFiles()) if (!present.has(f.path) && !missing.has(f.hash)) missing.set(f.hash, f.path);
  const missingPaths = new Set(index.listFiles().filter((f) => !present.has(f.path)).map((f) => f.path));

  // Bytes that will actually be read drive the time estimate: unchanged files cost next to nothing.
  const needsRead = (e: VaultEntry): boolean => {
    const f = index.getFile(e.path);
    return !f || f.status === "failed" || f.size !== e.size || f.mtime !== e.mtime;
  };
  const workBytes = entries.reduce((s, e) => s + (needsRead(e) ? e.size : 0), 0);
  let doneBytes = 0;
  const started = Date.now();
  let lastSave = Date.now();
  let sinceSave = 0;

  // A save rewrites the changed data files whole, which takes seconds on a very large index; the
  // job never spends more than about a fifth of its time saving, whatever saveEvery says.
  let saveCost = 0;
  const work = new FileWork(opts, async () => {
    sinceSave++;
    const since = Date.now() - lastSave;
    if ((sinceSave >= saveEvery || since >= saveInterval) && since >= saveCost * 4) {
      sinceSave = 0;
      const t = Date.now();
      await index.save();
      lastSave = Date.now();
      saveCost = lastSave - t;
    }
  });

  const progress = (currentPath: string | null, filesDone: number): void => {
    if (!opts.onProgress) return;
    const elapsed = (Date.now() - started) / 1000;
    const eta = doneBytes > 0 && elapsed > 0.5 ? ((workBytes - doneBytes) * elapsed) / doneBytes : workBytes === doneBytes ? 0 : null;
    opts.onProgress({ filesDone, filesTotal: entries.length, chunksDone: work.chunksDone, etaSeconds: eta, currentPath });
  };

  let cancelled = false;
  try {
    for (let i = 0; i < entries.length; i++) {
      await work.checkpoint();
      const entry = entries[i];
      progress(entry.path, i);
      const reading = needsRead(entry);
      await work.process(entry, i, (hash) => {
        const from = missing.get(hash);
        if (from === undefined || index.getFile(from)?.status !== "indexed") return undefined;
        missing.delete(hash);
        missingPaths.delete(from);
        return from;
      });
      if (reading) doneBytes += entry.size;
    }
    await work.flush();
  } catch (e) {
    if (!isAbortError(e)) throw e;
    cancelled = true;
  }

  const removed: string[] = [];
  if (!cancelled) {
    for (const path of missingPaths) if (index.removeFile(path)) removed.push(path);
  }
  await index.save();
  progress(null, cancelled ? work.reports.size : entries.length);

  const files = [...work.reports.entries()].sort((a, b) => a[0] - b[0]).map(([, r]) => r);
  const totals: IndexTotals = { indexed: 0, unchanged: 0, skipped: 0, failed: 0, chunks: index.chunkCount };
  for (const r of files) totals[r.status]++;
  return { files, totals, model: index.modelId, removed, cancelled };
}

/** Re-indexes one file after a vault event (create or modify). Saves unless `save` is false. */
export async function indexFile(opts: FileJobOptions & { save?: boolean }, entry: VaultEntry): Promise<FileReport> {
  checkModel(opts.index, opts.embedder);
  const work = new FileWork(opts, async () => undefined);
  await work.process(entry, 0, () => undefined);
  await work.flush();
  if (opts.save !== false) await opts.index.save();
  return work.reports.get(0) ?? { path: entry.path, status: "failed", chunks: 0, reason: "The file was not processed." };
}

/** Drops a deleted file from the index. */
export async function removeFile(index: ScholiaIndex, path: string, save = true): Promise<boolean> {
  const removed = index.removeFile(path);
  if (removed && save) await index.save();
  return removed;
}

/** Follows a rename or move: the chunks and vectors stay, only the path changes. */
export async function renameFile(index: ScholiaIndex, from: string, to: string, save = true): Promise<boolean> {
  const moved = index.renameFile(from, to);
  if (moved && save) await index.save();
  return moved;
}
