// SubRip (.srt) and WebVTT (.vtt) caption files as a list of clean cues. Real files are messy:
// BOMs, CRLF, cue settings, styling tags, NOTE/STYLE/REGION blocks, and YouTube's rolling
// auto-captions, where each cue repeats the previous cue's line before adding a new one.

import { parseTimestamp } from "./timestamps";

export interface Cue {
  start: number;
  end: number;
  /** Plain text, tags removed, lines joined by spaces. */
  text: string;
  /** 0-based line of the cue's timing line. */
  line: number;
}

export interface ParsedCaptions {
  cues: Cue[];
  /** Blocks that looked like cues but had unreadable timings. */
  malformed: number;
}

const TIMING = /^\s*((?:\d+:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?)\s*-->\s*((?:\d+:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?)/;
const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " ", lrm: "", rlm: "" };

export function parseCaptions(text: string): ParsedCaptions {
  const lines = text.replace(/^\uFEFF/, "").split(/\r\n|\r|\n/);
  const raw: Array<Cue & { lines: string[] }> = [];
  let malformed = 0;
  let i = 0;
  const isVtt = /^WEBVTT(?:[ \t]|$)/.test(lines[0] ?? "");
  if (isVtt) i = skipBlock(lines, 0, true);
  while (i < lines.length) {
    if (lines[i].trim() === "") {
      i++;
      continue;
    }
    if (isVtt && /^(?:NOTE|STYLE|REGION)(?:[ \t]|$)/.test(lines[i])) {
      i = skipBlock(lines, i, isVtt);
      continue;
    }
    // A cue: optional identifier (SRT counter or VTT id), the timing line, then payload lines.
    let t = i;
    if (!lines[t].includes("-->") && t + 1 < lines.length && lines[t + 1].includes("-->")) t++;
    const timing = TIMING.exec(lines[t]);
    const start = timing ? parseTimestamp(timing[1]) : null;
    const end = timing ? parseTimestamp(timing[2]) : null;
    const blockEnd = skipBlock(lines, t, isVtt);
    if (start === null || end === null) {
      if (lines[t].includes("-->")) malformed++;
      i = blockEnd;
      continue;
    }
    const payload = lines.slice(t + 1, blockEnd).map(cleanLine).filter((l) => l !== "");
    raw.push({ start, end: Math.max(start, end), text: "", line: t, lines: payload });
    i = blockEnd;
  }
  // Stable sort: overlapping or out-of-order cues are read in time order.
  raw.sort((a, b) => a.start - b.start);
  return { cues: dropRollingRepeats(raw), malformed };
}

/** End of the block starting at `from`. WebVTT ends blocks only at truly empty lines (YouTube cues
 *  carry a line holding one space); sloppy SRT files end them at whitespace-only lines too. */
function skipBlock(lines: string[], from: number, strict: boolean): number {
  let j = from;
  while (j < lines.length && (strict ? lines[j] !== "" : lines[j].trim() !== "")) j++;
  return j;
}

function cleanLine(line: string): string {
  return line
    .replace(/<[^>]*>/g, "")
    .replace(/\{\\[^}]*\}/g, "")
    .replace(/&(#x?[0-9a-f]+|[a-z]+);/gi, (whole, name: string) => {
      if (name[0] === "#") {
        const code = name[1] === "x" || name[1] === "X" ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
        return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
      }
      return ENTITIES[name.toLowerCase()] ?? whole;
    })
    .replace(/\s+/g, " ")
    .trim();
}

/** Rolling captions repeat the previous cue's last line(s) first; keep only what is new. */
function dropRollingRepeats(raw: Array<Cue & { lines: string[] }>): Cue[] {
  const cues: Cue[] = [];
  let previous: string[] = [];
  for (const cue of raw) {
    let skip = 0;
    for (let k = Math.min(cue.lines.length, previous.length); k > 0; k--) {
      if (sameLines(previous.slice(previous.length - k), cue.lines.slice(0, k))) {
        skip = k;
        break;
      }
    }
    const fresh = cue.lines.slice(skip);
    if (cue.lines.length > 0) previous = cue.lines;
    if (fresh.length === 0) {
      // A pure repeat only extends how long the last words stay on screen.
      const last = cues[cues.length - 1];
      if (last && cue.lines.length > 0) last.end = Math.max(last.end, cue.end);
      continue;
    }
    cues.push({ start: cue.start, end: cue.end, text: fresh.join(" "), line: cue.line });
  }
  return cues;
}

function sameLines(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((l, i) => l === b[i]);
}
