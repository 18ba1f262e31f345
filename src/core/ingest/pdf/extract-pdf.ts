// PDF → chunks that know their page and their text-layer selection. Pages are read one at a time
// and released (page.cleanup) as soon as their lines are laid out; the document is always destroyed.
// Running headers and footers are found across pages, so chunking waits for the last page.
import { IngestError, type Chunk, type IngestedDocument } from "../../types";
import { DEFAULT_CHUNK_TOKENS } from "../../util/tokens";
import { layoutPage, type PageLine } from "./page-lines";
import { buildParagraphs, HyphenVocabulary, type LineBreakHint } from "./paragraphs";
import { chunkPage } from "./page-chunks";
import { corrupt, NO_TEXT, openFailure, shortDetail } from "./pdf-errors";
import type { PdfDocumentProxy, PdfJsApi } from "./pdfjs-api";
import { pickTitle } from "./pdf-title";
import { findRunningLines } from "./running-lines";
import { toTextRuns } from "./text-runs";

export interface ExtractPdfOptions {
  chunkTokens?: number;
  signal?: AbortSignal;
}

export async function extractPdfDocument(
  path: string,
  data: Uint8Array,
  pdfjs: PdfJsApi,
  options: ExtractPdfOptions = {},
): Promise<IngestedDocument> {
  const budget = Math.max(16, options.chunkTokens ?? DEFAULT_CHUNK_TOKENS);
  options.signal?.throwIfAborted();
  if (data.byteLength === 0) throw corrupt("empty file");

  // pdf.js transfers (detaches) the buffer it is given; the caller keeps its bytes.
  const task = pdfjs.getDocument({ data: data.slice(), isEvalSupported: false, disableFontFace: true });
  let doc: PdfDocumentProxy;
  try {
    doc = await task.promise;
  } catch (e) {
    await task.destroy?.().catch(() => undefined);
    throw openFailure(e, data);
  }

  const warnings: string[] = [];
  let pages: PageLine[][];
  let info: unknown;
  try {
    info = await doc.getMetadata().then((m) => m.info, () => undefined);
    pages = await readPages(doc, warnings, options.signal);
  } finally {
    await doc.destroy().catch(() => undefined);
  }

  const pageCount = pages.length;
  if (pages.every((lines) => lines.length === 0)) {
    if (warnings.length === pageCount && pageCount > 0) throw corrupt(warnings[0]);
    throw new IngestError(NO_TEXT, "skipped");
  }

  const title = pickTitle(info, pages[0], path);
  const chunks = chunkDocument(path, title, pages, budget);
  const empty = pages.filter((lines) => lines.length === 0).length;
  if (empty > 0 && empty > warnings.length) warnings.push(`${empty} of ${pageCount} pages had no text`);
  return { path, kind: "pdf", title, chunks, pageCount, ...(warnings.length > 0 ? { warnings } : {}) };
}

async function readPages(doc: PdfDocumentProxy, warnings: string[], signal?: AbortSignal): Promise<PageLine[][]> {
  const pages: PageLine[][] = [];
  for (let n = 1; n <= doc.numPages; n++) {
    signal?.throwIfAborted();
    try {
      const page = await doc.getPage(n);
      try {
        // The viewer's text layer asks for exactly this; selection offsets must count the same text.
        const content = await page.getTextContent({ includeMarkedContent: true, disableNormalization: true });
        pages.push(layoutPage(toTextRuns(content.items)));
      } finally {
        page.cleanup();
      }
    } catch (e) {
      if ((e as { name?: unknown } | null)?.name === "AbortError") throw e;
      warnings.push(`page ${n}: ${shortDetail(e)}`);
      pages.push([]);
    }
  }
  return pages;
}

function chunkDocument(path: string, title: string, pages: PageLine[][], budget: number): Chunk[] {
  const dropped = findRunningLines(pages);
  const vocab = new HyphenVocabulary();
  for (const lines of pages) for (const line of lines) vocab.add(line.text);

  const chunks: Chunk[] = [];
  pages.forEach((lines, p) => {
    const hints: LineBreakHint[] = [];
    let breakNext = false;
    lines.forEach((line, i) => {
      if (dropped[p].has(i)) {
        breakNext = true;
        return;
      }
      hints.push({ line, breakBefore: breakNext });
      breakNext = false;
    });
    for (const c of chunkPage(buildParagraphs(hints, vocab), budget)) {
      chunks.push({
        id: `${path}#${chunks.length}`,
        path,
        kind: "pdf",
        text: c.text,
        embedText: `${title}\n${c.text}`,
        title,
        page: p + 1,
        selection: c.selection,
      });
    }
  });
  return chunks;
}
