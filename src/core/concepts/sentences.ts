// Splits passages into sentences that can be quoted on their own, keeping the chunk each came from so
// every quoted sentence carries its citation. In transcripts a sentence gets the moment it is spoken:
// the `[hh:mm:ss]` mark before it or the yt-timestamp anchor inside it, not just its chunk's start.
import { parseTimestamp } from "../ingest/transcript/timestamps";
import type { Chunk } from "../types";
import { stripMarkup } from "./proposal";

export interface SourceSentence {
  text: string;
  /** The chunk, or for transcripts a copy whose `start` is the sentence's own moment. */
  chunk: Chunk;
  /** Position in the source (chunk order, then sentence order), for stable, readable ordering. */
  order: number;
}

const ABBREVIATIONS = /(?:\b(?:et al|e\.g|i\.e|cf|vs|etc|Fig|Figs|Eq|Eqs|Sec|Tab|No|Dr|Mr|Mrs|Ms|Prof|approx|resp|al|viz)|\b[A-Z])\.$/;
const ANCHOR = /<a\b[^>]*class=["'][^"']*yt-timestamp[^>]*>[\s\S]*?<\/a>/gi;
const MARK = /\[(\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?)\](?:\([^)]*\))?/g;

/** Timestamps that transcripts put in the text itself; the citation carries the time instead. */
export function stripTimestamps(text: string): string {
  return text.replace(ANCHOR, "").replace(MARK, "").replace(/\s+/g, " ").trim();
}

/** Sentences with their timestamp marks still in place (headings dropped). */
export function splitRawSentences(text: string): string[] {
  const flat = text.replace(/^#+\s.*$/gm, " ").replace(/\s+/g, " ").trim();
  const out: string[] = [];
  let start = 0;
  // A footnote mark after a full stop ("…annealing. ∗Equal contribution") starts a new sentence too:
  // PDF footnotes follow the page's last paragraph in the same chunk.
  const re = /[.!?]["'”’)\]]*(?=\s+(?:<a\b|["'“‘([]?[\p{Lu}\p{N}]|[∗*†‡§¶]\s*\p{Lu}))/gu;
  for (const m of flat.matchAll(re)) {
    const end = m.index + m[0].length;
    const candidate = flat.slice(start, m.index + 1);
    if (ABBREVIATIONS.test(candidate)) continue;
    out.push(flat.slice(start, end).trim());
    start = end;
  }
  const rest = flat.slice(start).trim();
  if (rest) out.push(rest);
  return out.filter(Boolean);
}

export function splitSentences(text: string): string[] {
  return splitRawSentences(text).map(stripTimestamps).filter(Boolean);
}

function anchorSeconds(raw: string): number | null {
  for (const m of raw.matchAll(ANCHOR)) {
    const t = /data-t=["']([^"']+)["']/.exec(m[0])?.[1];
    const s = t ? parseTimestamp(t) : null;
    if (s !== null) return s;
  }
  return null;
}

function lastMarkSeconds(raw: string): number | null {
  let last: number | null = null;
  for (const m of raw.replace(ANCHOR, "").matchAll(MARK)) last = parseTimestamp(m[1]) ?? last;
  return last;
}

const norm = (s: string) => s.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, " ").trim();

/** Every sentence of the chunks once (overlapping chunks repeat text; the first occurrence wins). */
export function sourceSentences(chunks: Chunk[]): SourceSentence[] {
  const out: SourceSentence[] = [];
  const seen = new Set<string>();
  for (const chunk of chunks) {
    let spoken = chunk.start;
    for (const raw of splitRawSentences(chunk.text)) {
      let at = chunk;
      if (chunk.kind === "transcript") {
        // A mark opening the sentence dates it; an anchor inside it (placed after the claim) too.
        const lead = /^\s*\[(\d{1,2}:\d{2}(?::\d{2})?)\]/.exec(raw);
        if (lead) spoken = parseTimestamp(lead[1]) ?? spoken;
        const own = anchorSeconds(raw) ?? spoken;
        if (own !== undefined && own !== chunk.start) at = { ...chunk, start: own };
        spoken = lastMarkSeconds(raw) ?? spoken;
      }
      const text = stripMarkup(stripTimestamps(raw));
      const key = norm(text);
      if (!text || seen.has(key)) continue;
      seen.add(key);
      out.push({ text, chunk: at, order: out.length });
    }
  }
  return out;
}
