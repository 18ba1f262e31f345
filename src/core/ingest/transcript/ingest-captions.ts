// A caption file becomes chunks of about 30 seconds (or the token budget, whichever comes first),
// each knowing its span: from its first cue's start to the next chunk's start (the last chunk ends
// with the last cue).

import type { Chunk, IngestedDocument } from "../../types";
import { IngestError } from "../../types";
import { stem } from "../../util/paths";
import { DEFAULT_CHUNK_TOKENS } from "../../util/tokens";
import { packUnits, type Unit } from "../markdown/pack-units";
import { parseCaptions } from "./captions";

export interface CaptionOptions {
  chunkTokens?: number;
  windowSeconds?: number;
}

export function ingestCaptions(path: string, text: string, options: CaptionOptions = {}): IngestedDocument {
  const { cues, malformed } = parseCaptions(text);
  if (cues.length === 0) {
    throw new IngestError(malformed > 0 ? `no readable caption cues (${malformed} malformed timing lines)` : "no caption cues found", "failed");
  }
  // One string of all cue texts, so chunks are slices of it as note chunks are slices of a note.
  const src = cues.map((c) => c.text).join(" ");
  let pos = 0;
  const units: Unit[] = cues.map((cue) => {
    const start = pos;
    pos += cue.text.length + 1;
    return { src, start, end: start + cue.text.length, line: cue.line, section: "0", headings: [], style: "prose", tStart: cue.start, tEnd: cue.end };
  });
  const windowSeconds = options.windowSeconds ?? 30;
  const groups = packUnits(units, {
    budget: options.chunkTokens ?? DEFAULT_CHUNK_TOKENS,
    canJoin: (group, next) => (next.tStart ?? 0) - (group[0].tStart ?? 0) < windowSeconds,
  });
  const title = stem(path);
  const lastEnd = cues.reduce((m, c) => Math.max(m, c.end), 0);
  const chunks: Chunk[] = groups.map((group, i) => {
    const first = group[0];
    const last = group[group.length - 1];
    const text = src.slice(first.start, last.end);
    // A cue split across chunks gives the next chunk the same start; such a piece keeps its cues' end.
    const nextStart = groups[i + 1]?.[0].tStart;
    const ownEnd = group.reduce((m, u) => Math.max(m, u.tEnd ?? 0), first.tStart ?? 0);
    const end = nextStart !== undefined && nextStart > (first.tStart ?? 0) ? nextStart : i + 1 < groups.length ? ownEnd : lastEnd;
    return {
      id: `${path}#${i}`,
      path,
      kind: "transcript",
      text,
      embedText: `${title}\n\n${text}`,
      title,
      line: first.line,
      start: first.tStart ?? 0,
      end,
    };
  });
  const doc: IngestedDocument = { path, kind: "transcript", title, chunks };
  if (malformed > 0) doc.warnings = [`${malformed} caption cue(s) with unreadable timings skipped`];
  return doc;
}
