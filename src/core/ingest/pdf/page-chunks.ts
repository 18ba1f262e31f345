// Cuts one page's paragraphs into chunks within a token budget: whole paragraphs when they fit
// (small ones merged), long paragraphs at sentence boundaries, run-on sentences at word boundaries.
// Each chunk records the pdf.js selection range that covers exactly its characters.
import type { PdfSelection } from "../../types";
import { estimateTokens } from "../../util/tokens";
import { NO_SOURCE, sliceMapped, unpackSource, type MappedText } from "./mapped-text";

export interface PageChunk {
  text: string;
  selection: PdfSelection;
}

interface Piece extends MappedText {
  tokens: number;
  /** Starts a new paragraph (joined with a newline rather than a space). */
  paragraphStart: boolean;
}

export function chunkPage(paragraphs: MappedText[], budget: number): PageChunk[] {
  const pieces: Piece[] = [];
  for (const p of paragraphs) {
    const tokens = estimateTokens(p.text);
    if (tokens <= budget) {
      pieces.push({ ...p, tokens, paragraphStart: true });
      continue;
    }
    splitLong(p, budget).forEach((s, i) => pieces.push({ ...s, tokens: estimateTokens(s.text), paragraphStart: i === 0 }));
  }

  const chunks: PageChunk[] = [];
  let group: Piece[] = [];
  let groupTokens = 0;
  const flush = () => {
    if (group.length > 0) {
      const chunk = toChunk(group);
      if (chunk) chunks.push(chunk);
    }
    group = [];
    groupTokens = 0;
  };
  for (const piece of pieces) {
    if (group.length > 0 && groupTokens + piece.tokens > budget) {
      // A heading belongs with the text it introduces, not at the end of the previous chunk.
      const last = group[group.length - 1];
      const carry = group.length > 1 && isHeading(last) && last.tokens + piece.tokens <= budget ? group.pop() : undefined;
      flush();
      if (carry) {
        group.push(carry);
        groupTokens = carry.tokens;
      }
    }
    group.push(piece);
    groupTokens += piece.tokens;
  }
  flush();
  return chunks;
}

function isHeading(piece: Piece): boolean {
  return piece.paragraphStart && piece.tokens <= 16 && !/[.!?:,;]$/.test(piece.text);
}

function toChunk(group: Piece[]): PageChunk | null {
  let text = "";
  let min = Infinity;
  let max = -Infinity;
  for (const piece of group) {
    if (text.length > 0) text += piece.paragraphStart ? "\n" : " ";
    text += piece.text;
    for (const s of piece.src) {
      if (s === NO_SOURCE) continue;
      if (s < min) min = s;
      if (s > max) max = s;
    }
  }
  if (!Number.isFinite(min) || text.trim().length === 0) return null;
  const [beginIndex, beginOffset] = unpackSource(min);
  const [endIndex, endOffset] = unpackSource(max);
  return { text, selection: [beginIndex, beginOffset, endIndex, endOffset + 1] };
}

// Abbreviations after which a period does not end a sentence.
const NO_BREAK_AFTER = /(?:\b(?:e\.g|i\.e|et al|etc|cf|vs|viz|Fig|Figs|Eq|Eqs|Sec|Tab|No|Ref|approx|resp|Dr|Mr|Mrs|Ms|Prof|St)|\b\p{Lu})\.$/u;

/** Sentences of a long paragraph, packed no further here; sentences over budget split by words. */
function splitLong(p: MappedText, budget: number): MappedText[] {
  const bounds: number[] = [0];
  for (const m of p.text.matchAll(/[.!?]["'”’)\]]*\s+(?=["“([]?[\p{Lu}\p{N}])/gu)) {
    const endOfSentence = m.index + m[0].trimEnd().length;
    if (NO_BREAK_AFTER.test(p.text.slice(Math.max(0, endOfSentence - 8), endOfSentence))) continue;
    bounds.push(m.index + m[0].length);
  }
  bounds.push(p.text.length);
  const out: MappedText[] = [];
  for (let i = 1; i < bounds.length; i++) {
    const sentence = sliceMapped(p, bounds[i - 1], bounds[i]);
    if (sentence.text.length === 0) continue;
    if (estimateTokens(sentence.text) <= budget) out.push(sentence);
    else out.push(...splitWords(sentence, budget));
  }
  return out;
}

function splitWords(s: MappedText, budget: number): MappedText[] {
  const out: MappedText[] = [];
  let start = 0;
  let lastGood = 0;
  for (const m of s.text.matchAll(/\s+|$/g)) {
    const end = m.index;
    if (end > start && estimateTokens(s.text.slice(start, end)) > budget && lastGood > start) {
      out.push(sliceMapped(s, start, lastGood));
      start = lastGood;
      while (start < s.text.length && /\s/.test(s.text[start])) start++;
    }
    lastGood = end;
    if (m[0].length === 0) break;
  }
  if (start < s.text.length) out.push(sliceMapped(s, start, s.text.length));
  return out.filter((x) => x.text.length > 0);
}
