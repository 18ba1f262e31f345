// Transcript notes become chunks that know their span in the video. Prefix transcripts are cut into
// timed segments (each mark opens one, running until the next) and grouped into ~30 s chunks; notes
// with anchors after claims are chunked like any note, each chunk spanning the claims it holds.

import type { Chunk, IngestedDocument } from "../../types";
import { DEFAULT_CHUNK_TOKENS, estimateTokens } from "../../util/tokens";
import { cleanForEmbedding } from "../markdown/embed-text";
import { documentOf, groupToChunk } from "../markdown/ingest-markdown";
import { blocksToUnits, type ParsedNote } from "../markdown/note";
import { countNewlines, packUnits, type Unit } from "../markdown/pack-units";
import type { TranscriptStyle } from "./detect";
import { anchorMarkers, prefixMarkers, stripMarkers } from "./markers";
import { videoUrl } from "./timestamps";

export interface TranscriptOptions {
  chunkTokens?: number;
  /** Prefix transcripts: a chunk spans at most about this many seconds. */
  windowSeconds?: number;
  /** Anchor notes: passages whose claims lie further apart than this are not merged. */
  claimSpanSeconds?: number;
}

/** Speaking rate used to estimate how long the last segment lasts (no later mark to end it). */
const WORDS_PER_SECOND = 2.5;

const measure = (text: string) => estimateTokens(stripMarkers(text));
const clean = (text: string) => cleanForEmbedding(stripMarkers(text));

export function transcriptNoteDocument(path: string, note: ParsedNote, style: TranscriptStyle, options: TranscriptOptions = {}): IngestedDocument {
  const budget = options.chunkTokens ?? DEFAULT_CHUNK_TOKENS;
  const noteVideo = frontmatterVideo(note.data);
  const warnings: string[] = [];
  const groups =
    style === "prefixes"
      ? packUnits(prefixSegments(note, noteVideo, warnings), {
          budget,
          measure,
          canJoin: withinWindow(options.windowSeconds ?? 30),
        })
      : packUnits(blocksToUnits(note), {
          budget,
          measure,
          annotate: (piece) => annotateClaims(piece, noteVideo),
          canJoin: withinClaimSpan(options.claimSpanSeconds ?? 60),
        });
  const fallbackVideo = noteVideo ?? firstVideo(groups);
  const chunks = groups.map((group, i) => timedChunk(path, note, group, i, fallbackVideo));
  const doc = documentOf(path, "transcript", note, chunks);
  if (warnings.length > 0) doc.warnings = [...(doc.warnings ?? []), ...warnings];
  return doc;
}

function frontmatterVideo(data: Record<string, unknown>): string | undefined {
  const id = data.videoId;
  if (typeof id === "string" && id.trim() !== "") return videoUrl(id) ?? `https://www.youtube.com/watch?v=${encodeURIComponent(id.trim())}`;
  const url = data.url;
  if (typeof url === "string") return videoUrl(url) ?? undefined;
  return undefined;
}

/** Cuts block units at every prefix mark. Text before a block's first mark continues the segment
 *  opened earlier (a paragraph that wrapped, or text under a chapter heading). */
function prefixSegments(note: ParsedNote, noteVideo: string | undefined, warnings: string[]): Unit[] {
  const out: Array<Unit & { segment: number }> = [];
  const segments: Array<{ start: number; words: number }> = [];
  let open: { seconds: number; video?: string; segment: number } | null = null;
  let backwards = 0;
  for (const unit of blocksToUnits(note)) {
    const isCode = unit.style === "lines" && unit.src.startsWith("`", unit.start);
    const marks = isCode ? [] : prefixMarkers(unit.src.slice(unit.start, unit.end));
    const cuts = [unit.start, ...marks.map((m) => lineStartIfPrefix(unit.src, unit.start, unit.start + m.index)), unit.end];
    let line = unit.line;
    for (let i = 0; i + 1 < cuts.length; i++) {
      if (i > 0) {
        const mark = marks[i - 1];
        if (open !== null && mark.seconds < open.seconds) backwards++;
        open = { seconds: mark.seconds, video: mark.video, segment: segments.length };
        segments.push({ start: mark.seconds, words: 0 });
      }
      const from = cuts[i];
      const to = cuts[i + 1];
      line += i > 0 ? countNewlines(unit.src, cuts[i - 1], from) : 0;
      const text = unit.src.slice(from, to).trimEnd();
      if (text.trim() === "") continue;
      const piece: Unit & { segment: number } = { ...unit, start: from, end: from + text.length, line, segment: -1 };
      if (open !== null) {
        piece.segment = open.segment;
        piece.tStart = open.seconds;
        piece.video = open.video ?? noteVideo;
        segments[open.segment].words += countWords(stripMarkers(text));
      }
      out.push(piece);
    }
  }
  if (backwards > 0) warnings.push(`${backwards} timestamp(s) go back in time; their chunks keep the times as written`);
  // A segment ends where the next one starts; the last one (or one followed by an earlier time)
  // lasts as long as it takes to say its words.
  const ends = segments.map((seg, k) => {
    const next = segments[k + 1]?.start;
    return next !== undefined && next >= seg.start ? next : seg.start + Math.max(1, Math.round(seg.words / WORDS_PER_SECOND));
  });
  for (const u of out) if (u.segment >= 0) u.tEnd = ends[u.segment];
  return out;
}

/** A mark preceded on its line only by list/quote markup (`- **[00:01]**`) cuts at the line start,
 *  so the markup stays with the segment it introduces. */
function lineStartIfPrefix(src: string, blockStart: number, markAt: number): number {
  const lineStart = Math.max(blockStart, src.lastIndexOf("\n", markAt - 1) + 1);
  return LINE_MARKUP.test(src.slice(lineStart, markAt)) ? lineStart : markAt;
}

const LINE_MARKUP = /^[ \t]*(?:>[ \t]*)*(?:[-*+][ \t]+|\d{1,9}[.)][ \t]+)?$/;

function countWords(text: string): number {
  let n = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const space = /\s/.test(text[i]);
    if (!space && !inWord) n++;
    inWord = !space;
  }
  return n;
}


function withinWindow(windowSeconds: number) {
  return (group: Unit[], next: Unit): boolean => {
    const a = group[0].tStart;
    const b = next.tStart;
    if (a === undefined || b === undefined) return a === b;
    return b >= a && b - a < windowSeconds;
  };
}

function annotateClaims(piece: Unit, noteVideo: string | undefined): void {
  const marks = anchorMarkers(piece.src.slice(piece.start, piece.end));
  if (marks.length === 0) return;
  piece.tStart = Math.min(...marks.map((m) => m.seconds));
  piece.tEnd = Math.max(...marks.map((m) => m.seconds));
  piece.video = marks.find((m) => m.video !== undefined)?.video ?? noteVideo;
}

function withinClaimSpan(spanSeconds: number) {
  return (group: Unit[], next: Unit): boolean => {
    // Untimed text (an intro line before a list) joins freely; claims join only when close in time.
    if (next.tStart === undefined || next.tEnd === undefined) return true;
    let lo = next.tStart;
    let hi = next.tEnd;
    let timed = false;
    for (const u of group) {
      if (u.tStart === undefined || u.tEnd === undefined) continue;
      timed = true;
      lo = Math.min(lo, u.tStart);
      hi = Math.max(hi, u.tEnd);
    }
    return !timed || hi - lo <= spanSeconds;
  };
}

function firstVideo(groups: Unit[][]): string | undefined {
  for (const g of groups) for (const u of g) if (u.video !== undefined) return u.video;
  return undefined;
}

function timedChunk(path: string, note: ParsedNote, group: Unit[], ordinal: number, fallbackVideo: string | undefined): Chunk {
  const chunk = groupToChunk(path, note, group, ordinal, "transcript", clean);
  let start: number | undefined;
  let end: number | undefined;
  for (const u of group) {
    if (u.tStart !== undefined) start = start === undefined ? u.tStart : Math.min(start, u.tStart);
    const e = u.tEnd ?? u.tStart;
    if (e !== undefined) end = end === undefined ? e : Math.max(end, e);
  }
  if (start !== undefined && end !== undefined) {
    chunk.start = start;
    chunk.end = end;
    const video = group.find((u) => u.video !== undefined)?.video ?? fallbackVideo;
    if (video !== undefined) chunk.video = video;
  }
  return chunk;
}
