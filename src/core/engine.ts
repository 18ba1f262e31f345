// Composes the core for one vault: index store, embedder, indexing job, retriever and answerer.
// The CLI and the plugin both open an Engine; they differ only in the pieces they inject (node:fs or
// Obsidian's adapter, transformers.js in-process or in a worker, pdfjs-dist or the app's pdf.js).
import type { Embedder } from "./embed/embedder";
import type { EmbedderChoice, EmbedderConfig } from "./embed/select-embedder";
import { ingestFile, isIndexablePath } from "./ingest/ingest-file";
import type { PdfJsApi } from "./ingest/pdf/pdfjs-api";
import { IndexModelMismatchError } from "./index/errors";
import { runIndex, type IndexJobResult, type IndexProgress } from "./index/indexer";
import type { JobControl } from "./index/job-control";
import { ScholiaIndex } from "./index/scholia-index";
import { ask, type AskOptions, type AskResult } from "./answer/answerer";
import { createLinkBuilder, type LinkBuilder } from "./answer/links";
import type { LlmClient } from "./answer/llm";
import { Retriever, type SearchOptions } from "./search/retriever";
import type { SearchResult } from "./types";
import type { IndexStorage, VaultReader } from "./vault";

/** Where the embedder settings that built an index are kept, so later queries can load the same model
 *  (a local folder is recorded in the index only by its name). */
const EMBEDDER_RECORD = "embedder.json";

export interface EngineDeps {
  storage: IndexStorage;
  vault: VaultReader;
  pdfjs: () => Promise<PdfJsApi>;
  /** Builds and initializes an embedder; a model that cannot load yields `{ embedder: null, notice }`. */
  startEmbedder: (config: EmbedderConfig, signal?: AbortSignal) => Promise<EmbedderChoice>;
  linkBuilder?: LinkBuilder;
}

export interface EngineOptions {
  /** The embedder to use; `undefined` means "whatever built the index" (keyword only for a new one). */
  embedder?: EmbedderConfig;
  /** Building (not just querying): a model change then rebuilds instead of refusing. */
  forIndexing?: boolean;
  rebuild?: boolean;
  chunkTokens?: number;
  /** Key for a remote embedder recorded in the index (keys are never stored there). */
  embedderApiKey?: string;
  signal?: AbortSignal;
}

export interface EngineIndexOptions {
  include?: string[];
  exclude?: string[];
  onProgress?: (p: IndexProgress) => void;
  signal?: AbortSignal;
  control?: JobControl;
}

/** The embedder settings recorded with an index, if any. */
export function recordedEmbedder(storage: IndexStorage): Promise<EmbedderConfig | undefined> {
  return readEmbedderRecord(storage);
}

export class Engine {
  private retriever: Retriever;

  private constructor(
    private readonly deps: EngineDeps,
    readonly index: ScholiaIndex,
    readonly embedder: Embedder | null,
    readonly embedderConfig: EmbedderConfig,
    /** One-sentence remarks for the user (model fell back to keywords, index was rebuilt…). */
    readonly notices: string[],
    private readonly chunkTokens: number | undefined,
  ) {
    this.retriever = new Retriever(index, embedder);
  }

  get links(): LinkBuilder {
    return this.deps.linkBuilder ?? createLinkBuilder();
  }

  static async open(deps: EngineDeps, opts: EngineOptions = {}): Promise<Engine> {
    const notices: string[] = [];
    const recorded = await readEmbedderRecord(deps.storage);
    let config: EmbedderConfig = opts.embedder ?? recorded ?? { kind: "none" };
    if (config.kind === "remote" && !config.apiKey && opts.embedderApiKey) config = { ...config, apiKey: opts.embedderApiKey };
    const choice = await deps.startEmbedder(config, opts.signal);
    if (choice.notice) notices.push(choice.notice);
    const wanted = choice.embedder?.id ?? null;

    let opened;
    try {
      opened = await ScholiaIndex.open(deps.storage, { model: wanted, rebuild: opts.rebuild });
    } catch (e) {
      if (!(e instanceof IndexModelMismatchError)) throw e;
      if (choice.embedder === null && config.kind !== "none") {
        // The model was asked for but could not load: keep the vectors we have and search by keyword.
        if (opts.forIndexing) {
          throw new Error(`${choice.notice ?? "The embedding model could not be loaded."} The index was left unchanged.`);
        }
        opened = await ScholiaIndex.open(deps.storage, {});
      } else if (config.kind === "none" && !opts.forIndexing) {
        // Keyword retrieval only was asked for: every index has its keyword part, whatever built its vectors.
        opened = await ScholiaIndex.open(deps.storage, {});
      } else if (opts.forIndexing) {
        notices.push(`${e.message.replace(/;.*$/, "")}; rebuilding it for ${wanted ?? "keyword search only"}.`);
        opened = await ScholiaIndex.open(deps.storage, { model: wanted, rebuild: true });
      } else {
        throw e;
      }
    }
    if (opened.notice) notices.push(opened.notice);
    const index = opened.index;
    // A keyword-only retriever over an index with vectors from an unloadable model still works.
    const embedder = choice.embedder && choice.embedder.id === index.modelId ? choice.embedder : null;
    if (opts.forIndexing && embedder) await writeEmbedderRecord(deps.storage, config);
    if (opts.forIndexing && !embedder && index.modelId === null) await writeEmbedderRecord(deps.storage, { kind: "none" });
    return new Engine(deps, index, embedder, config, notices, opts.chunkTokens);
  }

  async indexVault(opts: EngineIndexOptions = {}): Promise<IndexJobResult> {
    return runIndex({
      vault: this.deps.vault,
      index: this.index,
      embedder: this.embedder,
      ingest: (path, data, signal) => ingestFile(path, data, { pdfjs: this.deps.pdfjs, chunkTokens: this.chunkTokens, signal }),
      isIndexable: isIndexablePath,
      include: opts.include,
      exclude: opts.exclude,
      onProgress: opts.onProgress,
      signal: opts.signal,
      control: opts.control,
    });
  }

  search(query: string, opts: SearchOptions = {}): Promise<SearchResult> {
    return this.retriever.search(query, opts);
  }

  ask(question: string, opts: Omit<AskOptions, "retrieve" | "linkBuilder"> & { llm?: LlmClient | null } = {}): Promise<AskResult> {
    return ask(question, {
      ...opts,
      linkBuilder: this.links,
      retrieve: (query, o) => this.retriever.search(query, { k: o.k, filter: o.filter, signal: o.signal }),
    });
  }

  async close(): Promise<void> {
    await this.embedder?.dispose();
  }
}

async function readEmbedderRecord(storage: IndexStorage): Promise<EmbedderConfig | undefined> {
  const bytes = await storage.read(EMBEDDER_RECORD);
  if (!bytes) return undefined;
  try {
    const parsed = JSON.parse(new TextDecoder().decode(bytes)) as EmbedderConfig;
    if (parsed && (parsed.kind === "local" || parsed.kind === "remote" || parsed.kind === "none")) {
      // Keys are never recorded; the caller supplies them again.
      return parsed;
    }
  } catch {
    // A damaged record only loses the default; the caller can still pass a model.
  }
  return undefined;
}

async function writeEmbedderRecord(storage: IndexStorage, config: EmbedderConfig): Promise<void> {
  const safe: EmbedderConfig = config.kind === "remote" ? { kind: "remote", baseUrl: config.baseUrl, model: config.model } : config;
  const bytes = new TextEncoder().encode(JSON.stringify(safe));
  // An up-to-date index must stay untouched on disk (sync tools, backups, dry-run comparisons).
  const current = await storage.read(EMBEDDER_RECORD);
  if (current && current.length === bytes.length && current.every((b, i) => b === bytes[i])) return;
  await storage.writeAtomic(EMBEDDER_RECORD, bytes);
}
