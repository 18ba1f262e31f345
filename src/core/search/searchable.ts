// What retrieval needs from the index store. The store implements it; the retriever consumes it.
import type { Chunk, SearchFilter } from "../types";

export interface ScoredChunk {
  /** The store's internal ordinal for the chunk. */
  ordinal: number;
  score: number;
}

/** What the retriever needs to know about a file to notice that a query names it. */
export interface SearchableFile {
  path: string;
  title?: string;
  /** Files without chunks (skipped, failed) are ignored. */
  chunks?: number;
}

export interface SearchableIndex {
  /** The embedding model id the vectors were built with, or null for a keyword-only index. */
  readonly modelId: string | null;
  readonly chunkCount: number;
  getChunk(ordinal: number): Chunk;
  /** Tags of the file a chunk comes from (frontmatter and inline), for tag filters. */
  getFileTags(path: string): string[];
  /** BM25 over chunk text, title and headings. */
  keywordSearch(query: string, k: number, filter?: SearchFilter): ScoredChunk[];
  /** Cosine similarity against the stored vectors; empty when the index has none. */
  vectorSearch(query: Float32Array, k: number, filter?: SearchFilter): ScoredChunk[];
  /** The score `keywordSearch(query, …)` gives each of these chunks, in the same order; 0 for a chunk
   *  that matches none of the query's terms. Hybrid fusion uses it for passages only the vector
   *  ranker found. */
  keywordScores(query: string, ordinals: readonly number[]): ArrayLike<number>;
  /** The cosine `vectorSearch(query, …)` gives each of these chunks, in the same order; null when
   *  the index has no vectors. Hybrid fusion uses it for passages only the keyword ranker found. */
  vectorScores(query: Float32Array, ordinals: readonly number[]): ArrayLike<number> | null;
  /** Optional: the indexed files, so a query that names a paper ("AlexNet", "the ResNet paper")
   *  can favour it even when only its file name says so. */
  listFiles?(): SearchableFile[];
}
