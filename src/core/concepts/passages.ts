// The passages a model may cite, each under an id like "P7": letters first, so an id is never
// confusable with a bracketed reference number such as "[12]" that papers themselves contain.
import type { Chunk } from "../types";
import { estimateTokens } from "../util/tokens";
import { formatHms } from "../answer/links";
import { looksLikeReferences } from "./noise";

export interface PassageTable {
  /** In source order. */
  entries: Array<{ id: string; chunk: Chunk }>;
  byId: Map<string, Chunk>;
  /** How many usable chunks did not fit the budget. */
  left: number;
}

export const PASSAGE_ID = /\bP(\d{1,4})\b/g;

/** Chunks that can be cited: non-empty, and for PDFs on a page the document has. */
export function citableChunks(chunks: Chunk[], pageCount?: number): Chunk[] {
  return chunks.filter((c) => {
    if (!c.text.trim()) return false;
    if (c.kind === "pdf") {
      if (c.page === undefined || c.page < 1) return false;
      if (pageCount !== undefined && c.page > pageCount) return false;
    }
    return true;
  });
}

/** Picks passages up to a token budget. Reference lists go first when something must go; the rest is
 *  sampled evenly so the model sees the whole source, not only its beginning. */
export function selectPassages(chunks: Chunk[], maxTokens: number, pageCount?: number): PassageTable {
  const usable = citableChunks(chunks, pageCount);
  const cost = (c: Chunk) => estimateTokens(c.text) + 12;
  let pool = usable;
  const total = (cs: Chunk[]) => cs.reduce((n, c) => n + cost(c), 0);
  if (total(pool) > maxTokens) pool = pool.filter((c) => !looksLikeReferences(c.text));
  let chosen = pool;
  if (total(pool) > maxTokens) {
    const avg = total(pool) / pool.length;
    const want = Math.max(1, Math.floor(maxTokens / avg));
    const picked = new Set<number>();
    for (let i = 0; i < want; i++) picked.add(Math.floor((i * pool.length) / want));
    chosen = [];
    let used = 0;
    for (const [i, c] of pool.entries()) {
      if (!picked.has(i)) continue;
      // The first passage always goes in, however long, so a model is never sent nothing.
      if (chosen.length && used + cost(c) > maxTokens) continue;
      chosen.push(c);
      used += cost(c);
    }
  }
  const entries = chosen.map((chunk, i) => ({ id: `P${i + 1}`, chunk }));
  return { entries, byId: new Map(entries.map((e) => [e.id, e.chunk])), left: usable.length - chosen.length };
}

/** Where a passage is, in words a model can repeat to a reader if it wants to. */
function place(c: Chunk): string {
  if (c.kind === "pdf" && c.page !== undefined) return `page ${c.page}`;
  if (c.kind === "transcript" && c.start !== undefined) return `at ${formatHms(c.start)}`;
  const h = c.headings?.[c.headings.length - 1];
  return h ? `section "${h.replace(/"/g, "'")}"` : "";
}

/** The passages as a fenced data block. Text that imitates the fence is defused so a document cannot
 *  close the block and speak to the model as instructions. */
export function renderPassages(table: PassageTable): string {
  const parts = table.entries.map(({ id, chunk }) => {
    const where = place(chunk);
    const text = chunk.text.replace(/<(\/?)(passages?)\b/gi, "&lt;$1$2").trim();
    const src = chunk.title ? ` source="${chunk.title.replace(/"/g, "'")}"` : "";
    return `<passage id="${id}"${src}${where ? ` where="${where}"` : ""}>\n${text}\n</passage>`;
  });
  return `<passages>\n${parts.join("\n")}\n</passages>`;
}
