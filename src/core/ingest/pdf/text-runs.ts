// pdf.js text items as positioned runs. The run index is the item's position among text items
// (marked-content entries skipped), which is exactly how the viewer numbers its text divs and how
// Obsidian / PDF++ `#page=N&selection=a,b,c,d` links count.
import { isTextItem, type PdfTextItem, type PdfTextMarkedContent } from "./pdfjs-api";

export interface TextRun {
  index: number;
  str: string;
  x0: number;
  x1: number;
  /** Baseline in PDF user space (grows upwards). */
  y: number;
  size: number;
  /** Baseline runs left to right; rotated margin stamps and vertical text are kept apart. */
  horizontal: boolean;
  hasEOL: boolean;
  /** Only whitespace: a hint that a space separates its neighbours, nothing to place. */
  blank: boolean;
}

export function toTextRuns(items: Array<PdfTextItem | PdfTextMarkedContent>): TextRun[] {
  const runs: TextRun[] = [];
  let index = 0;
  for (const item of items) {
    if (!isTextItem(item)) continue;
    const i = index++;
    if (item.str.length === 0) continue;
    const [a = 1, b = 0, c = 0, d = 1, e = 0, f = 0] = item.transform;
    const horizontal = a > 0 && d > 0 && Math.abs(b) <= 0.1 * a;
    const size = horizontal ? Math.abs(d) || item.height : Math.hypot(c, d) || Math.hypot(a, b) || item.height;
    const width = Number.isFinite(item.width) ? Math.abs(item.width) : 0;
    runs.push({
      index: i,
      str: item.str,
      x0: e,
      x1: e + width,
      y: f,
      size: size > 0 ? size : 1,
      horizontal,
      hasEOL: item.hasEOL === true,
      blank: item.str.trim().length === 0,
    });
  }
  return runs;
}
