// Diversity: a result list of five chunks of one page shows the reader one place five times and
// hides the second-best page. Selection walks the ranking best first and skips a passage whose
// place (PDF page, note section) or file already has its share; skipped passages come back, best
// first, only when nothing else is left to fill k. Exact duplicates (the same text in two files,
// e.g. a PDF copied into two folders) are dropped outright.
import type { Chunk } from "../types";

export interface DiversityOptions {
  /** Passages per place: one PDF page, one note section, one transcript timestamp. */
  maxPerPlace: number;
  /** Passages per file. */
  maxPerFile: number;
  /** Files exempt from maxPerFile (the ones a query names). */
  uncappedFiles?: ReadonlySet<string>;
}

export function defaultDiversity(k: number): DiversityOptions {
  // A question is usually about one document, so one file may fill most of the list, but not all of
  // it: the rest goes to the runner-up documents, which is where a wrong top file is rescued.
  return { maxPerPlace: 1, maxPerFile: Math.max(2, Math.ceil(k * 0.6)) };
}

/** The place a chunk stands for when counting near-duplicates: where its citation link leads. */
export function placeKey(chunk: Chunk): string {
  if (chunk.kind === "pdf") return `${chunk.path}#page=${chunk.page ?? 0}`;
  if (chunk.kind === "markdown") return `${chunk.path}#${(chunk.headings ?? []).join("#")}`;
  // Transcript chunks cut from one timestamped paragraph all link to the same second.
  return chunk.start !== undefined ? `${chunk.path}@${chunk.start}` : chunk.id;
}

function textKey(text: string): string {
  return text.toLowerCase().replace(/\s+/gu, " ").trim();
}

/** Picks up to k items from a best-first ranking, honouring the caps while it can. */
export function diversify<T>(ranked: T[], k: number, chunkOf: (item: T) => Chunk, options: DiversityOptions = defaultDiversity(k)): T[] {
  const picked: T[] = [];
  const deferred: T[] = [];
  const perPlace = new Map<string, number>();
  const perFile = new Map<string, number>();
  const texts = new Set<string>();
  for (const item of ranked) {
    if (picked.length >= k) break;
    const chunk = chunkOf(item);
    const tk = textKey(chunk.text);
    if (tk !== "" && texts.has(tk)) continue;
    texts.add(tk);
    const place = placeKey(chunk);
    const np = perPlace.get(place) ?? 0;
    const nf = perFile.get(chunk.path) ?? 0;
    if (np >= options.maxPerPlace || (nf >= options.maxPerFile && !options.uncappedFiles?.has(chunk.path))) {
      deferred.push(item);
      continue;
    }
    perPlace.set(place, np + 1);
    perFile.set(chunk.path, nf + 1);
    picked.push(item);
  }
  if (picked.length < k && deferred.length > 0) {
    // Refill in rank order, so the final list is still sorted by score.
    const fill = new Set(deferred.slice(0, k - picked.length));
    const order = new Map(ranked.map((item, i) => [item, i]));
    return [...picked, ...fill].sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
  }
  return picked;
}
