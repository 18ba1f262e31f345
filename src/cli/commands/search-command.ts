// `scholia search <vault> "<query>"`: ranked passages from an existing index.
import type { CommandContext } from "../run-command";
import { notice, writeJson, writeOut } from "../output";
import { requireIndex } from "./require-index";

export async function runSearchCommand(ctx: CommandContext): Promise<number> {
  await requireIndex(ctx);
  const engine = await ctx.openEngine("query");
  try {
    const query = ctx.options.text ?? "";
    const result = await engine.search(query, { k: ctx.options.k ?? 10, mode: ctx.options.mode ?? "hybrid", filter: ctx.filter });
    if (result.notice) notice(result.notice);
    const passages = result.passages.map((p) => {
      const c = p.chunk;
      return {
        rank: p.rank,
        score: Number(p.score.toFixed(6)),
        path: c.path,
        kind: c.kind,
        ...(c.page !== undefined ? { page: c.page } : {}),
        ...(c.start !== undefined ? { start: c.start } : {}),
        ...(c.end !== undefined ? { end: c.end } : {}),
        ...(c.headings?.length ? { headings: c.headings } : {}),
        text: c.text,
        link: engine.links.forChunk(c).link,
      };
    });
    if (ctx.options.json) {
      writeJson({ query, passages, confidence: Number(result.confidence.toFixed(4)) });
    } else {
      if (passages.length === 0) writeOut("No passages found.");
      for (const p of passages) {
        writeOut(`${p.rank}. ${p.link}  (score ${p.score.toFixed(3)})`);
        writeOut(`   ${p.text.replace(/\s+/g, " ").slice(0, 240)}`);
      }
    }
    return 0;
  } finally {
    await engine.close();
  }
}
