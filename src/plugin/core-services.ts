// The plugin's service contracts backed by the real core: ingestion with Obsidian's own pdf.js,
// the index in the vault's adapter, embeddings (worker-backed local model, remote endpoint or none),
// retrieval, cited answers from any OpenAI-compatible server, and concept notes. Nothing here runs
// until a service is first used.
import { loadPdfJs, requestUrl, type App } from "obsidian";
import { ask } from "../core/answer/answerer";
import type { Citation } from "../core/answer/citations";
import { createFallbackFetch } from "../core/answer/fallback-fetch";
import { OpenAiLlmClient } from "../core/answer/llm-client";
import type { LlmClient } from "../core/answer/llm";
import { backgroundFromChunks } from "../core/concepts/background";
import type { Embedder } from "../core/embed/embedder";
import type { FetchLike } from "../core/embed/remote-embedder";
import { selectEmbedder, type EmbedderConfig } from "../core/embed/select-embedder";
import { ingestFile } from "../core/ingest/ingest-file";
import type { PdfJsApi } from "../core/ingest/pdf/pdfjs-api";
import { Retriever } from "../core/search/retriever";
import { VaultConceptService, type ConceptCorpus } from "./concept-service";
import { CoreIndexService, loadedNotice } from "./core-index-service";
import { obsidianLinkRenderer, recordingLinkBuilder } from "./obsidian-links";
import type { AnswerCitation, AskOptions, AskResult, AskService, ScholiaServices } from "./services";
import type { ScholiaSettings } from "./settings";
import { AdapterIndexStorage, ObsidianVaultReader } from "./vault-io";

export interface CoreServicesDeps {
  settings: () => ScholiaSettings;
  apiKey: () => string;
  indexDir: () => string;
  isIndexable: (path: string) => boolean;
  /** Builds the local embedding model (a Web Worker in the app); absent means local models are
   *  unavailable in this build and retrieval falls back to keywords with a notice. */
  localEmbedder?: (model: string, onProgress: (fraction: number) => void) => Embedder;
}

/** `fetch` that works despite CORS inside Obsidian: streaming fetch first, requestUrl otherwise. */
export function obsidianFetch(): typeof fetch {
  return createFallbackFetch(async (req) => {
    const res = await requestUrl({ url: req.url, method: req.method, headers: req.headers, body: req.body, throw: false });
    return { status: res.status, headers: res.headers, text: res.text };
  });
}

function selectionOf(link: string): [number, number, number, number] | undefined {
  const m = /selection=(\d+),(\d+),(\d+),(\d+)/.exec(link);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])] : undefined;
}

export function toAnswerCitation(c: Citation): AnswerCitation {
  const out: AnswerCitation = { n: c.n, path: c.path, kind: c.kind, link: c.link, quote: c.quote };
  if (c.title) out.title = c.title;
  if (c.page !== undefined) out.page = c.page;
  const selection = selectionOf(c.link);
  if (selection) out.selection = selection;
  if (c.headings) out.headings = c.headings;
  if (c.start !== undefined) out.start = c.start;
  if (c.videoUrl) out.video = c.videoUrl;
  return out;
}

function llmFor(settings: ScholiaSettings, apiKey: string): LlmClient | null {
  if (settings.llmPreset === "none" || settings.llmBaseUrl.trim() === "") return null;
  return new OpenAiLlmClient({ baseURL: settings.llmBaseUrl, model: settings.llmModel, apiKey: apiKey || undefined, fetch: obsidianFetch() });
}

function embedderConfig(s: ScholiaSettings, apiKey: string): EmbedderConfig {
  if (s.embeddingKind === "none") return { kind: "none" };
  if (s.embeddingKind === "remote") return { kind: "remote", baseUrl: s.remoteEmbeddingBaseUrl, model: s.remoteEmbeddingModel, apiKey: apiKey || undefined };
  return { kind: "local", model: s.localModel, allowRemote: true };
}

class CoreAskService implements AskService {
  constructor(
    private readonly app: App,
    private readonly index: CoreIndexService,
    private readonly deps: CoreServicesDeps,
  ) {}

  async ask(question: string, options: AskOptions): Promise<AskResult> {
    const loaded = await this.index.load();
    // Answers need the keyword side too; it finishes loading in the background, without blocking.
    await loaded.index.keywordReady();
    const retriever = new Retriever(loaded.index, loaded.embedder);
    const settings = this.deps.settings();
    // Links are written for the vault root and recorded, so "Insert at cursor" can write them again
    // relative to the note they go into.
    const links = recordingLinkBuilder(obsidianLinkRenderer(this.app, ""));
    const result = await ask(question, {
      retrieve: (query, o) => retriever.search(query, { k: o.k, filter: o.filter, signal: o.signal }),
      llm: llmFor(settings, this.deps.apiKey()),
      filter: options.scope,
      history: options.history,
      instructions: settings.answerInstructions || undefined,
      onToken: options.onToken,
      signal: options.signal,
      linkBuilder: links.builder,
    });
    // Damage found while the index finished loading in the background is only known now (the files
    // it affected are re-read by the next index run); the user should hear it with this answer.
    const notice = [loadedNotice(loaded), result.notice, this.incompleteIndexNotice(result.refused)].filter((n): n is string => !!n).join(" ");
    return {
      question: result.question,
      answer: result.answer,
      mode: result.mode,
      refused: result.refused,
      citations: result.citations.map(toAnswerCitation),
      dropped: result.dropped,
      ...(notice ? { notice } : {}),
      links: links.links(),
    };
  }

  /** A refusal while files are still being indexed may only mean the answer has not been read yet. */
  private incompleteIndexNotice(refused: boolean): string | undefined {
    const status = this.index.status();
    if (!refused || (status.phase !== "indexing" && status.phase !== "paused")) return undefined;
    const progress = status.filesTotal > 0 ? ` (${status.filesDone} of ${status.filesTotal} files)` : "";
    return `Indexing is still running${progress}, so the answer may be in a file not read yet.`;
  }
}

export function createCoreServices(app: App, deps: CoreServicesDeps): ScholiaServices & { dispose(): void } {
  let pdfjs: Promise<PdfJsApi> | null = null;
  const loadPdf = (): Promise<PdfJsApi> => (pdfjs ??= loadPdfJs() as Promise<PdfJsApi>);
  const ingest = (path: string, data: Uint8Array, signal?: AbortSignal) =>
    ingestFile(path, data, { pdfjs: loadPdf, chunkTokens: deps.settings().chunkTokens, signal });
  const fetchLike = obsidianFetch() as unknown as FetchLike;
  // A rebuild opens the index again and asks for a new embedder; the previous one (a worker holding
  // the whole model in memory) would otherwise stay alive for as long as Obsidian runs.
  let localModel: Embedder | null = null;
  const startLocal = (model: string, onProgress: (fraction: number) => void): Embedder => {
    if (!deps.localEmbedder) throw new Error("The local embedding model is not available in this build");
    void localModel?.dispose().catch(() => undefined);
    localModel = deps.localEmbedder(model, onProgress);
    return localModel;
  };

  const index = new CoreIndexService({
    vault: new ObsidianVaultReader(app),
    storage: () => new AdapterIndexStorage(app, deps.indexDir()),
    ingest,
    isIndexable: deps.isIndexable,
    embedder: (onProgress) =>
      selectEmbedder(embedderConfig(deps.settings(), deps.apiKey()), {
        fetch: fetchLike,
        local: (c) => startLocal(c.model, onProgress),
      }),
  });
  return {
    index,
    ask: new CoreAskService(app, index, deps),
    concepts: new VaultConceptService(app, {
      conceptFolder: () => deps.settings().conceptFolder,
      llm: () => llmFor(deps.settings(), deps.apiKey()),
      ingest,
      corpus: async (): Promise<ConceptCorpus> => {
        const loaded = await index.load();
        await loaded.index.keywordReady();
        const retriever = new Retriever(loaded.index, loaded.embedder);
        return {
          existingNotes: loaded.index
            .listFiles()
            .filter((f) => f.kind === "markdown" || f.kind === "transcript")
            .map((f) => ({ path: f.path, title: f.title, aliases: f.aliases })),
          background: (sourcePath, outFolder) => backgroundFromChunks(loaded.index.allChunks(), { sourcePath, outFolder }),
          retrieve: (query, o) => retriever.search(query, { k: o.k, filter: o.filter }),
        };
      },
    }),
    dispose: () => {
      index.dispose();
      // Also covers a model whose load was still running, or was abandoned, when the services closed.
      void localModel?.dispose().catch(() => undefined);
      localModel = null;
    },
  };
}
