// What every note-shaped source shares before chunking: frontmatter, blocks, title, aliases, tags,
// and the heading path of every block. Markdown and transcript notes both start here.

import { stem } from "../../util/paths";
import { parseBlocks, type Block } from "./blocks";
import { splitFrontmatter, stringList, stringValue } from "./frontmatter";
import type { Unit } from "./pack-units";
import { frontmatterTags, inlineTags, uniqueTags } from "./tags";

export interface ParsedNote {
  data: Record<string, unknown>;
  body: string;
  /** 0-based file line where `body` starts (after frontmatter). */
  bodyLine: number;
  blocks: Block[];
  title: string;
  aliases: string[];
  tags: string[];
  warnings: string[];
}

export function parseNote(path: string, text: string): ParsedNote {
  const fm = splitFrontmatter(text);
  const blocks = parseBlocks(fm.body);
  const warnings = fm.warning !== undefined ? [fm.warning] : [];
  const h1 = blocks.find((b) => b.kind === "heading" && b.level === 1 && b.heading !== "");
  const title = stringValue(fm.data.title) ?? h1?.heading ?? stem(path);
  const aliases = [...stringList(fm.data.aliases, false), ...stringList(fm.data.alias, false)];
  const tags = uniqueTags([...frontmatterTags(fm.data), ...inlineTags(fm.body, blocks)]);
  return { data: fm.data, body: fm.body, bodyLine: fm.bodyLine, blocks, title, aliases, tags, warnings };
}

/** Content blocks as packable units, each knowing its heading path. Headings themselves are not
 *  units: they live in `headings` (and so in the embed text), not in the stored passage. */
export function blocksToUnits(note: ParsedNote): Unit[] {
  const units: Unit[] = [];
  const stack: Array<{ level: number; text: string }> = [];
  let headings: string[] = [];
  let section = "0";
  note.blocks.forEach((block, index) => {
    if (block.kind === "heading") {
      const level = block.level ?? 1;
      while (stack.length > 0 && stack[stack.length - 1].level >= level) stack.pop();
      stack.push({ level, text: block.heading ?? "" });
      headings = stack.map((h) => h.text).filter((h) => h !== "");
      section = String(index);
      return;
    }
    units.push({
      src: note.body,
      start: block.start,
      end: block.end,
      line: block.line,
      section,
      headings,
      style: block.kind === "code" || block.kind === "table" ? "lines" : block.kind === "list" ? "list" : "prose",
      blockId: block.blockId,
      solo: block.blockId !== undefined,
    });
  });
  return units;
}
