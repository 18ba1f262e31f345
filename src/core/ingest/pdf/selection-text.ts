// The text a `#page=N&selection=a,b,c,d` link highlights: items a..c of the page's text content
// (marked content skipped, as the viewer's text layer does), from offset b in item a to offset d
// (exclusive) in item c. Used to check citations and to preview them.
import type { PdfSelection } from "../../types";
import { isTextItem, type PdfTextItem, type PdfTextMarkedContent } from "./pdfjs-api";

export function selectionText(items: Array<PdfTextItem | PdfTextMarkedContent>, selection: PdfSelection): string {
  const [beginIndex, beginOffset, endIndex, endOffset] = selection;
  const texts = items.filter(isTextItem);
  let out = "";
  for (let i = beginIndex; i <= endIndex && i < texts.length; i++) {
    const item = texts[i];
    const from = i === beginIndex ? beginOffset : 0;
    const to = i === endIndex ? endOffset : item.str.length;
    out += item.str.slice(from, to);
    if (i < endIndex) out += item.hasEOL ? "\n" : "";
  }
  return out;
}
