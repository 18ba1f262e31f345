// `scholia concepts <vault> --from <path>` and `scholia concept <vault> "<topic>"`: concept notes.
import { backgroundFromChunks, generateConceptNotes, generateTopicNote } from "../../core/concepts";
import type { ConceptRunResult, ExistingNote } from "../../core/concepts";
import type { Engine } from "../../core/engine";
import { ingestFile, isIndexablePath } from "../../core/ingest/ingest-file";
import type { Chunk } from "../../core/types";
import { IngestError } from "../../core/types";
import { normalizeVaultPath } from "../../core/util/paths";
import type { CommandContext } from "../run-command";
import { MemoryIndexStorage } from "../memory-storage";
import { loadNodePdfJs } from "../pdfjs-node";
import { notice, writeJson, writeOut } from "../output";

const DEFAULT_OUT = "Concepts";

/** The vault's index, brought up to date first: concept notes link to notes and need the whole vault's
 *  evidence. A dry run indexes in memory so that it writes nothing at all. */
async function freshEngine(ctx: CommandContext): Promise<Engine> {
  const hasIndex = (await ctx.storage.read("manifest.json")) !== null;
  const engine = await ctx.openEngine(hasIndex ? "query" : "index", ctx.options.dryRun && !hasIndex ? new MemoryIndexStorage() : undefined);
  if (!hasIndex) await engine.indexVault();
  return engine;
}

function existingNotes(engine: Engine): ExistingNote[] {
  return engine.index
    .listFiles()
    .filter((f) => f.path.toLowerCase().endsWith(".md") && f.status === "indexed")
    .map((f) => ({ path: f.path, title: f.title, aliases: f.aliases }));
}

function allChunks(engine: Engine): Chunk[] {
  const out: Chunk[] = [];
  for (let i = 0; i < engine.index.chunkCount; i++) {
    try {
      out.push(engine.index.getChunk(i));
    } catch {
      // deleted slots are skipped
    }
  }
  return out;
}

function outFolder(ctx: CommandContext): string {
  const folder = normalizeVaultPath(ctx.options.out ?? DEFAULT_OUT);
  if (folder.split("/").some((part) => part === "..")) throw new Error(`The output folder ${ctx.options.out ?? ""} leaves the vault.`);
  return folder;
}

function report(ctx: CommandContext, result: ConceptRunResult): number {
  for (const w of result.plan.warnings) notice(w);
  if (ctx.options.json) {
    writeJson({
      notes: result.notes.map((n) => ({ path: n.path, title: n.title, action: n.action, ...(n.reason ? { reason: n.reason } : {}) })),
      mode: result.plan.mode,
      dryRun: result.dryRun,
    });
  } else {
    if (result.notes.length === 0) writeOut("No concepts found.");
    for (const n of result.notes) {
      writeOut(`${result.dryRun ? "would be " : ""}${n.action}: ${n.path}${n.reason ? ` (${n.reason})` : ""}`);
      if (result.dryRun && n.content) writeOut(n.content.replace(/^/gm, "    "));
    }
  }
  return 0;
}

export async function runConceptsCommand(ctx: CommandContext): Promise<number> {
  const from = normalizeVaultPath(ctx.options.from ?? "");
  if (!(await ctx.vault.exists(from))) throw new Error(`The source ${from} is not in the vault.`);
  if (!isIndexablePath(from)) throw new Error(`The source ${from} is not a PDF, note or transcript.`);
  let source;
  try {
    source = await ingestFile(from, await ctx.vault.readBinary(from), { pdfjs: loadNodePdfJs });
  } catch (e) {
    if (e instanceof IngestError) throw new Error(`Could not read ${from}: ${e.reason}.`);
    throw e;
  }
  const engine = await freshEngine(ctx);
  try {
    const out = outFolder(ctx);
    const result = await generateConceptNotes({
      source,
      llm: ctx.llm ?? undefined,
      vault: ctx.vault,
      existingNotes: existingNotes(engine),
      outFolder: out,
      dryRun: ctx.options.dryRun,
      linkBuilder: engine.links,
      background: backgroundFromChunks(allChunks(engine), { sourcePath: from, outFolder: out }),
    });
    return report(ctx, result);
  } finally {
    await engine.close();
  }
}

export async function runConceptCommand(ctx: CommandContext): Promise<number> {
  const engine = await freshEngine(ctx);
  try {
    const result = await generateTopicNote({
      topic: ctx.options.text ?? "",
      retrieve: (query, o) => engine.search(query, { k: o.k }),
      llm: ctx.llm ?? undefined,
      vault: ctx.vault,
      existingNotes: existingNotes(engine),
      outFolder: outFolder(ctx),
      dryRun: ctx.options.dryRun,
      linkBuilder: engine.links,
    });
    return report(ctx, result);
  } finally {
    await engine.close();
  }
}
