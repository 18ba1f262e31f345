// Tags as Obsidian sees them: frontmatter `tags`/`tag` (list or "a, b" / "a b" string) plus inline
// `#tag` in the body outside code. Tags are returned without '#', first spelling wins, and
// duplicates are dropped case-insensitively because Obsidian treats `#ML` and `#ml` as one tag.

import type { Block } from "./blocks";
import { stringList } from "./frontmatter";

const INLINE_TAG = /(?:^|\s)#([\p{L}\p{N}_/-]+)/gu;
const INLINE_CODE = /`[^`\n]*`/g;

export function frontmatterTags(data: Record<string, unknown>): string[] {
  return [...stringList(data.tags, true), ...stringList(data.tag, true)].map((t) => t.replace(/^#+/, "")).filter((t) => t !== "");
}

export function inlineTags(body: string, blocks: Block[]): string[] {
  const tags: string[] = [];
  for (const block of blocks) {
    if (block.kind === "code") continue;
    const text = body.slice(block.start, block.end);
    if (!text.includes("#")) continue;
    for (const m of text.replace(INLINE_CODE, " ").matchAll(INLINE_TAG)) {
      const tag = m[1].replace(/\/+$/, "");
      // A tag needs one non-digit: `#2024` is a number, `#y2024` a tag.
      if (tag !== "" && !/^[\p{N}_/-]+$/u.test(tag)) tags.push(tag);
    }
  }
  return tags;
}

export function uniqueTags(tags: string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const t of tags) {
    const key = t.toLowerCase();
    if (!seen.has(key)) {
      seen.add(key);
      out.push(t);
    }
  }
  return out;
}
