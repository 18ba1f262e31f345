// IndexService backed by the core: the index is opened (and the embedding model loaded) on first use,
// never in onload; a whole-vault run and single-file updates share one queue so they never write the
// index at the same time; status changes are pushed to the sidebar and the status bar.
import type { Embedder } from "../core/embed/embedder";
import type { EmbedderChoice } from "../core/embed/select-embedder";
import { IndexModelMismatchError } from "../core/index/errors";
import { indexFile, removeFile, renameFile, runIndex, type IngestFn } from "../core/index/indexer";
import { createJobControl, isAbortError, type JobControl } from "../core/index/job-control";
import { ScholiaIndex } from "../core/index/scholia-index";
import type { FileReport } from "../core/types";
import type { IndexStorage, VaultReader } from "../core/vault";
import type { IndexService, IndexStatus } from "./services";

export interface CoreIndexDeps {
  vault: VaultReader;
  storage: () => IndexStorage;
  /** Creates and initializes the configured embedder; reports download progress 0..1. */
  embedder: (onProgress: (fraction: number) => void) => Promise<EmbedderChoice>;
  ingest: IngestFn;
  isIndexable: (path: string) => boolean;
}

export interface LoadedIndex {
  index: ScholiaIndex;
  embedder: Embedder | null;
  /** Why retrieval is keyword-only (the model could not load), if so; lasts the session. */
  fallbackNotice?: string;
  /** Why the index was reset or is being rebuilt, if so; cleared once a full index run completes. */
  repairNotice?: string;
}

/** Everything the user should be told about this index now, in one message. */
export function loadedNotice(loaded: LoadedIndex): string | undefined {
  const notices = [loaded.fallbackNotice, loaded.repairNotice, loaded.index.notice].filter((n): n is string => !!n);
  return notices.length ? [...new Set(notices)].join(" ") : undefined;
}

export class CoreIndexService implements IndexService {
  private current: IndexStatus = { phase: "idle", filesDone: 0, filesTotal: 0, searchableFiles: 0, chunks: 0 };
  private readonly listeners = new Set<(s: IndexStatus) => void>();
  private loading: Promise<LoadedIndex> | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private control: JobControl | null = null;
  /** Files the last runs could not even read: the index keeps no record of them (it has nothing to
   *  hash), yet the report must list them with their reason. */
  private readonly unreadable = new Map<string, FileReport>();
  private abort: AbortController | null = null;
  private fullRun: Promise<void> | null = null;
  private caughtUp = false;
  private disposed = false;
  private loadedValue: LoadedIndex | null = null;

  constructor(private readonly deps: CoreIndexDeps) {}

  status(): IndexStatus {
    return this.current;
  }

  onStatus(listener: (s: IndexStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The loaded index and embedder; the first call opens them and starts a catch-up run. */
  load(): Promise<LoadedIndex> {
    if (!this.loading) {
      this.loading = this.open().catch((e) => {
        this.loading = null;
        this.set({ phase: "error", message: messageOf(e) });
        throw e;
      });
      void this.loading.then(() => {
        if (!this.caughtUp) {
          this.caughtUp = true;
          // Files changed while Obsidian was closed: bring the index up to date in the background.
          void this.indexVault().catch(() => undefined);
        }
      }, () => undefined);
    }
    return this.loading;
  }

  private async open(rebuild = false): Promise<LoadedIndex> {
    this.set({ phase: "loading-model", modelProgress: undefined, message: undefined });
    const choice = await this.deps.embedder((fraction) => this.set({ phase: "loading-model", modelProgress: fraction }));
    const storage = this.deps.storage();
    // A model that failed to load must not wipe vectors built with it: open without a model check.
    const model = choice.embedder ? choice.embedder.id : choice.notice ? undefined : null;
    let opened;
    let repairNotice: string | undefined;
    try {
      // Background mode: the metadata and vectors load now; the keyword index and the texts' checksum
      // follow in slices, so opening a large index never freezes the app.
      opened = await ScholiaIndex.open(storage, { model, rebuild, keyword: "background" });
    } catch (e) {
      if (!(e instanceof IndexModelMismatchError)) throw e;
      // The user switched models in settings: the old vectors cannot answer the new model's queries.
      opened = await ScholiaIndex.open(storage, { model, rebuild: true, keyword: "background" });
      repairNotice = "The embedding model changed, so the index is being rebuilt.";
    }
    if (opened.notice) repairNotice = opened.notice;
    const loaded: LoadedIndex = { index: opened.index, embedder: choice.embedder, fallbackNotice: choice.notice, repairNotice };
    this.loadedValue = loaded;
    this.set({ phase: "ready", modelProgress: undefined, message: loadedNotice(loaded), ...this.counts(loaded.index) });
    return loaded;
  }

  indexVault(): Promise<void> {
    if (this.fullRun) return this.fullRun;
    const run = this.enqueue(async () => {
      const loaded = await this.load();
      // A damaged texts file makes the index forget the files it holds. That must be known before the
      // run passes files over as unchanged: the run's own save would otherwise finish the check, drop
      // those files and leave them out of the index until some later run.
      await loaded.index.verified();
      this.control = createJobControl();
      this.abort = new AbortController();
      this.set({ phase: "indexing", filesDone: 0, filesTotal: 0, etaSeconds: undefined });
      try {
        const result = await runIndex({
          vault: this.deps.vault,
          index: loaded.index,
          embedder: loaded.embedder,
          ingest: this.deps.ingest,
          isIndexable: this.deps.isIndexable,
          control: this.control,
          signal: this.abort.signal,
          onProgress: (p) =>
            this.set({
              phase: this.control?.paused ? "paused" : "indexing",
              filesDone: p.filesDone,
              filesTotal: p.filesTotal,
              etaSeconds: p.etaSeconds ?? undefined,
              ...this.counts(loaded.index),
            }),
        });
        this.unreadable.clear();
        const recorded = new Set(loaded.index.listFiles().map((f) => f.path));
        for (const f of result.files) if (f.status === "failed" && !recorded.has(f.path)) this.unreadable.set(f.path, f);
        // The whole vault has been read again: whatever damage or reset was reported is repaired.
        loaded.repairNotice = undefined;
        loaded.index.clearNotices();
        this.set({ phase: "ready", etaSeconds: undefined, message: loadedNotice(loaded), ...this.counts(loaded.index), filesDone: result.files.length, filesTotal: result.files.length });
      } catch (e) {
        if (isAbortError(e)) return;
        this.set({ phase: "error", message: messageOf(e) });
        throw e;
      } finally {
        this.control = null;
        this.abort = null;
      }
    });
    this.fullRun = run.finally(() => {
      this.fullRun = null;
    });
    return this.fullRun;
  }

  indexPaths(paths: string[]): Promise<void> {
    return this.enqueue(async () => {
      const loaded = await this.load();
      const entries = new Map((await this.deps.vault.list()).map((e) => [e.path, e]));
      for (const path of paths) {
        const entry = entries.get(path);
        this.unreadable.delete(path);
        if (!entry) {
          await removeFile(loaded.index, path, false);
          continue;
        }
        if (!this.deps.isIndexable(path)) continue;
        const outcome = await indexFile({ vault: this.deps.vault, index: loaded.index, embedder: loaded.embedder, ingest: this.deps.ingest, save: false }, entry);
        this.noteUnreadable(loaded.index, outcome);
      }
      await loaded.index.save();
      this.set({ ...this.counts(loaded.index) });
    });
  }

  removePaths(paths: string[]): Promise<void> {
    return this.enqueue(async () => {
      const loaded = await this.load();
      for (const p of paths) {
        this.unreadable.delete(p);
        await removeFile(loaded.index, p, false);
      }
      await loaded.index.save();
      this.set({ ...this.counts(loaded.index) });
    });
  }

  renamePath(oldPath: string, newPath: string): Promise<void> {
    return this.enqueue(async () => {
      const loaded = await this.load();
      const failure = this.unreadable.get(oldPath);
      this.unreadable.delete(oldPath);
      if (failure) this.unreadable.set(newPath, { ...failure, path: newPath });
      await renameFile(loaded.index, oldPath, newPath);
    });
  }

  rebuild(): Promise<void> {
    this.abort?.abort();
    this.control?.resume();
    const reopened = this.enqueue(async () => {
      this.loading = this.open(true);
      await this.loading;
    });
    return reopened.then(() => this.indexVault());
  }

  pause(): void {
    if (!this.control || this.current.phase !== "indexing") return;
    this.control.pause();
    this.set({ phase: "paused" });
  }

  resume(): void {
    if (!this.control || this.current.phase !== "paused") return;
    this.control.resume();
    this.set({ phase: "indexing" });
  }

  report(): FileReport[] {
    const loaded = this.loadedValue;
    if (!loaded) return [];
    const known: FileReport[] = loaded.index
      .listFiles()
      .map((f) => ({ path: f.path, status: f.status, chunks: f.chunks, ...(f.reason ? { reason: f.reason } : {}) }));
    const recorded = new Set(known.map((f) => f.path));
    const unreadable = [...this.unreadable.values()].filter((f) => !recorded.has(f.path));
    return [...known, ...unreadable].sort((a, b) => a.path.localeCompare(b.path));
  }

  private noteUnreadable(index: ScholiaIndex, outcome: FileReport): void {
    if (outcome.status === "failed" && !index.listFiles().some((f) => f.path === outcome.path)) this.unreadable.set(outcome.path, outcome);
    else this.unreadable.delete(outcome.path);
  }

  dispose(): void {
    this.disposed = true;
    this.abort?.abort();
    this.control?.resume();
    this.listeners.clear();
    void this.loading?.then((l) => l.embedder?.dispose()).catch(() => undefined);
  }

  private enqueue<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private counts(index: ScholiaIndex): Pick<IndexStatus, "searchableFiles" | "chunks"> {
    let searchable = 0;
    for (const f of index.listFiles()) if (f.status === "indexed" && f.chunks > 0) searchable++;
    return { searchableFiles: searchable, chunks: index.chunkCount };
  }

  private set(patch: Partial<IndexStatus>): void {
    if (this.disposed) return;
    this.current = { ...this.current, ...patch };
    for (const l of this.listeners) l(this.current);
  }
}

function messageOf(e: unknown): string {
  return e instanceof Error && e.message ? e.message : "The index could not be opened.";
}
