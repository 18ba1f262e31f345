// Groups consecutive passages of one section into chunks that fill the token budget, so short
// paragraphs travel together and long ones are split. Shared by notes, transcripts and captions:
// what a "unit" is (a paragraph, a timed segment, a caption cue) is the caller's business.

import { estimateTokens } from "../../util/tokens";
import { splitRange, type SplitStyle } from "./split-text";

export interface Unit {
  /** The string this unit's offsets point into (shared, never copied). */
  src: string;
  start: number;
  end: number;
  /** 0-based file line of `src[start]`. */
  line: number;
  /** Units only join others with the same section key (the heading path). */
  section: string;
  headings: string[];
  style: SplitStyle;
  blockId?: string;
  /** Never joined with neighbours (e.g. it carries a block id a link must address exactly). */
  solo?: boolean;
  /** Seconds, for timed sources. */
  tStart?: number;
  tEnd?: number;
  /** Video URL for timed sources, when known. */
  video?: string;
  /** Set on pieces of a split unit: a prefix for the embedder only (e.g. a table's header row). */
  embedPrefix?: string;
  tokens?: number;
}

export interface PackOptions {
  budget: number;
  /** Extra veto on joining `next` to the group (e.g. a time window). */
  canJoin?: (group: Unit[], next: Unit) => boolean;
  /** Token estimate of a passage; defaults to estimateTokens. Sources with heavy markup the
   *  embedder never sees (timestamp anchors) measure the cleaned text. */
  measure?: (text: string) => number;
  /** Called on every piece after splitting, e.g. to read the times of the claims it contains. */
  annotate?: (piece: Unit) => void;
}

/** Splits over-budget units into pieces (each keeping the unit's metadata), then packs. */
export function packUnits(units: Unit[], options: PackOptions): Unit[][] {
  const groups: Unit[][] = [];
  let group: Unit[] = [];
  let tokens = 0;
  const flush = () => {
    if (group.length > 0) groups.push(group);
    group = [];
    tokens = 0;
  };
  for (const unit of units) {
    for (const piece of fitUnit(unit, options.budget, options.measure ?? estimateTokens)) {
      options.annotate?.(piece);
      const t = piece.tokens ?? 0;
      const joinable =
        group.length > 0 &&
        !piece.solo &&
        !group[0].solo &&
        group[0].section === piece.section &&
        group[0].src === piece.src &&
        tokens + t <= options.budget &&
        (options.canJoin?.(group, piece) ?? true);
      if (!joinable) flush();
      group.push(piece);
      tokens += t;
      if (piece.solo) flush();
    }
  }
  flush();
  return groups;
}

function fitUnit(unit: Unit, budget: number, measure: (text: string) => number): Unit[] {
  const tokens = measure(unit.src.slice(unit.start, unit.end));
  if (tokens <= budget) return [{ ...unit, tokens }];
  const ranges = splitRange(unit.src, unit.start, unit.end, budget, unit.style, measure);
  const header = unit.style === "lines" ? tableHeader(unit) : undefined;
  const pieces: Unit[] = [];
  let line = unit.line;
  let pos = unit.start;
  for (const [s, e] of ranges) {
    line += countNewlines(unit.src, pos, s);
    pos = s;
    const piece: Unit = { ...unit, start: s, end: e, line, tokens: measure(unit.src.slice(s, e)) };
    if (header !== undefined && s > unit.start) piece.embedPrefix = header;
    pieces.push(piece);
  }
  return pieces;
}

/** The header and separator rows of a markdown table, so every piece of a split table stays legible. */
function tableHeader(unit: Unit): string | undefined {
  const text = unit.src.slice(unit.start, Math.min(unit.end, unit.start + 4000));
  const lines = text.split("\n", 2);
  if (lines.length === 2 && lines[0].includes("|") && /^[\s|:-]+$/.test(lines[1])) return `${lines[0]}\n${lines[1]}`;
  return undefined;
}

/** Newlines in s[from, to). A bounded loop: indexOf would scan to the end of a 10 MB line each time. */
export function countNewlines(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) if (s.charCodeAt(i) === 10) n++;
  return n;
}
