// One definition of what a SearchFilter admits, shared by the store (which filters before taking
// its top k) and the retriever (which checks again, so a store that filters loosely can never leak
// a passage from outside the user's scope into an answer).
import type { Chunk, SearchFilter } from "../types";
import { isInFolder, normalizeVaultPath } from "../util/paths";

function normalizeTag(tag: string): string {
  return tag.trim().replace(/^#+/u, "").toLowerCase();
}

/** Obsidian tags are case-insensitive and nested: a filter on "ml" admits a file tagged "ml/vision". */
export function tagMatches(fileTag: string, filterTag: string): boolean {
  const f = normalizeTag(filterTag);
  const t = normalizeTag(fileTag);
  return f !== "" && (t === f || t.startsWith(f + "/"));
}

export function isEmptyFilter(filter: SearchFilter | undefined): boolean {
  return !filter || (!filter.folders?.length && !filter.paths?.length && !filter.tags?.length && !filter.excludeFolders?.length);
}

/** Whether a file passes the filter. `fileTags` is only called when the filter has tags. */
export function pathMatchesFilter(path: string, filter: SearchFilter | undefined, fileTags: (path: string) => string[]): boolean {
  if (!filter) return true;
  if (filter.excludeFolders?.some((f) => normalizeVaultPath(f) !== "" && isInFolder(path, f))) return false;
  if (filter.folders?.length && !filter.folders.some((f) => isInFolder(path, f))) return false;
  if (filter.paths?.length && !filter.paths.some((p) => normalizeVaultPath(p) === path)) return false;
  if (filter.tags?.length) {
    const tags = fileTags(path);
    if (!filter.tags.some((f) => tags.some((t) => tagMatches(t, f)))) return false;
  }
  return true;
}

export function chunkMatchesFilter(chunk: Chunk, filter: SearchFilter | undefined, fileTags: (path: string) => string[]): boolean {
  return pathMatchesFilter(chunk.path, filter, fileTags);
}
