// Sentence splitting for extracted PDF text, notes and model answers. Papers are full of periods that
// do not end sentences ("et al.", "Fig. 3", "0.75", "i.e.", "Sec. 4.2"), and a split there would cut a
// quote in half or leave a citation on a fragment.

const ABBREVIATIONS = new Set(
  (
    "al fig figs eq eqs eqn sec sect tab ref refs no nos vol pp p ch cf vs etc approx resp e.g i.e " +
    "viz dr mr mrs ms prof st jr sr inc ltd co dept univ jan feb mar apr jun jul aug sep sept oct nov dec " +
    "est min max avg std e i"
  ).split(/\s+/),
);

export interface SentenceSpan {
  text: string;
  /** Offsets into the input. */
  start: number;
  end: number;
}

/** Splits prose into sentences. Line breaks inside a paragraph (PDF extraction) do not split; blank
 *  lines do. */
export function splitSentences(text: string): SentenceSpan[] {
  const out: SentenceSpan[] = [];
  const push = (start: number, end: number) => {
    while (start < end && /\s/.test(text[start])) start++;
    while (end > start && /\s/.test(text[end - 1])) end--;
    if (end > start) out.push({ text: text.slice(start, end), start, end });
  };
  let start = 0;
  // A terminator, optional closing quotes/brackets, then whitespace; or a paragraph break.
  const boundary = /([.!?…])(["'”’)\]]*)(\s+)|\n\s*\n/g;
  let m: RegExpExecArray | null;
  while ((m = boundary.exec(text)) !== null) {
    if (m[1] === undefined) {
      push(start, m.index);
      start = m.index + m[0].length;
      continue;
    }
    const endOfSentence = m.index + m[1].length + m[2].length;
    const next = text.slice(m.index + m[0].length, m.index + m[0].length + 2);
    if (m[1] === "." && !isRealStop(text, m.index, next)) continue;
    push(start, endOfSentence);
    start = endOfSentence;
  }
  push(start, text.length);
  return out;
}

function isRealStop(text: string, dot: number, next: string): boolean {
  // The word before the period.
  const before = /([\p{L}.]+)$/u.exec(text.slice(Math.max(0, dot - 12), dot))?.[1] ?? "";
  const word = before.toLowerCase().replace(/^\.+/, "");
  if (ABBREVIATIONS.has(word)) return false;
  // Initials ("A. Krizhevsky", "J. Mach. Learn.") and single letters.
  if (/^\p{Lu}$/u.test(before)) return false;
  // The next sentence should start like one: a capital, a digit, a quote or bracket, a markdown mark.
  if (next && !/^[\p{Lu}\d"'“‘([*_#>`-]/u.test(next)) return false;
  return true;
}

/** Collapses whitespace and rejoins words hyphenated across PDF line breaks ("normal- ization"). */
export function cleanExtractedText(text: string): string {
  return text
    .replace(/(\p{Ll})-\s*\n\s*(\p{Ll})/gu, "$1$2")
    .replace(/\s+/g, " ")
    .trim();
}
