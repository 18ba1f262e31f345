// Synonyms through the embedding model: a reader's "photos" is the paper's "images", "hardware" its
// "GPUs". A query term the vault never spells out still counts as known when a word of the best
// passages is its near neighbour in the model's space. Single words are embedded on their own, which
// for a static (word-vector) model is a table lookup and for a transformer a batch of tiny inputs.
import type { Embedder } from "../embed/embedder";
import { isStopword, wordTokens } from "./query-terms";

/** Cosine between two single-word embeddings above which they count as the same concept. Measured
 *  on the development questions (`npm run eval`'s models): with all-MiniLM-L6-v2 reader synonyms
 *  sit above it ("photos"/"images" 0.84, "photo"/"image" 0.79) and the nearest words of near-miss
 *  questions below ("warmup"/"warm" 0.66, "transformer"/"transform" 0.67). Single GloVe vectors are
 *  noisier ("attention"/"even" 0.70 against "photos"/"images" 0.71), so with the static model
 *  almost nothing passes: synonyms help only where the model can tell them apart. */
export const NEIGHBOUR_COSINE = 0.75;
/** Distinct words of the passages compared; bounds the cost of one query. */
const MAX_VOCABULARY = 250;
/** Word vectors kept between queries: the best passages of related questions share most words. */
const CACHE_WORDS = 20_000;

/** Word → vector memo for one embedder; oldest words are dropped first. */
export class WordVectorCache {
  private readonly map = new Map<string, Float32Array>();
  constructor(private readonly capacity = CACHE_WORDS) {}

  async vectors(embedder: Pick<Embedder, "embedDocuments">, words: string[], signal?: AbortSignal): Promise<(Float32Array | undefined)[]> {
    const todo = [...new Set(words.filter((w) => !this.map.has(w)))];
    if (todo.length > 0) {
      const got = await embedder.embedDocuments(todo, signal);
      todo.forEach((w, i) => {
        if (got[i]) this.map.set(w, got[i]);
      });
      for (const key of this.map.keys()) {
        if (this.map.size <= this.capacity) break;
        this.map.delete(key);
      }
    }
    return words.map((w) => this.map.get(w));
  }
}

/** Content words of passages, most frequent first, at most MAX_VOCABULARY. */
export function passageVocabulary(texts: string[]): string[] {
  const counts = new Map<string, number>();
  for (const text of texts) {
    for (const w of wordTokens(text)) {
      if (w.length < 3 || isStopword(w) || /\d/u.test(w) || !/^\p{L}+$/u.test(w)) continue;
      counts.set(w, (counts.get(w) ?? 0) + 1);
    }
  }
  return [...counts].sort((a, b) => b[1] - a[1]).slice(0, MAX_VOCABULARY).map(([w]) => w);
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

export interface Neighbour {
  word: string;
  cosine: number;
  /** How far the cosine stands out from the term's cosines with the other words compared, in
   *  standard deviations: a true synonym stands out, a hub word close to everything does not. */
  z?: number;
}

/** For each term, its nearest word of `vocabulary` when their cosine reaches `threshold`. Terms with
 *  hyphens are compared whole. An embedder failure leaves the terms unmatched: synonyms only ever
 *  add evidence, so losing them must not fail the search. */
export async function nearNeighbours(
  embedder: Pick<Embedder, "embedDocuments">,
  terms: string[],
  vocabulary: string[],
  threshold = NEIGHBOUR_COSINE,
  signal?: AbortSignal,
  cache: WordVectorCache = new WordVectorCache(),
): Promise<Map<string, Neighbour>> {
  const out = new Map<string, Neighbour>();
  const vocab = vocabulary.filter((w) => !terms.includes(w));
  if (terms.length === 0 || vocab.length === 0) return out;
  let vectors: (Float32Array | undefined)[];
  try {
    vectors = await cache.vectors(embedder, [...terms, ...vocab], signal);
  } catch (err) {
    if (signal?.aborted) throw err;
    return out;
  }
  terms.forEach((term, i) => {
    const v = vectors[i];
    // A word the model does not know embeds to nothing (all zeros for a static model).
    if (!v || dot(v, v) < 1e-6) return;
    let best: Neighbour | null = null;
    const all: number[] = [];
    vocab.forEach((word, j) => {
      const u = vectors[terms.length + j];
      if (!u) return;
      const c = dot(v, u);
      all.push(c);
      if (!best || c > best.cosine) best = { word, cosine: c };
    });
    if (best === null) return;
    const found: Neighbour = best;
    const mean = all.reduce((a, b) => a + b, 0) / all.length;
    const sd = Math.sqrt(all.reduce((a, b) => a + (b - mean) ** 2, 0) / all.length);
    found.z = sd > 0 ? (found.cosine - mean) / sd : 0;
    if (found.cosine >= threshold) out.set(term, found);
  });
  return out;
}
