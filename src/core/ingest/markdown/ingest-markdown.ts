// A plain note becomes chunks by section and paragraph within the token budget. Stored text is the
// note exactly as written; the embedder additionally sees the title and heading path.

import type { Chunk, IngestedDocument } from "../../types";
import { DEFAULT_CHUNK_TOKENS } from "../../util/tokens";
import { buildEmbedText, cleanForEmbedding } from "./embed-text";
import { blocksToUnits, parseNote, type ParsedNote } from "./note";
import { packUnits, type Unit } from "./pack-units";

export interface MarkdownOptions {
  chunkTokens?: number;
}

export function ingestMarkdown(path: string, text: string, options: MarkdownOptions = {}): IngestedDocument {
  return markdownDocument(path, parseNote(path, text), options);
}

export function markdownDocument(path: string, note: ParsedNote, options: MarkdownOptions = {}): IngestedDocument {
  const groups = packUnits(blocksToUnits(note), { budget: options.chunkTokens ?? DEFAULT_CHUNK_TOKENS });
  const chunks = groups.map((group, i) => groupToChunk(path, note, group, i, "markdown"));
  return documentOf(path, "markdown", note, chunks);
}

export function groupToChunk(path: string, note: ParsedNote, group: Unit[], ordinal: number, kind: Chunk["kind"], clean = cleanForEmbedding): Chunk {
  const first = group[0];
  const last = group[group.length - 1];
  const text = first.src.slice(first.start, last.end);
  const body = first.embedPrefix !== undefined ? `${first.embedPrefix}\n${text}` : text;
  const chunk: Chunk = {
    id: `${path}#${ordinal}`,
    path,
    kind,
    text,
    embedText: buildEmbedText(note.title, first.headings, clean(body)),
    title: note.title,
    headings: first.headings,
    line: note.bodyLine + first.line,
  };
  const blockId = group.find((u) => u.blockId !== undefined)?.blockId;
  if (blockId !== undefined) chunk.blockId = blockId;
  return chunk;
}

export function documentOf(path: string, kind: IngestedDocument["kind"], note: ParsedNote, chunks: Chunk[]): IngestedDocument {
  const doc: IngestedDocument = { path, kind, title: note.title, chunks };
  if (note.aliases.length > 0) doc.aliases = note.aliases;
  if (note.tags.length > 0) doc.tags = note.tags;
  if (note.warnings.length > 0) doc.warnings = [...note.warnings];
  return doc;
}
