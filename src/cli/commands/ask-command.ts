// `scholia ask <vault> "<question>"`: a cited answer (extractive without an LLM).
import type { CommandContext } from "../run-command";
import { notice, writeJson, writeOut } from "../output";
import { requireIndex } from "./require-index";

export async function runAskCommand(ctx: CommandContext): Promise<number> {
  await requireIndex(ctx);
  const engine = await ctx.openEngine("query");
  const abort = new AbortController();
  const onSigint = () => abort.abort();
  process.once("SIGINT", onSigint);
  try {
    const streaming = !ctx.options.json && ctx.llm !== null && process.stdout.isTTY === true;
    const result = await engine.ask(ctx.options.text ?? "", {
      llm: ctx.llm,
      k: ctx.options.k ?? 8,
      filter: ctx.filter,
      instructions: ctx.options.instructions,
      deep: ctx.options.deep,
      signal: abort.signal,
      // Raw tokens carry passage ids; on a terminal show them live, then the linked answer replaces them.
      onToken: streaming ? (t) => process.stderr.write(t) : undefined,
    });
    if (streaming) process.stderr.write("\n\n");
    if (result.notice) notice(result.notice);
    if (ctx.options.json) {
      writeJson({
        question: result.question,
        answer: result.answer,
        mode: result.mode,
        refused: result.refused,
        citations: result.citations.map((c) => ({
          n: c.n,
          path: c.path,
          ...(c.page !== undefined ? { page: c.page } : {}),
          ...(c.start !== undefined ? { start: c.start } : {}),
          link: c.link,
          quote: c.quote,
        })),
        dropped: result.dropped,
        confidence: Number(result.confidence.toFixed(4)),
      });
    } else {
      writeOut(result.answer);
    }
    return 0;
  } finally {
    process.removeListener("SIGINT", onSigint);
    await engine.close();
  }
}
