// How likely the vault holds an answer to the query. The answer layer refuses below
// REFUSAL_THRESHOLD, so this number decides between a cited answer and "not in your vault".
//
// Signals, each chosen to carry over to vaults and models we have not seen:
//  - presentFraction: the share of the query's content terms the scope contains at all (in a
//    passage, a title or a file name, or spelled out as an acronym), also as a British/American
//    spelling or derivational variant ("colour"/"color", "perturbed"/"perturbations", see
//    term-variants.ts) or, with an embedding model, as a near synonym of a word of the best passages
//    ("photos"/"images", see semantic-presence.ts). A term the vault never uses is the strongest
//    sign of a near-miss question.
//  - missingNamed: how many of the missing terms are names ("Transformer", "GPT-3"): a missing name
//    almost always means the question is about something else, a missing common word is more often
//    a paraphrase ("hardware" for "GPUs").
//  - coverage: the IDF-weighted share of the query's terms found in one of the top passages.
//  - cosine margin and z-score and ranker agreement are computed for diagnostics (see CONFIDENCE_MODEL).
import type { Chunk } from "../types";
import { basename } from "../util/paths";
import { acronymIn, stemSet, termIn, wordTokens, type QueryTerm } from "./query-terms";
import { NEIGHBOUR_COSINE, type Neighbour } from "./semantic-presence";

export interface ConfidenceSignals {
  /** Number of content terms in the query. */
  terms: number;
  coverage: number;
  vaultCoverage: number;
  /** Unweighted share of content terms the scope contains. */
  presentFraction: number;
  /** Content terms the scope does not contain at all. */
  missingTerms: string[];
  /** How many of the missing terms are names, acronyms or numbers. */
  missingNamed: number;
  /** Best cosine minus the mean of the top candidates' cosines; absent without vectors. */
  cosineMargin?: number;
  cosineTop?: number;
  /** 1 when both rankers have the top passage's place in their top 5, 0.5 when one does. */
  agreement?: number;
  /** (Best cosine − mean) / standard deviation over the vector candidates; absent without vectors. */
  cosineZ?: number;
  /** Missing terms whose nearest passage word in the embedding space is close enough to stand in
   *  for them, with that word and cosine. They count as present. */
  synonyms?: Record<string, Neighbour>;
  /** Nearest passage word of every term that stayed missing, for diagnostics. */
  nearestMissing?: Record<string, Neighbour>;
}

/** Refuse ("not in your vault") when confidence is below this.
 *  Calibration: CONFIDENCE_MODEL's coefficients were chosen on a grid of round values by two-fold
 *  cross-validation over all 93 development questions (../shared/corpus/qa-dev.jsonl,
 *  eval/qa-extra.jsonl and eval/transcript-questions.jsonl — 65 answerable — against the 28 of
 *  eval/unanswerable.jsonl), through the real retriever in hybrid and keyword mode with the
 *  glove-static-100d and all-MiniLM-L6-v2 models, a refused answerable question costing twice an
 *  answered unanswerable one. Held-out halves: fitted on A, tested on B — 0/32 answerable refused,
 *  10/14 unanswerable refused in all four model × mode runs; fitted on B, tested on A — 1–2/33
 *  answerable refused, 11/14 unanswerable refused. Fitted on everything (these coefficients): 0/65
 *  answerable refused with MiniLM in hybrid mode and 1/65 otherwise (a question two of whose six
 *  words, "photos" and "fight", the corpus writes differently), 21/28 unanswerable refused in all
 *  four runs. The near-misses still answered use only words the corpus contains ("layer
 *  normalization ... recurrent networks", "group normalization ... small batch sizes"). */
export const REFUSAL_THRESHOLD = 0.5;

/** Words of a chunk that a reader sees as belonging to it: text, headings, title, file name. */
export function chunkStemSet(chunk: Chunk): Set<string> {
  const name = basename(chunk.path).replace(/[_]+/gu, " ");
  return stemSet([chunk.title ?? "", ...(chunk.headings ?? []), name, chunk.text].join("\n"));
}

/** Robertson–Spärck Jones IDF, as BM25 uses it. A term absent from the scope gets the largest
 *  weight, which is what makes a near-miss question's unknown term decisive. */
export function idf(df: number, n: number): number {
  const N = Math.max(n, df, 1);
  return Math.log(1 + (N - df + 0.5) / (df + 0.5));
}

export interface SignalInputs {
  terms: QueryTerm[];
  /** Document frequency of each term within the scope (may be capped; 0 = absent). */
  df: number[];
  chunkCount: number;
  /** Final passages, best first. */
  top: Chunk[];
  stems: (chunk: Chunk) => Set<string>;
  /** Cosines of the vector candidates, best first; undefined when no vector side ran. */
  cosines?: number[];
  agreement?: number;
  /** Nearest passage word of missing terms in the embedding space (see semantic-presence.ts). */
  neighbours?: Map<string, Neighbour>;
}

const COVERAGE_PASSAGES = 3;
const MARGIN_WINDOW = 20;

export function computeSignals(input: SignalInputs): ConfidenceSignals {
  const terms = input.terms;
  const top = input.top.slice(0, COVERAGE_PASSAGES);
  const words = input.top.map((c) => wordTokens(c.text));
  // A term counts as present when the scope's keyword index has it, when a top passage's title or
  // file name has it ("AlexNet" is only in the file name of the AlexNet paper), or when a top
  // passage spells an acronym out.
  const literal = terms.map(
    (t, i) =>
      (input.df[i] ?? 0) > 0 ||
      input.top.some((c) => termIn(t.term, input.stems(c))) ||
      (t.named && words.some((w) => acronymIn(t.term, w))),
  );
  // A synonym stands in for a common word only: a name ("GPT-3") has no synonym in another paper.
  const synonyms: Record<string, Neighbour> = {};
  const nearestMissing: Record<string, Neighbour> = {};
  terms.forEach((t, i) => {
    const n = input.neighbours?.get(t.term);
    if (literal[i] || !n) return;
    if (!t.named && n.cosine >= NEIGHBOUR_COSINE) synonyms[t.term] = n;
    else nearestMissing[t.term] = n;
  });
  const present = terms.map((t, i) => literal[i] || t.term in synonyms);
  const weights = terms.map((_, i) => idf(present[i] ? Math.max(1, input.df[i] ?? 0) : 0, input.chunkCount));
  const total = weights.reduce((a, b) => a + b, 0);
  let coverage = 0;
  let vaultCoverage = 0;
  const missingTerms: string[] = [];
  let missingNamed = 0;
  if (total > 0) {
    top.forEach((chunk, n) => {
      const stems = input.stems(chunk);
      let found = 0;
      terms.forEach((t, i) => {
        if (termIn(t.term, stems) || (t.named && acronymIn(t.term, words[n]))) found += weights[i];
      });
      coverage = Math.max(coverage, found / total);
    });
    let presentWeight = 0;
    terms.forEach((t, i) => {
      if (present[i]) presentWeight += weights[i];
      else {
        missingTerms.push(t.term);
        if (t.named) missingNamed++;
      }
    });
    vaultCoverage = presentWeight / total;
  }
  const presentFraction = terms.length > 0 ? (terms.length - missingTerms.length) / terms.length : 0;
  const signals: ConfidenceSignals = { terms: terms.length, coverage, vaultCoverage, presentFraction, missingTerms, missingNamed };
  if (input.cosines && input.cosines.length > 0) {
    const window = input.cosines.slice(0, MARGIN_WINDOW);
    const mean = window.reduce((a, b) => a + b, 0) / window.length;
    signals.cosineTop = input.cosines[0];
    signals.cosineMargin = input.cosines[0] - mean;
    const sd = Math.sqrt(window.reduce((a, b) => a + (b - mean) ** 2, 0) / window.length);
    if (sd > 0) signals.cosineZ = (input.cosines[0] - mean) / sd;
  }
  if (input.agreement !== undefined) signals.agreement = input.agreement;
  if (Object.keys(synonyms).length > 0) signals.synonyms = synonyms;
  if (Object.keys(nearestMissing).length > 0) signals.nearestMissing = nearestMissing;
  return signals;
}

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

/** Logistic model over the signals, with few, round coefficients (to generalize rather than memorize
 *  93 questions; see REFUSAL_THRESHOLD for the cross-validation). The share of the query's terms
 *  the scope knows — literally, as a spelling or derivational variant, or as an embedding-space
 *  synonym — carries most of the separation; a missing name ("Transformer", "GPT-3") costs half of
 *  the terms; coverage of the best passages breaks ties. The vector signals (cosine z-score, ranker
 *  agreement) barely differ between answerable and near-miss questions with either model (mean z
 *  2.5 vs 2.2 for GloVe, 2.7 vs 2.6 for MiniLM), so they stay diagnostics, and the same threshold
 *  holds with and without embeddings. */
export const CONFIDENCE_MODEL = { bias: -6, presentFraction: 6, coverage: 4, missingNamed: -3 };

export function confidenceFromSignals(s: ConfidenceSignals): number {
  // Nothing specific to look for ("what is this?"): no evidence either way, so below the threshold.
  if (s.terms === 0) return 0.1;
  const m = CONFIDENCE_MODEL;
  return sigmoid(m.bias + m.presentFraction * s.presentFraction + m.coverage * s.coverage + m.missingNamed * s.missingNamed);
}
