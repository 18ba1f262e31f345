// Query preprocessing for the keyword side and for confidence. A question such as "What did the
// authors use for X?" carries only one or two terms that say what it is about; BM25 gives the rest
// (question words, auxiliaries, filler such as "paper") a little weight each, and across many
// passages that weight is noise that pushes generic passages up. Stripping them sharpens the ranking
// and lets confidence ask "are the words that matter in the passage?".

import { variantKey } from "./term-variants";

const STOPWORDS = new Set(
  (
    "a an the and or nor but if then else so than that this these those there here of in on at to " +
    "for from by with without within into onto over under about above below between among through " +
    "during before after since until upon via per as is are was were be been being am do does did " +
    "done doing have has had having can could shall should will would may might must it its it's " +
    "itself they them their theirs we us our ours you your yours he him his she her hers i me my " +
    "mine one ones not no yes also just only very too more most less least much many some any each " +
    "every all both either neither other another such own same what which who whom whose when where " +
    "why how whether while whereas please tell explain describe say says said mention mentioned " +
    "according give gives given show shows shown kind sort way ways thing things get got make made " +
    "use used uses using paper papers article authors author work study value values"
  ).split(/\s+/),
);

// Words whose removal would change a question's meaning in the document's own terms are kept even
// if short; numbers ("580", "101") and mixed tokens ("gpt-3", "3x3") are often the most specific terms.
const TOKEN = /[\p{L}\p{N}]+(?:[-'’.][\p{L}\p{N}]+)*/gu;

/** Lower-cased word tokens of a text; possessives dropped, hyphenated words kept whole. */
export function wordTokens(text: string): string[] {
  const out: string[] = [];
  for (const m of text.toLowerCase().matchAll(TOKEN)) {
    let t = m[0].replace(/['’]s$/u, "").replace(/['’]/gu, "");
    // A trailing period belongs to the sentence, an inner one to a number ("0.75") or an id.
    t = t.replace(/\.+$/u, "");
    if (t) out.push(t);
  }
  return out;
}

/** A light suffix-stripper: enough to match "trained"/"training"/"trains" to "train" and
 *  "normalization"/"normalized" to "normaliz", without conflating distinct words the way an
 *  aggressive stemmer does ("transformer" must not become "transformation"). */
export function stem(word: string): string {
  let w = word;
  if (/^\d/u.test(w)) return w;
  if (w.length > 7 && w.endsWith("ation")) w = w.slice(0, -5);
  else if (w.length > 5 && w.endsWith("ies")) w = w.slice(0, -3) + "y";
  else if (w.length > 4 && /(?:ss|x|z|ch|sh)es$/u.test(w)) w = w.slice(0, -2);
  else if (w.length > 3 && w.endsWith("s") && !/(?:ss|us|is)$/u.test(w)) w = w.slice(0, -1);
  if (w.length > 5 && w.endsWith("ing")) w = w.slice(0, -3);
  else if (w.length > 5 && w.endsWith("ed")) w = w.slice(0, -2);
  if (w.length >= 5 && w.endsWith("e")) w = w.slice(0, -1);
  return w;
}

export function isStopword(word: string): boolean {
  return STOPWORDS.has(word);
}

export interface QueryTerm {
  /** Lower-cased, as wordTokens gives it. */
  term: string;
  /** A name, acronym, version or number ("Transformer", "GPT-3", "AlexNet", "2018"): written with a
   *  capital inside a sentence, mixed case, or with digits. A question whose name the vault never
   *  mentions is very likely about something else; a missing common word is more often a paraphrase. */
  named: boolean;
}

const RAW_TOKEN = /[\p{L}\p{N}]+(?:[-'’.][\p{L}\p{N}]+)*/gu;

/** The terms of a query that say what it is about, in order, without repeats, each marked as a name
 *  or a common word. */
export function queryTerms(query: string): QueryTerm[] {
  const seen = new Set<string>();
  const out: QueryTerm[] = [];
  let prevEnd = 0;
  let first = true;
  for (const m of query.matchAll(RAW_TOKEN)) {
    const start = m.index ?? 0;
    const wasStart = first || /[.!?:;]/u.test(query.slice(prevEnd, start));
    first = false;
    prevEnd = start + m[0].length;
    const raw = m[0];
    const t = wordTokens(raw)[0];
    if (!t || isStopword(t) || (t.length < 2 && !/\d/u.test(t))) continue;
    const s = stem(t);
    if (seen.has(s)) continue;
    seen.add(s);
    const inner = raw.slice(1);
    const named = /\d/u.test(raw) || /\p{Lu}/u.test(inner.replace(/['’]s$/u, "")) || (!wasStart && /^\p{Lu}/u.test(raw));
    out.push({ term: t, named });
  }
  return out;
}

/** The terms of a query that say what it is about, in order, without repeats. */
export function contentTerms(query: string): string[] {
  return queryTerms(query).map((q) => q.term);
}

/** Whether an all-capitals term ("GAN", "BN") is spelled by the initials of consecutive words of the
 *  text ("generative adversarial nets", "batch normalization"): papers often define an acronym
 *  once, or never, while readers ask with it. */
export function acronymIn(term: string, words: string[]): boolean {
  const letters = term.toLowerCase();
  if (!/^[a-z]{2,6}$/u.test(letters)) return false;
  outer: for (let i = 0; i + letters.length <= words.length; i++) {
    for (let j = 0; j < letters.length; j++) if (words[i + j][0] !== letters[j]) continue outer;
    return true;
  }
  return false;
}

/** The query the keyword index receives: its content terms, or the query itself when it has none
 *  (a query made only of stopwords is still better answered by BM25 than by nothing). */
export function keywordQuery(query: string): string {
  const terms = contentTerms(query);
  return terms.length > 0 ? terms.join(" ") : query.trim();
}

/** Stemmed word set of a text, for term-presence checks. Hyphenated tokens also contribute their
 *  parts, so "ResNet-101" is found by "resnet" and "101". */
export function stemSet(text: string): Set<string> {
  const set = new Set<string>();
  const add = (w: string) => {
    set.add(stem(w));
    set.add(VARIANT + variantKey(w));
  };
  for (const t of wordTokens(text)) {
    add(t);
    if (/[-.]/u.test(t)) for (const part of t.split(/[-.]/u)) if (part) add(part);
  }
  return set;
}

/** Marks variant keys in a stem set, so a key never meets a stem of another word by accident. */
const VARIANT = "~";

/** Whether a single word occurs in a stemmed word set, as itself or as a spelling or derivational
 *  variant ("colour" finds "color", "perturbed" finds "perturbations"). */
function wordIn(word: string, set: Set<string>): boolean {
  return set.has(stem(word)) || set.has(VARIANT + variantKey(word));
}

/** Whether a query term occurs in a stemmed word set. A hyphenated term is present when the whole
 *  term is, or when all its parts are ("gpt-3" is not found by "gpt" alone). */
export function termIn(term: string, set: Set<string>): boolean {
  if (wordIn(term, set)) return true;
  if (!/[-.]/u.test(term)) return false;
  const parts = term.split(/[-.]/u).filter(Boolean);
  return parts.length > 0 && parts.every((p) => wordIn(p, set));
}
