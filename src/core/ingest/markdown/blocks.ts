// A single linear pass that cuts a note body into the blocks chunking cares about: headings, fenced
// code, tables, and paragraphs (lists and quotes included). It is not a full CommonMark parser; it
// knows exactly what decides where chunks may break and what heading path a passage sits under.

export type BlockKind = "heading" | "paragraph" | "list" | "code" | "table";

export interface Block {
  kind: BlockKind;
  /** Offsets into the body text; `end` is exclusive and excludes the trailing newline. */
  start: number;
  end: number;
  /** 0-based line in the body where the block starts. */
  line: number;
  /** Headings: 1–6. */
  level?: number;
  /** Headings: the text without the #s. */
  heading?: string;
  /** A `^block-id` ending the block (or on its own line right after it). */
  blockId?: string;
}

interface Line {
  start: number;
  end: number;
  text: string;
}

const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t]*$/;
const BREAK = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const TABLE_SEPARATOR = /^ {0,3}\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$/;
const LIST_ITEM = /^[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+/;
const BLOCK_ID_ALONE = /^[ \t]*\^([A-Za-z0-9-]+)[ \t]*$/;
const BLOCK_ID_END = /(?:^|[ \t])\^([A-Za-z0-9-]+)[ \t]*$/;

function splitLines(body: string): Line[] {
  const lines: Line[] = [];
  let pos = 0;
  while (pos <= body.length) {
    const nl = body.indexOf("\n", pos);
    const rawEnd = nl < 0 ? body.length : nl;
    const end = rawEnd > pos && body.charCodeAt(rawEnd - 1) === 13 ? rawEnd - 1 : rawEnd;
    lines.push({ start: pos, end, text: body.slice(pos, end) });
    if (nl < 0) break;
    pos = nl + 1;
  }
  return lines;
}

function isBlank(s: string): boolean {
  return s.trim() === "";
}

export function parseBlocks(body: string): Block[] {
  const lines = splitLines(body);
  const blocks: Block[] = [];
  let i = 0;
  while (i < lines.length) {
    const l = lines[i];
    if (isBlank(l.text) || BREAK.test(l.text)) {
      i++;
      continue;
    }
    const idAlone = BLOCK_ID_ALONE.exec(l.text);
    if (idAlone) {
      // Obsidian puts the id of a list, quote or table on its own line after the block.
      const prev = blocks[blocks.length - 1];
      if (prev && prev.kind !== "heading" && prev.blockId === undefined) {
        prev.blockId = idAlone[1];
        prev.end = l.end;
      } else {
        blocks.push({ kind: "paragraph", start: l.start, end: l.end, line: i });
      }
      i++;
      continue;
    }
    const fence = FENCE.exec(l.text);
    if (fence) {
      const marker = fence[1];
      const closing = new RegExp(`^ {0,3}${marker[0] === "`" ? "`" : "~"}{${marker.length},}[ \\t]*$`);
      let j = i + 1;
      while (j < lines.length && !closing.test(lines[j].text)) j++;
      const last = Math.min(j, lines.length - 1);
      blocks.push({ kind: "code", start: l.start, end: lines[last].end, line: i });
      i = last + 1;
      continue;
    }
    const heading = HEADING.exec(l.text);
    if (heading) {
      const text = (heading[2] ?? "").replace(/[ \t]+#+$/, "").replace(/^#+$/, "").trim();
      blocks.push({ kind: "heading", start: l.start, end: l.end, line: i, level: heading[1].length, heading: text });
      i++;
      continue;
    }
    if (l.text.includes("|") && i + 1 < lines.length && lines[i + 1].text.includes("-") && TABLE_SEPARATOR.test(lines[i + 1].text)) {
      let j = i + 2;
      while (j < lines.length && !isBlank(lines[j].text) && lines[j].text.includes("|")) j++;
      blocks.push({ kind: "table", start: l.start, end: lines[j - 1].end, line: i });
      i = j;
      continue;
    }
    // Paragraph or list: runs until a blank line or a line that starts another kind of block.
    let j = i + 1;
    while (j < lines.length) {
      const t = lines[j].text;
      if (isBlank(t) || FENCE.test(t) || HEADING.test(t) || BREAK.test(t) || BLOCK_ID_ALONE.test(t)) break;
      j++;
    }
    const block: Block = { kind: LIST_ITEM.test(l.text) ? "list" : "paragraph", start: l.start, end: lines[j - 1].end, line: i };
    const id = BLOCK_ID_END.exec(lines[j - 1].text);
    if (id) block.blockId = id[1];
    blocks.push(block);
    i = j;
  }
  return blocks;
}
