// Offline concept discovery: noun-phrase-like n-grams that the source uses often and the rest of the
// vault rarely (tf × idf), with stopwords, numbers and bibliography noise filtered out, nested phrases
// merged, and "Long Form (LF)" abbreviations kept as aliases.
import type { Chunk } from "../types";
import { looksLikeReferences } from "./noise";
import { stripTimestamps } from "./sentences";
import type { BackgroundStats } from "./types";

const STOPWORDS = new Set(
  (
    "a about above according across actually after again against ago all almost along already also although always am among an and " +
    "another any anything approach are around as at away back based be because been before being below best better between both but by " +
    "can cannot case cases could did different do does doing done down due during each easy either else enough especially even ever " +
    "every example examples exactly far few fig figure figures first following for found from further get gets getting give given gives " +
    "go goes going gonna good got had has have having he her here hers him his how however i if important in indeed instead into is " +
    "it its itself just kind know large last least less let like likely little lot lots made main make makes making many may maybe me " +
    "might more most much must my need needs new next no non not now number numbers of off often ok okay on once one only onto or " +
    "other others otherwise our out over own paper part particular per perhaps possible present proposed provide quite rather really " +
    "recent respectively right said same say says second section see seems seen several shall she should show showed shown shows " +
    "similar simple simply since small so some something sometimes sort still such suppose sure table take takes than that the their " +
    "them then there therefore these they thing things think third this those though three through thus to together too two under " +
    "until up upon us use used uses using usually various very via want was way ways we well were what whatever when where whether " +
    "which while who whole whom whose why will with within without work works would yeah yes yet you your um uh eq eqs equation " +
    "zero four five six seven eight nine ten eleven twelve twenty hundred thousand million billion fourth fifth sixth " +
    "seventh eighth ninth tenth half twice " +
    "determine determines depend depends improve improves reduce reduces increase increases allow allows require " +
    "requires achieve achieves obtain consider describe represent represents contain contains include includes compute " +
    "computes produce produces apply applies perform performs learn learns train trains become becomes lead leads remain " +
    "remains seem tend tends try tries help helps suggest suggests yield yields call appear appears " +
    "single multiple percent per cent whereas " +
    "come comes coming came look looks looking looked put puts putting talk talking wanna gotta " +
    "hope guess mean means stuff trust bunch couple today video videos channel minute minutes " +
    "et al ie eg i.e e.g cf vs etc arxiv preprint pp vol proc proceedings conference journal university thank thanks acknowledgments"
  ).split(" "),
);

/** Words every paper or talk uses; alone they rarely name the concept a note should be about. */
const GENERIC = new Set(
  (
    "network model method result data training test set unit value function time problem approach system performance error " +
    "parameter sample image input output feature case task experiment term step rate size level point part type form order " +
    "process structure information learning layer algorithm analysis effect fact idea question answer reason area field " +
    "application technique procedure solution property distribution variable vector matrix equation theorem proof detail " +
    "people person video world year day place group end side line kind lot bit piece"
  ).split(" "),
);

/** Adjective endings: "adversarial", "generative", "convolutional" alone are not concepts. */
const ADJECTIVE = /(?:al|ive|ous|ful|able|ible|less|ary|ic|ical|ian)$/;
const NOUNS_LIKE_ADJECTIVES = new Set(
  (
    "signal interval total potential trial journal proposal terminal animal manual removal survival approval logic topic " +
    "metric music traffic graphic heuristic dictionary boundary summary library vocabulary objective derivative " +
    "alternative primitive perspective incentive arrival rival capital principal"
  ).split(" "),
);
const adjectiveLike = (w: string) => w.length > 5 && ADJECTIVE.test(w) && !NOUNS_LIKE_ADJECTIVES.has(singular(w));

export interface Keyphrase {
  /** Normalized key (lowercase, last word singular). */
  key: string;
  /** How the source most often writes it, capitalised for a title. */
  title: string;
  /** Abbreviations and other surface forms found in the source. */
  aliases: string[];
  count: number;
  score: number;
}

export function singular(word: string): string {
  if (word.length <= 3 || /(?:ss|us|is|ics)$/.test(word)) return word;
  if (/ies$/.test(word)) return `${word.slice(0, -3)}y`;
  if (/(?:xes|ches|shes|sses)$/.test(word)) return word.slice(0, -2);
  if (/s$/.test(word)) return word.slice(0, -1);
  return word;
}

/** Lowercase tokens with the head noun singular, joined by spaces. */
export function phraseKey(tokens: string[]): string {
  const low = tokens.map((t) => t.toLowerCase());
  low[low.length - 1] = singular(low[low.length - 1]);
  return low.join(" ");
}

function isContentToken(t: string): boolean {
  if (!/^\p{L}[\p{L}\p{N}-]*$/u.test(t) || t.length < 2) return false;
  const low = t.toLowerCase();
  if (STOPWORDS.has(low)) return false;
  // Adverbs rarely name a concept and glue unrelated words together.
  return !/ly$/.test(low) || low.length <= 4;
}

/** Runs of consecutive content words, broken at punctuation, numbers and stopwords. */
export function contentRuns(text: string): string[][] {
  const runs: string[][] = [];
  for (const seg of stripTimestamps(text).split(/[.,;:!?()[\]{}"“”‘’<>=+*/\\|•·–—$%&^~`#@]|\s-\s|'s\b/)) {
    let run: string[] = [];
    for (const raw of seg.split(/\s+/)) {
      const t = raw.replace(/^['-]+|['-]+$/g, "");
      if (t && isContentToken(t)) run.push(t);
      else if (run.length) {
        runs.push(run);
        run = [];
      }
    }
    if (run.length) runs.push(run);
  }
  return runs;
}

/** Cheap part-of-speech guesses that keep verbs and lone adjectives out of concept names. */
function plausiblePhrase(toks: string[]): boolean {
  const first = toks[0].toLowerCase();
  const last = toks[toks.length - 1].toLowerCase();
  const acronym = /^\p{Lu}{2,}/u.test(toks[0]);
  if (toks.length === 1) {
    if (acronym) return true;
    if (first.length < 4 || adjectiveLike(first)) return false;
    // Oddly cased tokens ("pData", "xTy") come from formulas, not prose.
    if (/^\p{L}\p{Ll}*\p{Lu}/u.test(toks[0]) && !/^\p{Lu}/u.test(toks[0])) return false;
  }
  // "fifth convolutional", "generative adversarial": a phrase ending in an adjective names nothing.
  if (toks.length > 1 && adjectiveLike(last)) return false;
  // A past participle at the end ("networks trained") is a clause, not a name.
  if (last.length >= 5 && /ed$/.test(last) && !/(?:eed|bed)$/.test(last)) return false;
  return !(first.length >= 5 && /ed$/.test(first) && toks.length === 1);
}

interface Candidate {
  key: string;
  n: number;
  count: number;
  forms: Map<string, number>;
}

export function candidatePhrases(text: string, maxN = 3): Map<string, Candidate> {
  const out = new Map<string, Candidate>();
  for (const run of contentRuns(text)) {
    for (let i = 0; i < run.length; i++) {
      for (let n = 1; n <= maxN && i + n <= run.length; n++) {
        const toks = run.slice(i, i + n);
        if (!plausiblePhrase(toks)) continue;
        const key = phraseKey(toks);
        const c = out.get(key) ?? { key, n, count: 0, forms: new Map<string, number>() };
        c.count++;
        const form = toks.join(" ");
        c.forms.set(form, (c.forms.get(form) ?? 0) + 1);
        out.set(key, c);
      }
    }
  }
  return out;
}

/** Document frequencies of phrase keys over other documents' texts (one string per document). */
export function buildBackgroundStats(documents: Iterable<string>): BackgroundStats {
  const df = new Map<string, number>();
  let docCount = 0;
  for (const doc of documents) {
    docCount++;
    for (const key of candidatePhrases(doc).keys()) df.set(key, (df.get(key) ?? 0) + 1);
  }
  return { docCount, docFreq: (key) => df.get(key) ?? 0 };
}

/** "Batch Normalization (BN)": abbreviation → key of the long form, when the initials agree. */
function abbreviations(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of text.matchAll(/((?:[\p{L}][\p{L}-]*\s+){1,5})\((\p{Lu}[\p{L}]{1,7}?)s?\)/gu)) {
    const words = m[1].trim().split(/\s+/);
    const abbr = m[2];
    const letters = abbr.replace(/[^\p{Lu}]/gu, "").toLowerCase();
    for (let n = Math.min(words.length, 5); n >= 1; n--) {
      const tail = words.slice(-n);
      const initials = tail.map((w) => w.split("-").map((p) => p[0]).join("")).join("").toLowerCase();
      if (initials === letters) {
        if (tail.every(isContentToken)) out.set(abbr, phraseKey(tail));
        break;
      }
    }
  }
  return out;
}

/** "matrix vector" chosen, "vector product" offered: both halves of "matrix vector product"; the
 *  second is skipped when the joined phrase accounts for most of its uses. */
function partOfLonger(chosenKey: string, c: Candidate, candidates: Map<string, Candidate>): boolean {
  const a = chosenKey.split(" ");
  const b = c.key.split(" ");
  for (const [x, y] of [[a, b], [b, a]]) {
    for (let k = 1; k < Math.min(x.length, y.length); k++) {
      if (x.slice(-k).join(" ") !== y.slice(0, k).join(" ")) continue;
      const joined = candidates.get([...x, ...y.slice(k)].join(" ")) ?? candidates.get(phraseKey([...x, ...y.slice(k)]));
      if (joined && joined.count >= 0.5 * c.count) return true;
    }
  }
  return false;
}

/** Names ("PocketNet", "ImageNet", "Adam") are what a reader wants notes on: written with capitals
 *  inside the word, in capitals, or capitalised almost everywhere (not just at sentence starts). */
function nameBoost(c: Candidate): number {
  let capitalised = 0;
  let inner = false;
  for (const [form, n] of c.forms) {
    if (/^\p{Lu}/u.test(form)) capitalised += n;
    if (/\p{Ll}\p{Lu}|^\p{Lu}{2,}/u.test(form)) inner = true;
  }
  if (inner) return 2;
  return c.count >= 2 && capitalised / c.count >= 0.8 ? 1.5 : 1;
}

function containsWords(longer: string, shorter: string): boolean {
  return ` ${longer} `.includes(` ${shorter} `);
}

function displayForm(forms: Map<string, number>): string {
  let best = "";
  let bestCount = -1;
  for (const [form, n] of forms) if (n > bestCount || (n === bestCount && form < best)) [best, bestCount] = [form, n];
  return /^\p{Ll}/u.test(best) ? best[0].toUpperCase() + best.slice(1) : best;
}

/** The source's key phrases, best first. Deterministic for the same input. */
export function extractKeyphrases(chunks: Chunk[], max: number, background?: BackgroundStats, title?: string): Keyphrase[] {
  const inTitle = title ? candidatePhrases(title) : new Map<string, Candidate>();
  const prose = chunks.filter((c) => !looksLikeReferences(c.text));
  const text = prose.map((c) => c.text).join("\n");
  const candidates = candidatePhrases(text);
  const abbr = abbreviations(text);
  const aliasesOf = new Map<string, string[]>();
  for (const [short, longKey] of abbr) {
    const long = candidates.get(longKey);
    const shortC = candidates.get(phraseKey([short]));
    if (!long) continue;
    if (shortC) {
      long.count += shortC.count;
      candidates.delete(shortC.key);
    }
    aliasesOf.set(longKey, [...(aliasesOf.get(longKey) ?? []), short]);
  }
  const minCount = text.length > 3000 ? 2 : 1;
  const n = background?.docCount ?? 0;
  const lengthBoost = [0, 1, 1.6, 1.9];
  const scored = [...candidates.values()]
    .filter((c) => c.count >= minCount)
    .map((c) => {
      // Squared idf: with a handful of background documents plain idf barely separates "layer"
      // (in every paper) from "dropout" (in one).
      const idf = Math.log((n + 1) / ((background?.docFreq(c.key) ?? 0) + 1)) + 1;
      // Lone gerunds ("recognizing") are usually verbs; a few ("pooling") are concepts, so only demote.
      const generic = c.n === 1 && (GENERIC.has(c.key) || /ing$/.test(c.key)) ? 0.3 : 1;
      return { c, score: c.count * idf * idf * lengthBoost[c.n] * generic * nameBoost(c) * (inTitle.has(c.key) ? 1.5 : 1) };
    })
    .sort((a, b) => b.score - a.score || (a.c.key < b.c.key ? -1 : 1));
  const chosen: Keyphrase[] = [];
  for (const { c, score } of scored) {
    if (chosen.length >= max) break;
    if (chosen.some((k) => containsWords(k.key, c.key) || containsWords(c.key, k.key))) continue;
    if (chosen.some((k) => partOfLonger(k.key, c, candidates))) continue;
    chosen.push({ key: c.key, title: displayForm(c.forms), aliases: aliasesOf.get(c.key) ?? [], count: c.count, score });
  }
  return chosen;
}

/** Whether a sentence mentions the phrase (same tokens in a row, plural-insensitive) or an alias. */
export function mentions(sentence: string, phrase: Keyphrase): boolean {
  const target = phrase.key.split(" ");
  for (const run of contentRuns(sentence)) {
    for (let i = 0; i + target.length <= run.length; i++) {
      if (phraseKey(run.slice(i, i + target.length)) === phrase.key) return true;
    }
  }
  return phrase.aliases.some((a) => new RegExp(`(?<![\\p{L}\\p{N}])${a}s?(?![\\p{L}\\p{N}])`, "u").test(sentence));
}
