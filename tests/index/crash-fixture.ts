// What the crash test's child writes, shared with the parent that checks it.

export const CRASH_MODEL = "crash/hash-64";

/** A chunk's text names its document and position, so any chunk can be checked on its own. */
export function chunkText(docId: number, j: number): string {
  return `document doc${docId} passage ${j} about topic${docId % 17} and term${(docId * 7 + j) % 101}`;
}
