// The local embedding models offered in settings, with what the embedder needs to use each one
// correctly (pooling, query prefix) and what a user needs to choose (size, published quality).
// Any other Hugging Face feature-extraction model id or local folder works too; see `modelProfile`.

/** How token vectors become one text vector.
 *  - mean: average over real (unmasked) tokens — sentence-transformers models such as MiniLM.
 *  - cls: the first ([CLS]) token — the bge family.
 *  - model: the graph already outputs one vector per text (Model2Vec/potion, sentence_embedding). */
export type Pooling = "mean" | "cls" | "model";

export interface ModelChoice {
  /** Short name shown in settings. */
  name: string;
  /** Hugging Face model id in the transformers.js layout (ONNX weights under onnx/). */
  id: string;
  dims: number;
  /** Approximate download size of the weights the embedder loads by default, in MB. */
  downloadMB: number;
  /** Longest input in tokens; longer chunks are truncated. */
  maxTokens: number;
  pooling: Pooling;
  /** Prepended to queries (not documents) as the model's authors recommend for retrieval. */
  queryPrefix?: string;
  /** MTEB English retrieval average (nDCG@10 over the 15 BEIR tasks) as published; null if unpublished. */
  mtebRetrieval: number | null;
  /** Where the retrieval figure comes from. */
  source: string;
  /** One line for the settings dropdown. */
  summary: string;
}

export const BGE_QUERY_PREFIX = "Represent this sentence for searching relevant passages: ";

export const MODEL_CHOICES: readonly ModelChoice[] = [
  {
    name: "bge-small-en-v1.5",
    id: "Xenova/bge-small-en-v1.5",
    dims: 384,
    downloadMB: 34,
    maxTokens: 512,
    pooling: "cls",
    queryPrefix: BGE_QUERY_PREFIX,
    mtebRetrieval: 51.68,
    source: "BAAI/bge-small-en-v1.5 model card (MTEB table, Retrieval column)",
    summary: "Best retrieval quality of the small models; 12 layers, about half the speed of MiniLM.",
  },
  {
    name: "all-MiniLM-L6-v2",
    id: "Xenova/all-MiniLM-L6-v2",
    dims: 384,
    downloadMB: 23,
    maxTokens: 256,
    pooling: "mean",
    mtebRetrieval: 41.95,
    source: "Model2Vec results table (MinishLab/model2vec results/README.md), Ret column",
    summary: "Classic fast model; 6 layers, about twice as fast as bge-small, clearly weaker retrieval.",
  },
  {
    name: "bge-micro-v2",
    id: "TaylorAI/bge-micro-v2",
    dims: 384,
    downloadMB: 17,
    maxTokens: 512,
    pooling: "mean",
    mtebRetrieval: null,
    source: "TaylorAI/bge-micro-v2 model card lists per-task MTEB scores but no retrieval average",
    summary: "3-layer distillation of bge-small; the smallest transformer here, for slow machines.",
  },
  {
    name: "potion-base-8M (Model2Vec)",
    id: "minishlab/potion-base-8M",
    dims: 256,
    downloadMB: 30,
    maxTokens: 512,
    pooling: "model",
    mtebRetrieval: 31.71,
    source: "Model2Vec results table (MinishLab/model2vec results/README.md), Ret column",
    summary: "Static embeddings: a table lookup, hundreds of times faster, weakest retrieval.",
  },
];

/**
 * The default local model: bge-small-en-v1.5.
 *
 * Why: answers in Scholia are only as good as the passages retrieval finds, and on the published MTEB
 * retrieval average bge-small-en-v1.5 scores 51.68 against 41.95 for all-MiniLM-L6-v2 and 31.71 for
 * potion-base-8M — the largest quality gap among these choices, on exactly the task we do. It stays
 * small (384 dimensions, a 34 MB quantized download) and reads 512 tokens, so our ~200-token chunks are
 * never cut. The price is speed: 12 layers against MiniLM's 6 make first-time indexing roughly twice as
 * slow, but indexing is incremental (only changed files are re-embedded) and runs in a background
 * worker, so it is paid once, while retrieval quality is paid on every question. Users on slow machines
 * or with very large vaults can pick all-MiniLM-L6-v2, bge-micro-v2 or potion-base-8M in settings, or
 * point Scholia at a remote /embeddings server.
 */
export const DEFAULT_MODEL_ID = "Xenova/bge-small-en-v1.5";

export function findModelChoice(idOrName: string): ModelChoice | undefined {
  const key = idOrName.trim().toLowerCase();
  return MODEL_CHOICES.find((m) => m.id.toLowerCase() === key || m.name.toLowerCase() === key);
}

/** How to run a model the catalogue may not know: what pooling and query prefix it needs. */
export interface ModelProfile {
  pooling?: Pooling;
  queryPrefix?: string;
  documentPrefix?: string;
}

/** Best-known settings for any model id or folder name. Unknown models get mean pooling (the
 *  sentence-transformers default) unless the graph itself outputs sentence vectors. */
export function modelProfile(model: string): ModelProfile {
  const choice = findModelChoice(model);
  if (choice) return { pooling: choice.pooling, queryPrefix: choice.queryPrefix };
  const name = model.toLowerCase().replace(/\\/g, "/").split("/").pop() ?? "";
  if (/^potion-|^m2v_|model2vec/.test(name)) return { pooling: "model" };
  // bge-micro/bge-nano are mean-pooled distillations; the BAAI bge family uses CLS and a query instruction.
  if (/^bge-(micro|nano)/.test(name)) return { pooling: "mean" };
  if (/^bge-.*-en/.test(name)) return { pooling: "cls", queryPrefix: BGE_QUERY_PREFIX };
  if (/^(multilingual-)?e5-/.test(name)) return { pooling: "mean", queryPrefix: "query: ", documentPrefix: "passage: " };
  if (/^nomic-embed-text/.test(name)) {
    return { pooling: "mean", queryPrefix: "search_query: ", documentPrefix: "search_document: " };
  }
  if (/^(snowflake-arctic-embed|mxbai-embed)/.test(name)) {
    return { pooling: "cls", queryPrefix: BGE_QUERY_PREFIX };
  }
  return {};
}
