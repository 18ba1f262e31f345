// An in-memory SearchableIndex for retrieval tests: MiniSearch BM25 over text, title and headings,
// brute-force cosine over vectors from the given embedder. It honours filters before taking k, as
// the real store must.
import MiniSearch from "minisearch";
import type { Embedder } from "../../../src/core/embed/embedder";
import { pathMatchesFilter } from "../../../src/core/search/filter";
import type { ScoredChunk, SearchableIndex } from "../../../src/core/search/searchable";
import type { Chunk, SearchFilter } from "../../../src/core/types";

export interface MemoryFile {
  path: string;
  tags?: string[];
  chunks: Chunk[];
}

export class MemoryIndex implements SearchableIndex {
  readonly chunks: Chunk[] = [];
  private readonly tags = new Map<string, string[]>();
  private readonly vectors: Float32Array[] = [];
  private readonly mini = new MiniSearch<{ id: number; text: string; title: string; headings: string }>({
    fields: ["text", "title", "headings"],
    storeFields: [],
  });
  /** How many keyword searches ran; tests use it to check the retriever's cost stays bounded. */
  keywordCalls = 0;

  private constructor(readonly modelId: string | null) {}

  static async build(files: MemoryFile[], embedder: Embedder | null = null): Promise<MemoryIndex> {
    const index = new MemoryIndex(embedder ? embedder.id : null);
    for (const f of files) {
      index.tags.set(f.path, f.tags ?? []);
      for (const c of f.chunks) {
        const ordinal = index.chunks.length;
        index.chunks.push(c);
        index.mini.add({ id: ordinal, text: c.text, title: c.title ?? "", headings: (c.headings ?? []).join(" ") });
      }
    }
    if (embedder) {
      await embedder.init();
      index.vectors.push(...(await embedder.embedDocuments(index.chunks.map((c) => c.embedText ?? c.text))));
    }
    return index;
  }

  get chunkCount(): number {
    return this.chunks.length;
  }

  getChunk(ordinal: number): Chunk {
    const c = this.chunks[ordinal];
    if (!c) throw new Error(`No chunk ${ordinal}`);
    return c;
  }

  getFileTags(path: string): string[] {
    return this.tags.get(path) ?? [];
  }

  private admits(ordinal: number, filter?: SearchFilter): boolean {
    return pathMatchesFilter(this.chunks[ordinal].path, filter, (p) => this.getFileTags(p));
  }

  keywordSearch(query: string, k: number, filter?: SearchFilter): ScoredChunk[] {
    this.keywordCalls++;
    return this.mini
      .search(query, { filter: (r) => this.admits(r.id as number, filter) })
      .slice(0, k)
      .map((r) => ({ ordinal: r.id as number, score: r.score }));
  }

  vectorSearch(query: Float32Array, k: number, filter?: SearchFilter): ScoredChunk[] {
    const out: ScoredChunk[] = [];
    this.vectors.forEach((v, ordinal) => {
      if (!this.admits(ordinal, filter)) return;
      out.push({ ordinal, score: dot(v, query) });
    });
    return out.sort((a, b) => b.score - a.score).slice(0, k);
  }

  keywordScores(query: string, ordinals: readonly number[]): Float64Array {
    const wanted = new Set(ordinals);
    const found = new Map<number, number>();
    for (const r of this.mini.search(query, { filter: (r) => wanted.has(r.id as number) })) found.set(r.id as number, r.score);
    return Float64Array.from(ordinals, (o) => found.get(o) ?? 0);
  }

  vectorScores(query: Float32Array, ordinals: readonly number[]): Float64Array | null {
    if (this.vectors.length === 0) return null;
    return Float64Array.from(ordinals, (o) => dot(this.vectors[o], query));
  }
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** Chunk factory with the fields the tests do not care about filled in. */
export function chunk(path: string, ordinal: number, text: string, extra: Partial<Chunk> = {}): Chunk {
  const kind = path.endsWith(".pdf") ? "pdf" : "markdown";
  return { id: `${path}#${ordinal}`, path, kind, text, title: extra.title ?? path.replace(/^.*\//u, "").replace(/\.\w+$/u, ""), ...extra };
}
