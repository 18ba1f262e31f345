// Chooses and starts the embedder a configuration asks for, degrading to keyword-only retrieval with a
// notice when it cannot start. Knows nothing about how a local model runs: the caller supplies that
// (transformers.js in Node, a Web Worker in Obsidian), so this module pulls no runtime into a bundle.
import type { Embedder } from "./embedder";
import { RemoteEmbedder, type FetchLike } from "./remote-embedder";

export type EmbedderConfig =
  | { kind: "local"; model: string; cacheDir?: string; allowRemote?: boolean }
  | { kind: "remote"; baseUrl: string; model: string; apiKey?: string }
  | { kind: "none" };

export interface EmbedderChoice {
  /** null: keyword-only retrieval. */
  embedder: Embedder | null;
  /** Why retrieval is keyword-only, when the configuration asked for embeddings. One sentence. */
  notice?: string;
}

export interface SelectOptions {
  /** Builds the local embedder (not yet initialized). */
  local: (config: Extract<EmbedderConfig, { kind: "local" }>) => Embedder;
  /** fetch for the remote embedder (the plugin passes one backed by requestUrl). */
  fetch?: FetchLike;
  signal?: AbortSignal;
}

export const KEYWORD_ONLY = "using keyword search only";

function withFallback(message: string): string {
  return `${message.replace(/[.\s]+$/, "")}; ${KEYWORD_ONLY}.`;
}

export async function selectEmbedder(config: EmbedderConfig, options: SelectOptions): Promise<EmbedderChoice> {
  if (config.kind === "none") return { embedder: null };
  let embedder: Embedder;
  try {
    embedder =
      config.kind === "local"
        ? options.local(config)
        : new RemoteEmbedder({ baseUrl: config.baseUrl, model: config.model, apiKey: config.apiKey, fetch: options.fetch });
  } catch (error) {
    return { embedder: null, notice: withFallback(error instanceof Error ? error.message : String(error)) };
  }
  try {
    await embedder.init(options.signal);
    return { embedder };
  } catch (error) {
    if (error instanceof Error && error.name === "AbortError") throw error;
    await embedder.dispose().catch(() => undefined);
    return { embedder: null, notice: withFallback(error instanceof Error ? error.message : String(error)) };
  }
}
