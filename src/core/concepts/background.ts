// The rest of the vault as document frequencies, for offline concept extraction. Notes in the output
// folder are left out: they quote the source, and counting them would make a second run pick
// different concepts than the first.
import type { Chunk } from "../types";
import { isInFolder } from "../util/paths";
import { buildBackgroundStats } from "./keyphrases";
import type { BackgroundStats } from "./types";

export { buildBackgroundStats };

/** Groups the index's chunks by file and counts phrases per file, leaving out the source itself and
 *  everything inside `outFolder`. */
export function backgroundFromChunks(chunks: Iterable<Chunk>, exclude: { sourcePath?: string; outFolder?: string }): BackgroundStats {
  const byPath = new Map<string, string[]>();
  for (const c of chunks) {
    if (c.path === exclude.sourcePath) continue;
    if (exclude.outFolder !== undefined && exclude.outFolder !== "" && isInFolder(c.path, exclude.outFolder)) continue;
    const texts = byPath.get(c.path) ?? [];
    texts.push(c.text);
    byPath.set(c.path, texts);
  }
  return buildBackgroundStats([...byPath.values()].map((t) => t.join("\n")));
}
