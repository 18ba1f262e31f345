// `scholia index <vault>`: builds or updates the index incrementally and reports every file.
import type { CommandContext } from "../run-command";
import { notice, progressReporter, writeJson, writeOut } from "../output";

export async function runIndexCommand(ctx: CommandContext): Promise<number> {
  const engine = await ctx.openEngine("index");
  const abort = new AbortController();
  const onSigint = () => abort.abort();
  process.once("SIGINT", onSigint);
  const progress = progressReporter();
  try {
    const result = await engine.indexVault({
      signal: abort.signal,
      onProgress: (p) => {
        const eta = p.etaSeconds !== null && p.etaSeconds > 0 ? `, about ${Math.ceil(p.etaSeconds)} s left` : "";
        progress.update(`Indexing: ${p.filesDone} / ${p.filesTotal} files, ${p.chunksDone} chunks${eta}`);
      },
    });
    progress.done();
    if (result.cancelled) notice("Indexing was cancelled; the work done so far is saved.");
    const files = result.files.map((f) => ({ path: f.path, status: f.status, chunks: f.chunks, ...(f.reason ? { reason: f.reason } : {}) }));
    if (ctx.options.json) {
      writeJson({ files, totals: result.totals, model: result.model });
    } else {
      const t = result.totals;
      writeOut(
        `Indexed ${t.indexed}, unchanged ${t.unchanged}, skipped ${t.skipped}, failed ${t.failed} — ${t.chunks} chunks` +
          ` (${result.model ? `model ${result.model}` : "keyword only"}). Index: ${ctx.indexDir}`,
      );
      for (const f of files) if (f.status === "failed" || f.status === "skipped") writeOut(`  ${f.status}: ${f.path} — ${f.reason ?? "no reason given"}`);
    }
    return result.cancelled ? 1 : 0;
  } finally {
    process.removeListener("SIGINT", onSigint);
    await engine.close();
  }
}
