import type { CommandContext } from "../run-command";

/** search and ask read an existing index; say how to make one instead of answering from nothing. */
export async function requireIndex(ctx: CommandContext): Promise<void> {
  const manifest = await ctx.storage.read("manifest.json");
  if (!manifest) throw new Error(`No index found in ${ctx.indexDir}; run "scholia index ${ctx.options.vault}" first.`);
}
