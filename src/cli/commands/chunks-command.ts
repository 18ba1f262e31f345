// `scholia chunks <vault>`: the chunks the indexer makes, without embedding (JSON Lines with --json).
import { ingestFile, isIndexablePath } from "../../core/ingest/ingest-file";
import type { Chunk } from "../../core/types";
import { IngestError } from "../../core/types";
import type { CommandContext } from "../run-command";
import { loadNodePdfJs } from "../pdfjs-node";
import { notice, oneLine, writeOut } from "../output";

/** The contract's fields, in its order; internal fields (embedText, line…) stay out. */
export function chunkJson(c: Chunk): Record<string, unknown> {
  const out: Record<string, unknown> = { id: c.id, path: c.path, kind: c.kind, text: c.text };
  if (c.page !== undefined) out.page = c.page;
  if (c.selection) out.selection = c.selection;
  if (c.headings?.length) out.headings = c.headings;
  if (c.start !== undefined) out.start = c.start;
  if (c.end !== undefined) out.end = c.end;
  if (c.video) out.video = c.video;
  if (c.blockId) out.blockId = c.blockId;
  if (c.title) out.title = c.title;
  return out;
}

export async function runChunksCommand(ctx: CommandContext): Promise<number> {
  const entries = (await ctx.vault.list()).filter((e) => isIndexablePath(e.path));
  let total = 0;
  for (const entry of entries) {
    let chunks: Chunk[];
    try {
      const data = await ctx.vault.readBinary(entry.path);
      chunks = (await ingestFile(entry.path, data, { pdfjs: loadNodePdfJs })).chunks;
    } catch (e) {
      const reason = e instanceof IngestError ? e.reason : oneLine(e);
      const status = e instanceof IngestError ? e.status : "failed";
      notice(`${status}: ${entry.path} — ${reason}`);
      continue;
    }
    total += chunks.length;
    if (ctx.options.json) {
      // One write per file keeps memory flat on large vaults and stdout ordered.
      process.stdout.write(chunks.map((c) => JSON.stringify(chunkJson(c))).join("\n") + (chunks.length ? "\n" : ""));
    } else {
      writeOut(`${entry.path}: ${chunks.length} chunks`);
      for (const c of chunks) {
        const where = c.page !== undefined ? `p. ${c.page}` : c.start !== undefined ? `${c.start}s–${c.end ?? ""}s` : (c.headings ?? []).join(" › ");
        writeOut(`  [${where}] ${c.text.replace(/\s+/g, " ").slice(0, 100)}`);
      }
    }
  }
  if (!ctx.options.json) writeOut(`${total} chunks from ${entries.length} files.`);
  return 0;
}
