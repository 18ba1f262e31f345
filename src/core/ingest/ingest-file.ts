// One entry point for every indexable file: picks the reader by extension (and, for notes, by
// content: a note full of timestamps is a transcript) and turns bad input into an IngestError with
// a reason the per-file report can show, so one broken file never stops a run.

import { IngestError, type IngestedDocument } from "../types";
import { extname } from "../util/paths";
import { decodeText } from "./markdown/decode-text";
import { markdownDocument } from "./markdown/ingest-markdown";
import { parseNote } from "./markdown/note";
import { extractPdfDocument } from "./pdf/extract-pdf";
import type { PdfJsApi } from "./pdf/pdfjs-api";
import { transcriptStyle } from "./transcript/detect";
import { ingestCaptions } from "./transcript/ingest-captions";
import { transcriptNoteDocument } from "./transcript/ingest-transcript-note";

export interface IngestFileOptions {
  /** Loads pdf.js (pdfjs-dist in Node, Obsidian's `loadPdfJs()` in the app). Needed for PDFs only. */
  pdfjs?: () => Promise<PdfJsApi>;
  chunkTokens?: number;
  signal?: AbortSignal;
}

const INDEXABLE = new Set(["pdf", "md", "srt", "vtt"]);

/** True for the file types Scholia indexes: .pdf, .md, .srt, .vtt (case-insensitive). */
export function isIndexablePath(path: string): boolean {
  return INDEXABLE.has(extname(path));
}

/**
 * Reads one file into chunks. Throws IngestError (status "skipped" or "failed", with a short
 * reason) for input it cannot or should not index; rethrows an abort from `signal` unchanged.
 */
export async function ingestFile(path: string, data: Uint8Array, options: IngestFileOptions = {}): Promise<IngestedDocument> {
  options.signal?.throwIfAborted();
  const ext = extname(path);
  if (!INDEXABLE.has(ext)) throw new IngestError("unsupported file type", "skipped");
  if (data.byteLength === 0) throw new IngestError("empty file", "skipped");
  const chunkTokens = options.chunkTokens;

  if (ext === "pdf") {
    if (options.pdfjs === undefined) throw new IngestError("PDF reader (pdf.js) not available", "skipped");
    let pdfjs: PdfJsApi;
    try {
      pdfjs = await options.pdfjs();
    } catch (err) {
      throw new IngestError(`PDF reader (pdf.js) failed to load: ${err instanceof Error ? err.message : String(err)}`, "failed");
    }
    return extractPdfDocument(path, data, pdfjs, { chunkTokens, signal: options.signal });
  }

  const text = decodeText(data);
  options.signal?.throwIfAborted();
  if (ext === "srt" || ext === "vtt") return ingestCaptions(path, text, { chunkTokens });

  const note = parseNote(path, text);
  const style = transcriptStyle(note);
  options.signal?.throwIfAborted();
  return style === null ? markdownDocument(path, note, { chunkTokens }) : transcriptNoteDocument(path, note, style, { chunkTokens });
}
