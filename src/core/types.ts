// Shared shapes of the core. Every module in src/core speaks in these; nothing here knows Obsidian.

export type SourceKind = "pdf" | "markdown" | "transcript";

/** pdf.js text-content selection on one page: [beginIndex, beginOffset, endIndex, endOffset]
 *  (item indexes into getTextContent().items, offsets into those items' `str`), as PDF++ and
 *  Obsidian's `#page=N&selection=a,b,c,d` links use it. endOffset is exclusive. */
export type PdfSelection = [number, number, number, number];

/** One retrievable passage. It always knows where it came from. */
export interface Chunk {
  /** Stable within one extraction: `${path}#${ordinal}`. */
  id: string;
  /** Vault-relative path with forward slashes. */
  path: string;
  kind: SourceKind;
  /** The passage as written (markdown) or extracted (PDF, captions). Shown and quoted. */
  text: string;
  /** What the embedder sees: text prefixed with title and heading path. Defaults to `text`. */
  embedText?: string;
  /** Title of the source document (frontmatter title, PDF metadata, first heading, or file name). */
  title?: string;
  /** PDF: 1-based physical page. A chunk never crosses pages. */
  page?: number;
  /** PDF: selection range of the chunk's text on its page. */
  selection?: PdfSelection;
  /** Markdown/transcript: heading path from the top, e.g. ["Methods", "Training"]. */
  headings?: string[];
  /** Markdown: a `^block-id` that the chunk's paragraph carries. */
  blockId?: string;
  /** Markdown/transcript: 0-based line where the chunk starts in the file. */
  line?: number;
  /** Transcript: seconds from the start of the video. */
  start?: number;
  end?: number;
  /** Transcript: URL of the video when known. */
  video?: string;
}

export interface IngestedDocument {
  path: string;
  kind: SourceKind;
  title: string;
  chunks: Chunk[];
  /** PDF: number of pages. */
  pageCount?: number;
  aliases?: string[];
  tags?: string[];
  /** Non-fatal remarks (e.g. "3 pages had no text"). */
  warnings?: string[];
}

export type FileStatus = "indexed" | "unchanged" | "skipped" | "failed";

export interface FileReport {
  path: string;
  status: FileStatus;
  chunks: number;
  reason?: string;
}

/** A thrown error that carries a short, specific reason meant for the per-file report. */
export class IngestError extends Error {
  constructor(
    readonly reason: string,
    readonly status: "skipped" | "failed" = "failed",
  ) {
    super(reason);
    this.name = "IngestError";
  }
}

/** Restricts retrieval to part of the vault. All given criteria must hold. */
export interface SearchFilter {
  /** Vault-relative folder prefixes; a chunk matches if its path is inside any. */
  folders?: string[];
  /** Exact vault-relative paths. */
  paths?: string[];
  /** Tags without '#'; a chunk matches if its file carries any. */
  tags?: string[];
  /** Vault-relative folders whose files never match (e.g. generated concept notes when gathering
   *  evidence for new ones, so a note is never its own source). */
  excludeFolders?: string[];
}

export type SearchMode = "hybrid" | "keyword" | "vector";

export interface Passage {
  chunk: Chunk;
  /** Fused score used for ranking (higher is better). */
  score: number;
  rank: number;
  keywordScore?: number;
  vectorScore?: number;
}

export interface SearchResult {
  query: string;
  passages: Passage[];
  /** 0..1: how likely the vault contains an answer. The answer layer refuses below its threshold. */
  confidence: number;
  /** Set when retrieval had to degrade (e.g. the model could not load: keyword only). */
  notice?: string;
}
