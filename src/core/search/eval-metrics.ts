// Retrieval metrics for `npm run eval`, kept apart from the script so they are tested like any code.
import type { Passage } from "../types";

/** A question whose answer is on known pages of one file. */
export interface PageQuestion {
  id: string;
  file: string;
  question: string;
  pages: number[];
}

/** A question whose answer is said at a known second of a transcript. */
export interface TimeQuestion {
  id: string;
  file: string;
  question: string;
  /** Seconds from the start of the video. */
  time: number;
}

/** How far (seconds) a passage's start may be from the answer: the citation link opens the video at
 *  the passage's start, so this is how long the reader waits or rewinds. */
export const TIME_TOLERANCE_S = 60;

/** 0-based rank of the first passage from the question's file on one of its pages, or -1. */
export function firstPageHit(passages: Passage[], q: PageQuestion): number {
  return passages.findIndex((p) => p.chunk.path === q.file && p.chunk.page !== undefined && q.pages.includes(p.chunk.page));
}

/** 0-based rank of the first passage from the transcript that starts within the tolerance, or -1. */
export function firstTimeHit(passages: Passage[], q: TimeQuestion, tolerance = TIME_TOLERANCE_S): number {
  return passages.findIndex((p) => p.chunk.path === q.file && p.chunk.start !== undefined && Math.abs(p.chunk.start - q.time) <= tolerance);
}

export interface RankMetrics {
  questions: number;
  hitAt1: number;
  hitAt5: number;
  /** Mean reciprocal rank over the returned list (0 when the answer is not in it). */
  mrr: number;
}

/** Aggregates 0-based first-hit ranks (-1 = miss) into hit@1, hit@5 and MRR. */
export function rankMetrics(ranks: number[]): RankMetrics {
  const n = ranks.length;
  if (n === 0) return { questions: 0, hitAt1: 0, hitAt5: 0, mrr: 0 };
  let h1 = 0;
  let h5 = 0;
  let rr = 0;
  for (const r of ranks) {
    if (r === 0) h1++;
    if (r >= 0 && r < 5) h5++;
    if (r >= 0) rr += 1 / (r + 1);
  }
  return { questions: n, hitAt1: h1 / n, hitAt5: h5 / n, mrr: rr / n };
}

/** "90", "1:30", "01:02:03" or a number → seconds; NaN when it is none of these. */
export function parseSeconds(value: unknown): number {
  if (typeof value === "number") return value;
  if (typeof value !== "string") return NaN;
  const s = value.trim();
  if (/^\d+(?:\.\d+)?$/u.test(s)) return Number(s);
  const m = /^(?:(\d+):)?(\d{1,2}):(\d{1,2}(?:\.\d+)?)$/u.exec(s);
  if (!m) return NaN;
  return Number(m[1] ?? 0) * 3600 + Number(m[2]) * 60 + Number(m[3]);
}

/** Where an answer's citation leads: a file, and a page or a second in it. */
export interface CitedPlace {
  path: string;
  page?: number;
  start?: number;
}

/** Whether one of the citations leads to one of the question's pages. */
export function citesPage(citations: CitedPlace[], q: PageQuestion): boolean {
  return citations.some((c) => c.path === q.file && c.page !== undefined && q.pages.includes(c.page));
}

/** Whether one of the citations opens the transcript within the tolerance of the answer. */
export function citesTime(citations: CitedPlace[], q: TimeQuestion, tolerance = TIME_TOLERANCE_S): boolean {
  return citations.some((c) => c.path === q.file && c.start !== undefined && Math.abs(c.start - q.time) <= tolerance);
}
