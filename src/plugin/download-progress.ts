// A model arrives as several files (config, tokenizer, weights) whose progress events come one file at
// a time. Shown as they come, the bar would run to 100 % on the tiny config and fall back to 3 % when
// the weights start. Only files of a megabyte or more count (the weights dominate any download), and
// their bytes are summed, so the bar can only step back when another large file starts.
import type { DownloadProgress } from "../core/embed/transformers-embedder";

const COUNTED_BYTES = 1024 * 1024;

/** Returns a function that turns per-file progress events into one overall fraction 0..1. */
export function downloadFraction(): (p: DownloadProgress) => number {
  const files = new Map<string, { loaded: number; total: number }>();
  return (p) => {
    if (p.total >= COUNTED_BYTES) files.set(p.file, { loaded: Math.min(p.loaded, p.total), total: p.total });
    let loaded = 0;
    let total = 0;
    for (const f of files.values()) {
      loaded += f.loaded;
      total += f.total;
    }
    return total > 0 ? Math.min(1, loaded / total) : 0;
  };
}
