// One interface for every way of turning text into vectors: a local transformers.js model, a remote
// OpenAI-compatible /embeddings endpoint, or none (keyword-only retrieval).

export interface Embedder {
  /** Identifies the model that built an index; querying an index with another id is refused. */
  readonly id: string;
  /** Vector length; known after `init()`. */
  readonly dims: number;
  /** Loads the model or checks the endpoint. Throws an Error with a one-sentence message on failure. */
  init(signal?: AbortSignal): Promise<void>;
  /** Embeds documents (passages). Vectors are L2-normalized. Batching is the embedder's business. */
  embedDocuments(texts: string[], signal?: AbortSignal): Promise<Float32Array[]>;
  /** Embeds a query (some models, e.g. bge, want a query instruction prefix). */
  embedQuery(text: string, signal?: AbortSignal): Promise<Float32Array>;
  dispose(): Promise<void>;
}
