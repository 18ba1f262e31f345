// The part of pdf.js that ingestion uses. Both pdfjs-dist (Node, legacy build) and the copy Obsidian
// ships (`loadPdfJs()`) satisfy it, so the same extraction code runs in the CLI and in the app.
// Refined by the PDF ingestion module as needed; keep it structural (no import of pdfjs-dist here).

export interface PdfTextItem {
  str: string;
  /** [a, b, c, d, e, f]: e,f is the baseline origin in PDF user space. */
  transform: number[];
  width: number;
  height: number;
  hasEOL?: boolean;
  dir?: string;
  fontName?: string;
}

export interface PdfTextMarkedContent {
  type: string;
  id?: string;
}

export interface PdfPageProxy {
  getTextContent(params?: Record<string, unknown>): Promise<{ items: Array<PdfTextItem | PdfTextMarkedContent> }>;
  getViewport(params: { scale: number }): { width: number; height: number };
  cleanup(): boolean | void;
}

export interface PdfDocumentProxy {
  numPages: number;
  getPage(n: number): Promise<PdfPageProxy>;
  getMetadata(): Promise<{ info?: Record<string, unknown>; metadata?: { get(name: string): unknown } | null }>;
  destroy(): Promise<void>;
}

export interface PdfJsApi {
  getDocument(src: Record<string, unknown>): { promise: Promise<PdfDocumentProxy>; destroy?(): Promise<void> };
}
