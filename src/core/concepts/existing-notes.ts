// The vault's notes a concept note may link to, from what the index already knows about them.
import type { Chunk, IngestedDocument } from "../types";
import { extname, stem } from "../util/paths";
import type { ExistingNote } from "./types";

/** Markdown notes (transcript notes included) with their titles and aliases. */
export function existingNotesFrom(docs: Iterable<Pick<IngestedDocument, "path" | "title" | "aliases">>): ExistingNote[] {
  const out: ExistingNote[] = [];
  for (const d of docs) {
    if (extname(d.path) !== "md") continue;
    out.push({ path: d.path, title: d.title || stem(d.path), aliases: d.aliases ?? [] });
  }
  return out;
}

/** The same from an index's chunks, when documents are not at hand (chunks carry no aliases). */
export function existingNotesFromChunks(chunks: Iterable<Chunk>): ExistingNote[] {
  const byPath = new Map<string, ExistingNote>();
  for (const c of chunks) {
    if (extname(c.path) !== "md" || byPath.has(c.path)) continue;
    byPath.set(c.path, { path: c.path, title: c.title || stem(c.path), aliases: [] });
  }
  return [...byPath.values()];
}
