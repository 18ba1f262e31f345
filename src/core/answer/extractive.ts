// The offline answer: no model, just the best sentences of the top passages, each cited. Sentences
// are scored BM25-style against the question (IDF over the candidate sentences, length-normalized),
// weighted by their passage's rank, because the retriever has already judged the passage as a whole.
// Reference-list entries, caption and table fragments, and near-duplicates are left out.
import type { Chunk, Passage } from "../types";
import { contentTerms, stem, wordTokens } from "../search/query-terms";
import { neutralizeDocumentText } from "./prompt";
import { cleanExtractedText, splitSentences } from "./sentences";

export interface ExtractiveOptions {
  /** Passages (in rank order) whose sentences compete. Default 6. */
  maxPassages?: number;
  minSentences?: number;
  maxSentences?: number;
}

export interface ExtractedSentence {
  text: string;
  /** Index into the passages given. */
  passage: number;
  /** Other passages (indexes) that state the same sentence almost word for word, best first: the
   *  answer says it once and cites every place that says it (a method repeated for two data sets). */
  alsoIn?: number[];
  /** Position of the sentence inside its passage. */
  position: number;
  score: number;
}

export interface ExtractiveResult {
  /** The chosen sentences in answer order. Empty when nothing in the passages matches the question. */
  sentences: ExtractedSentence[];
}

const K1 = 1.2;
const SAME_PASSAGE_DECAY = 0.6;
const B = 0.75;
/** Share of the shorter sentence's words the longer must contain for the two to be one statement
 *  (cited together) rather than merely similar (one left out). */
const SAME_STATEMENT = 0.8;
const SIMILAR = 0.6;

export function extractAnswer(question: string, passages: Passage[], options: ExtractiveOptions = {}): ExtractiveResult {
  const maxPassages = options.maxPassages ?? 6;
  const minSentences = options.minSentences ?? 2;
  const maxSentences = options.maxSentences ?? 5;
  const queryStems = [...new Set(contentTerms(question).map(stem))];
  if (queryStems.length === 0) return { sentences: [] };

  interface Candidate extends ExtractedSentence {
    stems: string[];
    set: Set<string>;
    alsoIn: number[];
  }
  const candidates: Candidate[] = [];
  passages.slice(0, maxPassages).forEach((p, passageIndex) => {
    const prose = proseOf(p.chunk);
    splitSentences(prose).forEach((s, position) => {
      const text = s.text.trim();
      if (!isAnswerSentence(text)) return;
      const stems = wordTokens(text).map(stem);
      candidates.push({ text, passage: passageIndex, position, score: 0, stems, set: new Set(stems), alsoIn: [] });
    });
  });
  if (candidates.length === 0) return { sentences: [] };

  const n = candidates.length;
  const avgLen = candidates.reduce((a, c) => a + c.stems.length, 0) / n;
  const idf = new Map<string, number>();
  for (const q of queryStems) {
    const df = candidates.filter((c) => c.set.has(q)).length;
    idf.set(q, Math.log(1 + (n - df + 0.5) / (df + 0.5)));
  }
  const maxIdf = Math.max(...idf.values());
  for (const c of candidates) {
    let score = 0;
    for (const q of queryStems) {
      const tf = c.stems.filter((s) => s === q).length;
      if (tf === 0) continue;
      score += idf.get(q)! * ((tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * c.stems.length) / avgLen)));
    }
    // Query terms side by side in the sentence ("learning rate", "weight decay") say more than apart.
    for (let i = 0; i + 1 < queryStems.length; i++) {
      if (adjacent(c.stems, queryStems[i], queryStems[i + 1])) score += 0.5 * maxIdf;
    }
    if (/^(fig(ure)?|table|tab)\.?\s*\d+/i.test(c.text)) score *= 0.7;
    // The retriever's rank carries what sentence scoring cannot see (vectors, title, neighbours).
    c.score = score / (1 + 0.3 * c.passage);
  }

  const ranked = candidates.filter((c) => c.score > 0).sort((a, b) => b.score - a.score);
  if (ranked.length === 0) return { sentences: [] };
  const chosen: Candidate[] = [];
  const best = ranked[0].score;
  // The top passage is the retriever's best guess: its best sentence always goes in.
  const topOfFirst = ranked.find((c) => c.passage === 0);
  if (topOfFirst && topOfFirst !== ranked[0] && topOfFirst.score >= 0.25 * best) chosen.push(topOfFirst);
  // Greedy: each further sentence from an already quoted passage counts less, so the answer spreads
  // over the passages the retriever ranked high instead of paraphrasing one of them.
  const perPassage = new Map<number, number>();
  for (const c of chosen) perPassage.set(c.passage, (perPassage.get(c.passage) ?? 0) + 1);
  while (chosen.length < maxSentences) {
    let pick: Candidate | undefined;
    let pickScore = 0;
    for (const c of ranked) {
      if (chosen.includes(c) || chosen.some((d) => similarity(c.set, d.set) > SIMILAR)) continue;
      const adjusted = c.score * SAME_PASSAGE_DECAY ** (perPassage.get(c.passage) ?? 0);
      if (adjusted > pickScore) {
        pick = c;
        pickScore = adjusted;
      }
    }
    if (!pick || (chosen.length >= minSentences && pickScore < 0.4 * best)) break;
    chosen.push(pick);
    perPassage.set(pick.passage, (perPassage.get(pick.passage) ?? 0) + 1);
  }
  // A left-out restatement of a chosen sentence in another passage still tells the reader where else
  // it is said; the retriever may have ranked the place the question means (the ImageNet setup, not
  // the CIFAR one) below the place whose wording scored higher.
  for (const c of ranked) {
    if (chosen.includes(c)) continue;
    const same = chosen.find((d) => d.passage !== c.passage && similarity(c.set, d.set) >= SAME_STATEMENT && sameNumbers(c.text, d.text));
    if (same && !same.alsoIn.includes(c.passage)) same.alsoIn.push(c.passage);
  }
  // Reading order: passages by rank, sentences as they stand in the passage.
  chosen.sort((a, b) => a.passage - b.passage || a.position - b.position);
  return {
    sentences: chosen.map(({ text, passage, position, score, alsoIn }) => {
      const s: ExtractedSentence = { text, passage, position, score };
      const others = alsoIn.filter((i) => i !== passage).sort((a, b) => a - b);
      if (others.length > 0) s.alsoIn = others;
      return s;
    }),
  };
}

/** A chunk's running text: without markdown headings, list marks, timestamps and link syntax. */
export function proseOf(chunk: Chunk): string {
  let t = chunk.text;
  if (chunk.kind !== "pdf") {
    t = t
      .replace(/^---\n[\s\S]*?\n---\n/, "")
      .replace(/^\s{0,3}#{1,6}\s.*$/gm, "")
      .replace(/^\s*(?:[-*+]|\d+[.)])\s+/gm, "")
      .replace(/\[\[([^\]|]*)\|([^\]]*)\]\]/g, "$2")
      .replace(/\[\[([^\]]*)\]\]/g, "$1")
      .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
      .replace(/<a [^>]*>([^<]*)<\/a>/g, "")
      .replace(/\s\^[A-Za-z0-9-]+$/gm, "");
    if (chunk.kind === "transcript") t = t.replace(/\[?\b\d{1,2}:\d{2}(?::\d{2})?\]?/g, "");
  }
  return cleanExtractedText(t);
}

/** Whether a sentence can stand in an answer: long enough, prose rather than a table, formula or
 *  reference-list entry. */
export function isAnswerSentence(text: string): boolean {
  if (text.length < 30) return false;
  const words = text.match(/\p{L}{2,}/gu) ?? [];
  if (words.length < 6) return false;
  const letters = (text.match(/\p{L}/gu) ?? []).length;
  if (letters / text.length < 0.55) return false;
  if (isReferenceEntry(text)) return false;
  // Running heads, arXiv stamps and page furniture.
  if (/arXiv:\d{4}\.\d{4,5}|^\s*\d+\s*$|©|copyright/i.test(text)) return false;
  return true;
}

function isReferenceEntry(text: string): boolean {
  if (/^\s*\[\d{1,3}\]\s+\p{Lu}/u.test(text)) return true;
  let signals = 0;
  if (/\b(19|20)\d{2}[a-z]?\b/.test(text)) signals++;
  if (/\b(In Proceedings|Proc\.|Conference on|Journal of|Advances in Neural|arXiv preprint|Trans\.|pp\.\s*\d|volume \d|vol\.\s*\d)/i.test(text)) signals += 2;
  // Author lists: "A. Krizhevsky, I. Sutskever, and G. E. Hinton".
  if ((text.match(/\b\p{Lu}\.\s?(?:\p{Lu}\.\s?)?\p{Lu}\p{Ll}+/gu) ?? []).length >= 2) signals++;
  if ((text.match(/\b\p{Lu}\p{Ll}+,\s\p{Lu}\./gu) ?? []).length >= 2) signals++;
  return signals >= 2;
}

function adjacent(stems: string[], a: string, b: string): boolean {
  for (let i = 0; i + 1 < stems.length; i++) if (stems[i] === a && stems[i + 1] === b) return true;
  return false;
}

function similarity(a: Set<string>, b: Set<string>): number {
  let inter = 0;
  for (const x of a) if (b.has(x)) inter++;
  return inter / Math.max(1, Math.min(a.size, b.size));
}

/** The answer text with passage ids ([S1]) for the citation resolver. */
export function extractiveText(result: ExtractiveResult, idOf: (passageIndex: number) => string): string {
  return result.sentences
    .map((s) => {
      const ids = [s.passage, ...(s.alsoIn ?? [])].map(idOf).join(", ");
      return `- ${neutralizeDocumentText(s.text).replace(/([.!?…]["'”’)]*)?$/, ` [${ids}]$1`)}`;
    })
    .join("\n");
}

/** Two sentences that differ only in a number ("α = 0.001" on one page, "α = 0.002" on another) state
 *  different facts: one may not be cited for the other. The shorter sentence's numbers must all stand
 *  in the longer one; reference markers such as "[16]" are not facts and are ignored. */
function sameNumbers(a: string, b: string): boolean {
  const numbers = (t: string) => t.replace(/\[[\d,;\s–-]+\]/g, " ").match(/\d+(?:[.,]\d+)*/g) ?? [];
  const [shorter, longer] = a.length <= b.length ? [a, b] : [b, a];
  const inLonger = new Set(numbers(longer));
  return numbers(shorter).every((n) => inLonger.has(n));
}
