// Cuts an over-budget passage into pieces that fit, at the most natural boundary available:
// list items, then lines (code, tables), then sentences, then words, and characters only for
// text with no spaces at all. Works on offsets so callers can keep text exactly as written.

import { estimateTokens } from "../../util/tokens";

export type SplitStyle = "prose" | "list" | "lines";

type Level = "item" | "line" | "sentence" | "space" | "chars";

const LEVELS: Record<SplitStyle, Level[]> = {
  prose: ["sentence", "space", "chars"],
  list: ["item", "line", "sentence", "space", "chars"],
  lines: ["line", "space", "chars"],
};

/** Boundaries: offsets (relative to `text`) where a new piece may begin. */
function boundaries(text: string, level: Level): number[] {
  const cuts: number[] = [];
  let re: RegExp;
  switch (level) {
    case "item":
      re = /\n(?=[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+)/g;
      break;
    case "line":
      re = /\n/g;
      break;
    case "sentence":
      // After terminal punctuation (and closing quotes/brackets), before whitespace.
      re = /[.!?…。！？]["'”’)\]]*(?=\s)\s+/g;
      break;
    case "space":
      re = /\s+/g;
      break;
    case "chars":
      return [];
  }
  for (const m of text.matchAll(re)) cuts.push(m.index + m[0].length);
  return cuts;
}

/** Splits text[start, end) into [start, end) ranges of at most `budget` estimated tokens. */
export function splitRange(
  text: string,
  start: number,
  end: number,
  budget: number,
  style: SplitStyle,
  measure: (text: string) => number = estimateTokens,
): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  splitAt(text, start, end, budget, LEVELS[style], 0, out, measure);
  return out;
}

function splitAt(
  text: string,
  start: number,
  end: number,
  budget: number,
  levels: Level[],
  depth: number,
  out: Array<[number, number]>,
  measure: (text: string) => number,
): void {
  const [s, e] = trimRange(text, start, end);
  if (s >= e) return;
  const piece = text.slice(s, e);
  if (measure(piece) <= budget) {
    out.push([s, e]);
    return;
  }
  const level = levels[depth];
  if (level === undefined || level === "chars") {
    // No whitespace left to cut at (e.g. a base64 blob): fixed-size slices. Tokens are estimated at
    // ~1 per 6 characters for long words, so 5 characters per token stays under budget.
    // Punctuation runs cost a token per character, so a slice that still measures too much is halved.
    const size = Math.max(1, Math.floor((budget / 1.1) * 5));
    let p = s;
    while (p < e) {
      let q = Math.min(e, p + size);
      while (q - p > 1 && measure(text.slice(p, q)) > budget) q = p + Math.floor((q - p) / 2);
      // Never cut a surrogate pair in half.
      if (q < e && q - p > 1 && isHighSurrogate(text.charCodeAt(q - 1))) q--;
      out.push([p, q]);
      p = q;
    }
    return;
  }
  let cuts = boundaries(piece, level).map((c) => s + c).filter((c) => c > s && c < e);
  // Word by word is needlessly fine (and slow on a 10 MB run-on line): keep cuts a few words apart.
  if (level === "space") cuts = spaced(cuts, Math.max(1, Math.floor(budget / 4)));
  if (cuts.length === 0) {
    splitAt(text, s, e, budget, levels, depth + 1, out, measure);
    return;
  }
  // Greedy packing of the segments between cuts; segments too big on their own go one level finer.
  const segs: Array<[number, number, number]> = [];
  let prev = s;
  for (const c of [...cuts, e]) {
    const [a, b] = trimRange(text, prev, c);
    if (a < b) segs.push([a, b, measure(text.slice(a, b))]);
    prev = c;
  }
  let curStart = -1;
  let curEnd = -1;
  let curTokens = 0;
  const flush = () => {
    if (curStart >= 0) out.push([curStart, curEnd]);
    curStart = -1;
    curTokens = 0;
  };
  for (const [a, b, t] of segs) {
    if (t > budget) {
      flush();
      splitAt(text, a, b, budget, levels, depth + 1, out, measure);
      continue;
    }
    if (curStart >= 0 && curTokens + t > budget) flush();
    if (curStart < 0) curStart = a;
    curEnd = b;
    curTokens += t;
  }
  flush();
}

function trimRange(text: string, start: number, end: number): [number, number] {
  let s = start;
  let e = end;
  while (s < e && /\s/.test(text[s])) s++;
  while (e > s && /\s/.test(text[e - 1])) e--;
  return [s, e];
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

function spaced(cuts: number[], minGap: number): number[] {
  const out: number[] = [];
  let last = -Infinity;
  for (const c of cuts) {
    if (c - last >= minGap) {
      out.push(c);
      last = c;
    }
  }
  return out;
}
