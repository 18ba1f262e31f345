// How the keyword index cuts text into terms. Unicode letters and digits form words; numbers keep
// their inner separators ("0.0001", "1,024") and mixed tokens stay whole ("3x3", "gpt-3",
// "resnet-101") so the most specific terms of a technical question still match exactly, while a
// hyphenated token also contributes its parts ("resnet", "101"). Terms are lower-cased and lightly
// stemmed (plurals, -ing, -ed) so "trained" finds "training" without conflating distinct words.

const WORD = /[\p{L}\p{M}\p{N}]+(?:[-'’.,][\p{L}\p{M}\p{N}]+)*/gu;

const STOPWORDS = new Set(
  (
    "a an the and or but if of in on at to for from by with into as is are was were be been being " +
    "it its this that these those there their they them we our you your he his she her i me my do " +
    "does did not no so than then such can could would should will may might must also which who " +
    "whom what when where why how"
  ).split(" "),
);

export function tokenize(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(WORD)) {
    let t = m[0];
    // A comma or period between digits belongs to a number; elsewhere it separates words.
    if (/[.,]/u.test(t)) {
      const parts = t.split(/(?<!\p{N})[.,]|[.,](?!\p{N})/u);
      for (const p of parts) pushToken(p, out);
      continue;
    }
    t = t.replace(/['’]s$/u, "");
    pushToken(t, out);
  }
  return out;
}

function pushToken(t: string, out: string[]): void {
  if (!t) return;
  out.push(t);
  if (/[-'’]/u.test(t)) {
    for (const part of t.split(/[-'’]/u)) if (part && part !== t) out.push(part);
  }
}

/** Light English stemming; numbers and short words are left alone. */
export function stemTerm(word: string): string {
  let w = word;
  if (/\p{N}/u.test(w) || w.length <= 3) return w;
  if (w.length > 5 && w.endsWith("ies")) w = w.slice(0, -3) + "y";
  else if (w.length > 4 && /(?:ss|x|z|ch|sh)es$/u.test(w)) w = w.slice(0, -2);
  else if (w.length > 3 && w.endsWith("s") && !/(?:ss|us|is)$/u.test(w)) w = w.slice(0, -1);
  if (w.length > 5 && w.endsWith("ing")) w = w.slice(0, -3);
  else if (w.length > 5 && w.endsWith("ed")) w = w.slice(0, -2);
  if (w.length >= 5 && w.endsWith("e")) w = w.slice(0, -1);
  return w;
}

/** MiniSearch's processTerm: lower-case, drop stopwords, stem. Returns null to drop a term. */
export function processTerm(term: string): string | null {
  const lower = term.toLowerCase().normalize("NFKC");
  if (STOPWORDS.has(lower)) return null;
  return stemTerm(lower);
}
