// `scholia concepts <vault> --from <path>` and `scholia concept <vault> "<topic>"`: concept notes.
import * as nodePath from "node:path";
import { backgroundFromChunks, generateConceptNotes, generateTopicNote } from "../../core/concepts";
import type { ConceptRunResult, ExistingNote } from "../../core/concepts";
import type { Engine } from "../../core/engine";
import { ingestFile, isIndexablePath } from "../../core/ingest/ingest-file";
import type { IndexStorage } from "../../core/vault";
import { IngestError } from "../../core/types";
import { normalizeVaultPath } from "../../core/util/paths";
import type { CommandContext } from "../run-command";
import { MemoryIndexStorage } from "../memory-storage";
import { loadNodePdfJs } from "../pdfjs-node";
import { notice, oneLine, writeJson, writeOut } from "../output";

const DEFAULT_OUT = "Concepts";

/** The vault's index, brought up to date first: concept notes link to notes and need the whole vault's
 *  evidence, so a file deleted or edited since the last `scholia index` must not be linked or cited.
 *  A dry run updates an in-memory copy of the index so that it writes nothing at all. */
async function freshEngine(ctx: CommandContext): Promise<{ engine: Engine; updatable: boolean }> {
  const hasIndex = (await ctx.storage.read("manifest.json")) !== null;
  const store = ctx.options.dryRun ? await memoryCopy(ctx.storage) : ctx.storage;
  let engine: Engine;
  try {
    engine = await ctx.openEngine(hasIndex ? "update" : "index", store);
  } catch (e) {
    // The model that built the index cannot load: the index as it is still gives keyword evidence.
    if (!hasIndex) throw e;
    notice(`The index could not be brought up to date (${oneLine(e)}); using it as it is.`);
    return { engine: await ctx.openEngine("query", store), updatable: false };
  }
  await engine.indexVault();
  return { engine, updatable: true };
}

async function memoryCopy(storage: IndexStorage): Promise<MemoryIndexStorage> {
  const copy = new MemoryIndexStorage();
  for (const name of await storage.list()) {
    const data = await storage.read(name);
    if (data) await copy.writeAtomic(name, data);
  }
  return copy;
}

/** Indexes the notes just written, so the index is current and a second identical run touches nothing. */
async function indexWritten({ engine, updatable }: { engine: Engine; updatable: boolean }, result: ConceptRunResult): Promise<void> {
  if (!updatable || result.dryRun || !result.notes.some((n) => n.action !== "skipped")) return;
  await engine.indexVault();
}

function existingNotes(engine: Engine): ExistingNote[] {
  return engine.index
    .listFiles()
    .filter((f) => f.path.toLowerCase().endsWith(".md") && f.status === "indexed")
    .map((f) => ({ path: f.path, title: f.title, aliases: f.aliases }));
}

function outFolder(ctx: CommandContext): string {
  let out = ctx.options.out ?? DEFAULT_OUT;
  if (nodePath.isAbsolute(out)) {
    // An absolute folder is accepted only inside the vault, and then written as a vault path.
    const rel = nodePath.relative(ctx.vault.root, nodePath.resolve(out));
    if (rel.startsWith("..") || nodePath.isAbsolute(rel)) throw new Error(`The output folder ${out} is outside the vault.`);
    out = rel.split(nodePath.sep).join("/");
  }
  const folder = normalizeVaultPath(out);
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
  const out = outFolder(ctx);
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
  const fresh = await freshEngine(ctx);
  const engine = fresh.engine;
  try {
    const result = await generateConceptNotes({
      source,
      llm: ctx.llm ?? undefined,
      vault: ctx.vault,
      existingNotes: existingNotes(engine),
      outFolder: out,
      dryRun: ctx.options.dryRun,
      linkBuilder: engine.links,
      background: backgroundFromChunks(engine.index.allChunks(), { sourcePath: from, outFolder: out }),
    });
    await indexWritten(fresh, result);
    return report(ctx, result);
  } finally {
    await engine.close();
  }
}

export async function runConceptCommand(ctx: CommandContext): Promise<number> {
  const out = outFolder(ctx);
  const fresh = await freshEngine(ctx);
  const engine = fresh.engine;
  try {
    const result = await generateTopicNote({
      topic: ctx.options.text ?? "",
      retrieve: (query, o) => engine.search(query, { k: o.k, filter: o.filter }),
      llm: ctx.llm ?? undefined,
      vault: ctx.vault,
      existingNotes: existingNotes(engine),
      outFolder: out,
      dryRun: ctx.options.dryRun,
      linkBuilder: engine.links,
    });
    await indexWritten(fresh, result);
    return report(ctx, result);
  } finally {
    await engine.close();
  }
}
