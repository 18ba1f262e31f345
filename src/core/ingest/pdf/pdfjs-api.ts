// The part of pdf.js that ingestion uses. Both pdfjs-dist (Node, legacy build) and the copy Obsidian
// ships (`loadPdfJs()`) satisfy it, so the same extraction code runs in the CLI and in the app.
// Structural on purpose: nothing here imports pdfjs-dist.

export interface PdfTextItem {
  str: string;
  /** [a, b, c, d, e, f]: e,f is the baseline origin in PDF user space. */
  transform: number[];
  /** Advance of the whole item in user space (horizontal text). */
  width: number;
  height: number;
  /** pdf.js saw a line break after this item. Empty-string items often carry only this flag. */
  hasEOL?: boolean;
  dir?: string;
  fontName?: string;
}

/** begin/endMarkedContent entries, present only with `includeMarkedContent`. They are not text: the
 *  viewer's text layer creates no text div for them, so selection indexes skip them. */
export interface PdfTextMarkedContent {
  type: string;
  id?: string | null;
  tag?: string | null;
}

export interface PdfTextContentParams {
  includeMarkedContent?: boolean;
  /** The viewer's text layer passes true; offsets in `#selection=` links count unnormalized text. */
  disableNormalization?: boolean;
}

export interface PdfPageProxy {
  getTextContent(params?: PdfTextContentParams): Promise<{ items: Array<PdfTextItem | PdfTextMarkedContent> }>;
  getViewport(params: { scale: number }): { width: number; height: number };
  cleanup(): boolean | void;
}

export interface PdfDocumentProxy {
  numPages: number;
  getPage(n: number): Promise<PdfPageProxy>;
  getMetadata(): Promise<{ info?: unknown; metadata?: { get(name: string): unknown } | null }>;
  destroy(): Promise<void>;
}

export interface PdfJsApi {
  getDocument(src: Record<string, unknown>): { promise: Promise<PdfDocumentProxy>; destroy?(): Promise<void> };
}

export function isTextItem(item: PdfTextItem | PdfTextMarkedContent): item is PdfTextItem {
  return typeof (item as PdfTextItem).str === "string";
}
