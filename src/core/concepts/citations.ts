// How concept notes point at places. Every link goes through the answer layer's LinkBuilder (links.ts),
// so concept notes follow the same link style as answers and search results (and, in the plugin, the
// user's link settings). What is concept-specific lives here: short aliases ("p. 7", "00:03:25") and
// the transcript's own timestamp style.
import { formatHms, safeAlias, videoUrlAt, type LinkBuilder } from "../answer/links";
import type { Chunk } from "../types";
import type { TimestampStyle } from "./types";

export { createLinkBuilder, type LinkBuilder } from "../answer/links";

/** A link to a whole file; with `alias`, shown as that text (a mention "as written"). */
export function fileLink(links: LinkBuilder, path: string, alias?: string): string {
  return links.render({ path, alias: alias === undefined ? undefined : safeAlias(alias) });
}

/** The citation written after a claim backed by this passage:
 *  PDF `[[paper.pdf#page=N…|p. N]]`; transcript the anchor, YouTube link or heading link the source
 *  itself uses; note `[[note#Heading|Title › Heading]]`. */
export function citation(links: LinkBuilder, chunk: Chunk, style: TimestampStyle): string {
  if (chunk.kind === "pdf" && chunk.page !== undefined) return links.withAlias(chunk, `p. ${chunk.page}`);
  if (chunk.kind === "transcript" && chunk.start !== undefined) {
    const clock = formatHms(chunk.start);
    if (style === "yt-anchor") return `<a class="yt-timestamp" data-t="${clock}">[${clock}]</a>`;
    if (style === "youtube-link" && chunk.video) return `[${clock}](${videoUrlAt(chunk.video, chunk.start).replace(/[()\s]/g, encodeURIComponent)})`;
    return links.withAlias(chunk, clock);
  }
  return links.forChunk(chunk).link;
}

export function youtubeId(url: string): string | undefined {
  const m = /(?:youtube\.com\/(?:watch\?(?:[^#]*&)?v=|embed\/|shorts\/|live\/)|youtu\.be\/)([A-Za-z0-9_-]{11})/.exec(url);
  return m?.[1];
}

/** Which timestamp link style a transcript uses, read from its own text. */
export function detectTimestampStyle(sourceText: string): TimestampStyle {
  if (/<a\b[^>]*class=["'][^"']*yt-timestamp/i.test(sourceText)) return "yt-anchor";
  if (/\]\((?:https?:\/\/)?(?:www\.|m\.)?(?:youtube\.com\/watch\?[^)]*\bt=\d+|youtu\.be\/[^)]*\bt=\d+)/i.test(sourceText)) {
    return "youtube-link";
  }
  return "heading-link";
}

/** The `videoId` a yt-timestamp note needs: from the source's frontmatter, else its chunks' URL. */
export function detectVideoId(sourceText: string, chunks: Chunk[]): string | undefined {
  const fm = /^---\r?\n([\s\S]*?)\r?\n---/.exec(sourceText)?.[1] ?? "";
  const m = /^videoId:\s*["']?([A-Za-z0-9_-]{11})["']?\s*$/m.exec(fm);
  if (m) return m[1];
  for (const c of chunks) {
    const id = c.video ? youtubeId(c.video) : undefined;
    if (id) return id;
  }
  return undefined;
}
