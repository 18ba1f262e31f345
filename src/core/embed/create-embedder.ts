// The embedder for a configuration, with local models run by transformers.js in this process (the CLI,
// tests, benchmarks). The Obsidian plugin uses selectEmbedder with its worker-backed local embedder
// instead, so the main plugin bundle does not carry the model runtime.
import { selectEmbedder, type EmbedderChoice, type EmbedderConfig } from "./select-embedder";
import type { FetchLike } from "./remote-embedder";
import { TransformersEmbedder, type TransformersEmbedderOptions } from "./transformers-embedder";

export type { EmbedderChoice, EmbedderConfig } from "./select-embedder";

export interface CreateEmbedderOptions {
  fetch?: FetchLike;
  signal?: AbortSignal;
  /** Extra settings for a local model (batch size, dtype, progress…). */
  local?: Omit<TransformersEmbedderOptions, "model" | "cacheDir" | "allowRemote">;
}

/** Builds and initializes the configured embedder. A model that cannot be loaded (e.g. offline on
 *  first run) yields `{ embedder: null, notice }` — keyword-only retrieval, never an error. */
export function createEmbedder(config: EmbedderConfig, options: CreateEmbedderOptions = {}): Promise<EmbedderChoice> {
  return selectEmbedder(config, {
    fetch: options.fetch,
    signal: options.signal,
    local: (c) => new TransformersEmbedder({ ...options.local, model: c.model, cacheDir: c.cacheDir, allowRemote: c.allowRemote }),
  });
}
