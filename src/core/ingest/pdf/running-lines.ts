// Running headers, footers and page numbers: lines at a page's top or bottom edge whose text
// (digits collapsed, so "Page 3" and "Page 4" match) and size recur on several pages.
import type { PageLine } from "./page-lines";

export function runningKey(line: PageLine): string {
  const text = line.text.toLowerCase().replace(/\d+/g, "#").replace(/\s+/g, " ").trim();
  return `${line.edge ?? ""}|${Math.round(line.size)}|${text}`;
}

const PAGE_NUMBER = [
  /^(page|p\.|pg\.?|seite|página)?\s*#(\s*(of|\/|von|de)\s*#)?$/i,
  /^[-–—]\s*#\s*[-–—]$/,
  /^[ivxlcdm]{1,7}$/i,
];

export function looksLikePageNumber(text: string): boolean {
  const t = text.toLowerCase().replace(/\d+/g, "#").replace(/\s+/g, " ").trim();
  return PAGE_NUMBER.some((re) => re.test(t));
}

/** Returns, per page, the set of line positions (indexes into that page's lines) to drop. */
export function findRunningLines(pages: PageLine[][]): Array<Set<number>> {
  const pagesWithKey = new Map<string, number>();
  for (const lines of pages) {
    const seen = new Set<string>();
    for (const line of lines) if (line.edge) seen.add(runningKey(line));
    for (const key of seen) pagesWithKey.set(key, (pagesWithKey.get(key) ?? 0) + 1);
  }
  // Two pages suffice in short documents; longer ones need three, so a heading that happens to
  // open two pages is not mistaken for a running header.
  const needed = pages.length <= 4 ? 2 : 3;
  return pages.map((lines) => {
    const drop = new Set<number>();
    if (pages.length < 2) return drop;
    lines.forEach((line, i) => {
      if (!line.edge) return;
      if ((pagesWithKey.get(runningKey(line)) ?? 0) >= needed || looksLikePageNumber(line.text)) drop.add(i);
    });
    return drop;
  });
}
