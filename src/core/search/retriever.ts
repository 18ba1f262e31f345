// Retrieval over the index: keyword (BM25), vector (cosine) or both fused, filtered to a scope,
// diversified, with a confidence the answer layer uses to refuse. Hybrid never fails for want of a
// model: without one it returns keyword results and says so in `notice`.
import type { Embedder } from "../embed/embedder";
import { IndexModelMismatchError } from "../index/errors";
import type { Chunk, Passage, SearchFilter, SearchMode, SearchResult } from "../types";
import { chunkStemSet, computeSignals, confidenceFromSignals, type ConfidenceSignals } from "./confidence";
import { defaultDiversity, diversify, placeKey, type DiversityOptions } from "./diversity";
import { chunkMatchesFilter, isEmptyFilter, pathMatchesFilter } from "./filter";
import { DEFAULT_FUSION, fuseRankings, type FusedCandidate, type FusionOptions, type ScoreCompletion } from "./fusion";
import { FileNames } from "./named-files";
import { keywordQuery, queryTerms, termIn, type QueryTerm } from "./query-terms";
import type { ScoredChunk, SearchableIndex } from "./searchable";
import { nearNeighbours, passageVocabulary, WordVectorCache, type Neighbour } from "./semantic-presence";
import { probeForms } from "./term-variants";

export interface SearchOptions {
  /** Passages to return; 10 by default. */
  k?: number;
  mode?: SearchMode;
  filter?: SearchFilter;
  signal?: AbortSignal;
}

export interface RetrieverConfig {
  fusion?: Partial<FusionOptions>;
  /** Candidates each ranker contributes before fusion; at least 4 × k are always taken. */
  candidates?: number;
  /** Caps for diversity; `false` turns diversity off (the eval uses it to measure its effect). */
  diversity?: Partial<DiversityOptions> | false;
  /** Strip question words and stopwords from the keyword query (on by default). */
  stripStopwords?: boolean;
  /** How passages of a file the query names ("AlexNet", "the ResNet authors") are favoured:
   *  "first" ranks them ahead of all others (default), a number multiplies their score, 1 is off. */
  namedFileBoost?: number | "first";
}

/** A search with its diagnostics, for the eval and for debugging. */
export interface DetailedSearchResult extends SearchResult {
  signals: ConfidenceSignals;
  /** The mode that actually ran (hybrid degrades to keyword without a model). */
  effectiveMode: SearchMode;
  /** Files the query names, whose passages were favoured. */
  namedFiles: string[];
}

export const DEFAULT_K = 10;
const MAX_K = 200;
const MIN_CANDIDATES = 50;
/** Per query term, how many keyword hits are inspected to estimate its document frequency. */
const DF_PROBE = 40;
/** "first" measured best on the dev questions that name a paper (see `npm run eval`'s variants):
 *  a multiplier cannot lift the named paper's answer above a passage of another paper that matches
 *  the rest of the question far better on words ("batch normalization" in the BN paper when the
 *  question asks where the ResNet authors put it). */
const DEFAULT_NAMED_FILE_BOOST: number | "first" = "first";
const MAX_NAMED_FILES = 3;
const MAX_TERMS = 16;
/** Best passages whose words are compared with the query's missing terms for synonyms. */
const SYNONYM_PASSAGES = 3;

function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) {
    throw signal.reason instanceof Error ? signal.reason : new DOMException("The search was aborted.", "AbortError");
  }
}

function errorMessage(err: unknown): string {
  const m = err instanceof Error ? err.message : String(err);
  return m.replace(/\s+/gu, " ").trim().replace(/\.$/u, "");
}

/** Per-search memo of chunk word sets, keyed by id: stores hand out a fresh Chunk object per call. */
function stemCache(): (chunk: Chunk) => Set<string> {
  const cache = new Map<string, Set<string>>();
  return (chunk) => {
    let s = cache.get(chunk.id);
    if (!s) {
      s = chunkStemSet(chunk);
      cache.set(chunk.id, s);
    }
    return s;
  };
}

/** Union of two hit lists, best score first, each chunk once. */
function mergeHits(a: ScoredChunk[], b: ScoredChunk[]): ScoredChunk[] {
  if (b.length === 0) return a;
  const best = new Map<number, number>();
  for (const h of [...a, ...b]) best.set(h.ordinal, Math.max(best.get(h.ordinal) ?? -Infinity, h.score));
  return [...best].map(([ordinal, score]) => ({ ordinal, score })).sort((x, y) => y.score - x.score);
}

export class Retriever {
  private readonly fusion: FusionOptions;
  private readonly config: RetrieverConfig;
  private embedderReady: Promise<void> | null = null;
  private readonly fileNames = new FileNames();
  private readonly wordVectors = new WordVectorCache();

  /** `embedder` may be uninitialized: it is initialized on the first vector query (when its `dims`
   *  is still 0). Pass null for keyword-only retrieval. */
  constructor(
    private readonly index: SearchableIndex,
    private readonly embedder: Embedder | null = null,
    config: RetrieverConfig = {},
  ) {
    this.config = config;
    this.fusion = { ...DEFAULT_FUSION, ...config.fusion };
  }

  async search(query: string, opts: SearchOptions = {}): Promise<SearchResult> {
    const { signals: _signals, effectiveMode: _mode, namedFiles: _named, ...result } = await this.searchDetailed(query, opts);
    return result;
  }

  async searchDetailed(query: string, opts: SearchOptions = {}): Promise<DetailedSearchResult> {
    const q = query.trim();
    const k = Math.min(MAX_K, Math.max(1, Math.floor(opts.k ?? DEFAULT_K) || DEFAULT_K));
    const mode: SearchMode = opts.mode ?? "hybrid";
    const filter = isEmptyFilter(opts.filter) ? undefined : opts.filter;
    const signal = opts.signal;
    throwIfAborted(signal);
    const emptySignals: ConfidenceSignals = { terms: 0, coverage: 0, vaultCoverage: 0, presentFraction: 0, missingTerms: [], missingNamed: 0 };
    if (q === "" || this.index.chunkCount === 0) {
      return { query, passages: [], confidence: 0, signals: emptySignals, effectiveMode: mode, namedFiles: [] };
    }

    const candidates = Math.max(this.config.candidates ?? MIN_CANDIDATES, 4 * k);
    const fileTags = (path: string) => this.index.getFileTags(path);
    const admit = (list: ScoredChunk[]) => (filter ? list.filter((h) => chunkMatchesFilter(this.index.getChunk(h.ordinal), filter, fileTags)) : list);

    let notice: string | undefined;
    let queryVector: Float32Array | null = null;
    if (mode !== "keyword") {
      const outcome = await this.embedQuery(q, signal);
      if (outcome instanceof Float32Array) queryVector = outcome;
      else notice = outcome;
    }
    throwIfAborted(signal);
    const effectiveMode: SearchMode = queryVector ? mode : "keyword";

    // A pasted paragraph is not a question: its first terms are enough to judge and cost one probe each.
    const terms = queryTerms(q).slice(0, MAX_TERMS);
    const kwQuery = this.config.stripStopwords === false ? q : keywordQuery(q);
    // Keyword hits are cheap and feed the confidence's agreement signal even in vector mode.
    let keyword = admit(this.index.keywordSearch(kwQuery, candidates, filter));
    let vector = queryVector ? admit(this.index.vectorSearch(queryVector, candidates, filter)) : [];

    // Files the query names are searched on their own too: their best passages may match the rest
    // of the query too weakly to reach the vault-wide candidate lists.
    const boost = this.config.namedFileBoost ?? DEFAULT_NAMED_FILE_BOOST;
    const stems = stemCache();
    const probes = this.probeTerms(terms, stems, filter);
    const named = boost === 1 ? new Set<string>() : this.namedFiles(terms, probes, filter);
    for (const path of named) {
      const fileFilter: SearchFilter = { ...filter, paths: [path] };
      keyword = mergeHits(keyword, this.index.keywordSearch(kwQuery, 2 * k, fileFilter));
      if (queryVector) vector = mergeHits(vector, this.index.vectorSearch(queryVector, 2 * k, fileFilter));
    }

    let ranked: FusedCandidate[];
    if (effectiveMode === "keyword") ranked = keyword.map((h, i) => ({ ordinal: h.ordinal, score: h.score, keywordScore: h.score, keywordRank: i }));
    else if (effectiveMode === "vector") ranked = vector.map((h, i) => ({ ordinal: h.ordinal, score: h.score, vectorScore: h.score, vectorRank: i }));
    else {
      const qv = queryVector;
      const completion: ScoreCompletion | undefined =
        !this.fusion.completeScores
          ? undefined
          : { keyword: (ordinals) => this.index.keywordScores(kwQuery, ordinals), vector: (ordinals) => (qv ? this.index.vectorScores(qv, ordinals) : null) };
      ranked = fuseRankings(keyword, vector, this.fusion, completion);
    }
    if (named.size > 0) {
      const isNamed = (c: FusedCandidate) => named.has(this.index.getChunk(c.ordinal).path);
      if (boost === "first") {
        ranked = [...ranked.filter(isNamed), ...ranked.filter((c) => !isNamed(c))];
      } else {
        for (const c of ranked) if (isNamed(c)) c.score = c.score >= 0 ? c.score * boost : c.score / boost;
        ranked.sort((a, b) => b.score - a.score);
      }
    }

    const chunkOf = (c: FusedCandidate): Chunk => this.index.getChunk(c.ordinal);
    // The files the query names may fill the list; the per-page cap still holds for them.
    const picked =
      this.config.diversity === false
        ? ranked.slice(0, k)
        : diversify(ranked, k, chunkOf, { ...defaultDiversity(k), ...this.config.diversity, uncappedFiles: named });

    const passages: Passage[] = picked.map((c, i) => {
      const p: Passage = { chunk: chunkOf(c), score: c.score, rank: i + 1 };
      if (c.keywordScore !== undefined) p.keywordScore = c.keywordScore;
      if (c.vectorScore !== undefined) p.vectorScore = c.vectorScore;
      return p;
    });

    let signals = this.signals(terms, probes, stems, passages, keyword, vector);
    // Terms the vault never spells out may still be there as synonyms ("photos" / "images").
    // Names have no synonyms in another document, so only missing common words are looked up.
    const missingWords = terms.filter((t) => !t.named && signals.missingTerms.includes(t.term)).map((t) => t.term);
    if (queryVector && this.embedder && missingWords.length > 0) {
      const vocabulary = passageVocabulary(passages.slice(0, SYNONYM_PASSAGES).map((p) => p.chunk.text));
      const near = await nearNeighbours(this.embedder, missingWords, vocabulary, -1, signal, this.wordVectors);
      if (near.size > 0) signals = this.signals(terms, probes, stems, passages, keyword, vector, near);
    }
    const confidence = passages.length === 0 ? 0 : confidenceFromSignals(signals);
    const result: DetailedSearchResult = { query, passages, confidence, signals, effectiveMode, namedFiles: [...named] };
    if (notice) result.notice = notice;
    return result;
  }

  /** The query vector, or the notice explaining why there is none. Model mismatch is thrown: it is a
   *  configuration error the user must resolve, not a transient condition to paper over. */
  private async embedQuery(q: string, signal?: AbortSignal): Promise<Float32Array | string> {
    if (this.index.modelId === null) return "This index was built without embeddings, so these are keyword results only.";
    if (!this.embedder) return "No embedding model is configured, so these are keyword results only.";
    if (this.embedder.id !== this.index.modelId) throw new IndexModelMismatchError(this.index.modelId, this.embedder.id);
    try {
      if (!this.embedderReady) this.embedderReady = this.embedder.dims > 0 ? Promise.resolve() : this.embedder.init(signal);
      await this.embedderReady;
      return await this.embedder.embedQuery(q, signal);
    } catch (err) {
      if (signal?.aborted) throw err;
      // A failed load is retried on the next query: the user may have fixed the cause meanwhile.
      this.embedderReady = null;
      return `The embedding model could not be used (${errorMessage(err)}), so these are keyword results only.`;
    }
  }

  /** For each query term, the paths of the scope's passages that really contain it (the store may
   *  match fuzzily or by prefix), from its best DF_PROBE keyword hits: enough to tell an absent term
   *  from a rare or a common one, and where a term is used. */
  private probeTerms(terms: QueryTerm[], stems: (c: Chunk) => Set<string>, filter?: SearchFilter): string[][] {
    const fileTags = (path: string) => this.index.getFileTags(path);
    return terms.map(({ term }) => {
      const paths: string[] = [];
      // The index knows the vault's spelling and word forms only: "colour" is probed as "color"
      // too, "compactly" as "compact".
      let hits: ScoredChunk[] = [];
      for (const form of probeForms(term)) hits = mergeHits(hits, this.index.keywordSearch(form, DF_PROBE, filter));
      for (const h of hits) {
        const chunk = this.index.getChunk(h.ordinal);
        if (filter && !chunkMatchesFilter(chunk, filter, fileTags)) continue;
        if (termIn(term, stems(chunk))) paths.push(chunk.path);
      }
      return paths;
    });
  }

  private namedFiles(terms: QueryTerm[], probes: string[][], filter?: SearchFilter): Set<string> {
    if (!this.index.listFiles) return new Set();
    const fileTags = (path: string) => this.index.getFileTags(path);
    const paths = this.fileNames.namedFiles(terms, this.index.listFiles(), probes).filter((p) => pathMatchesFilter(p, filter, fileTags));
    // A query naming many files is naming a topic, not a document.
    return new Set(paths.length <= MAX_NAMED_FILES ? paths : []);
  }

  private signals(
    terms: QueryTerm[],
    probes: string[][],
    stems: (c: Chunk) => Set<string>,
    passages: Passage[],
    keyword: ScoredChunk[],
    vector: ScoredChunk[],
    neighbours?: Map<string, Neighbour>,
  ): ConfidenceSignals {
    // A term that fills the whole probe is common; its true count is at least that.
    const df = probes.map((paths) => paths.length);
    let agreement: number | undefined;
    if (vector.length > 0 && passages.length > 0) {
      const place = placeKey(passages[0].chunk);
      const inTop = (list: ScoredChunk[]) => list.slice(0, 5).some((h) => placeKey(this.index.getChunk(h.ordinal)) === place);
      agreement = ((inTop(keyword) ? 1 : 0) + (inTop(vector) ? 1 : 0)) / 2;
    }
    return computeSignals({
      terms,
      df,
      chunkCount: this.index.chunkCount,
      top: passages.map((p) => p.chunk),
      stems,
      cosines: vector.length > 0 ? vector.map((h) => h.score) : undefined,
      agreement,
      neighbours,
    });
  }
}
