// Joins a page's lines (in reading order) into paragraphs: a paragraph ends at a wider vertical gap,
// a change of font size, an indented first line, or a short line that ends a sentence. Words split by
// a hyphen at a line end are joined; real compounds ("mini-batch") keep their hyphen.
import { MappedTextBuilder, type MappedText } from "./mapped-text";
import type { PageLine } from "./page-lines";

export interface LineBreakHint {
  line: PageLine;
  /** A dropped line (running header) or a gap in the page body preceded this line. */
  breakBefore: boolean;
}

/** Words seen in the document, to tell "mini-|batch" (a compound) from "exam-|ple" (hyphenation). */
export class HyphenVocabulary {
  private hyphenated = new Set<string>();
  private plain = new Set<string>();

  add(text: string): void {
    for (const m of text.matchAll(/[\p{L}\p{N}]+(?:[-\u2010][\p{L}\p{N}]+)*/gu)) {
      const w = m[0].toLowerCase();
      if (/[-\u2010]/.test(w)) {
        this.hyphenated.add(w.replace(/\u2010/g, "-"));
        for (const part of w.split(/[-\u2010]/)) this.plain.add(part);
      } else {
        this.plain.add(w);
      }
    }
  }

  /** Should "head-" + "tail" keep its hyphen? Only when the document writes the compound so. */
  keepsHyphen(head: string, tail: string): boolean {
    const h = head.toLowerCase();
    const t = tail.toLowerCase();
    return this.hyphenated.has(`${h}-${t}`) && !this.plain.has(h + t);
  }
}

const SENTENCE_END = /[.!?:]["'”’)\]]*$/;
const LINE_END_HYPHEN = /(\p{L})[-\u2010\u00ad]$/u;

export function buildParagraphs(lines: LineBreakHint[], vocab: HyphenVocabulary): MappedText[] {
  const pitch = linePitch(lines.map((l) => l.line));
  const edges = flowEdges(lines.map((l) => l.line));
  const paragraphs: MappedText[] = [];
  let builder: MappedTextBuilder | null = null;
  let prev: PageLine | null = null;

  for (const { line, breakBefore } of lines) {
    const join = prev !== null && builder !== null && !breakBefore && continues(prev, line, pitch, edges);
    if (!join || !builder || !prev) {
      if (builder) paragraphs.push(builder.build());
      builder = new MappedTextBuilder();
      builder.append(line);
      prev = line;
      continue;
    }
    const hyphen = LINE_END_HYPHEN.exec(prev.text);
    const startsLower = /^\p{Ll}/u.test(line.text);
    if (hyphen && startsLower) {
      const head = /[\p{L}\p{N}]+(?=[-\u2010\u00ad]$)/u.exec(prev.text)?.[0] ?? "";
      const tail = /^[\p{L}\p{N}]+/u.exec(line.text)?.[0] ?? "";
      if (prev.text.endsWith("\u00ad") || !vocab.keepsHyphen(head, tail)) builder.dropLast();
      builder.append(line);
    } else {
      builder.space();
      builder.append(line);
    }
    prev = line;
  }
  if (builder) paragraphs.push(builder.build());
  return paragraphs.filter((p) => p.text.length > 0);
}

function continues(prev: PageLine, line: PageLine, pitch: number, edges: Map<number, { left: number; right: number }>): boolean {
  if (prev.rotated || line.rotated) return false;
  if (prev.flow !== line.flow) {
    // Column switch: the sentence may run on into the next column.
    return !SENTENCE_END.test(prev.text) && (/^\p{Ll}/u.test(line.text) || LINE_END_HYPHEN.test(prev.text));
  }
  const size = Math.max(prev.size, line.size);
  if (Math.abs(prev.size - line.size) > 0.15 * size) return false;
  const gap = prev.y - line.y;
  if (gap <= 0 || gap > pitch * 1.4 + 0.5) return false;
  const edge = edges.get(line.flow);
  if (edge) {
    const indented = line.x0 > edge.left + 0.8 * line.size && prev.x0 < line.x0 - 0.8 * line.size;
    const prevShort = prev.x1 < edge.right - 2.5 * prev.size;
    if (indented && (prevShort || SENTENCE_END.test(prev.text))) return false;
    if (prevShort && SENTENCE_END.test(prev.text) && !/^\p{Ll}/u.test(line.text)) return false;
  }
  return true;
}

/** Typical baseline distance of body lines on this page. */
function linePitch(lines: PageLine[]): number {
  const gaps: number[] = [];
  for (let i = 1; i < lines.length; i++) {
    const a = lines[i - 1];
    const b = lines[i];
    if (a.flow !== b.flow || Math.abs(a.size - b.size) > 0.1 * a.size) continue;
    const g = a.y - b.y;
    if (g > 0 && g < 3 * a.size) gaps.push(g);
  }
  if (gaps.length === 0) {
    const sizes = lines.map((l) => l.size).sort((x, y) => x - y);
    return 1.25 * (sizes[Math.floor(sizes.length / 2)] ?? 10);
  }
  gaps.sort((x, y) => x - y);
  return gaps[Math.floor(gaps.length / 2)];
}

/** Left and right text edges of each flow (column), ignoring stray outliers. */
function flowEdges(lines: PageLine[]): Map<number, { left: number; right: number }> {
  const byFlow = new Map<number, PageLine[]>();
  for (const l of lines) {
    const list = byFlow.get(l.flow) ?? [];
    list.push(l);
    byFlow.set(l.flow, list);
  }
  const edges = new Map<number, { left: number; right: number }>();
  for (const [flow, list] of byFlow) {
    const lefts = list.map((l) => l.x0).sort((a, b) => a - b);
    const rights = list.map((l) => l.x1).sort((a, b) => a - b);
    edges.set(flow, {
      left: lefts[Math.floor(lefts.length * 0.2)],
      right: rights[Math.min(rights.length - 1, Math.floor(rights.length * 0.8))],
    });
  }
  return edges;
}
