// The one place that turns a chunk into links. Everything that prints a link (answers, search results,
// concept notes, the CLI) goes through a LinkBuilder, so the plugin can back it with Obsidian's
// `fileManager.generateMarkdownLink` and the user's link settings (wiki vs markdown, shortest path) hold:
//
//   const links = createLinkBuilder((t) => app.fileManager.generateMarkdownLink(
//     app.vault.getFileByPath(t.path)!, sourcePath, t.subpath, t.alias));
//
// Without a renderer it writes wiki-links with full vault paths, which resolve in any vault.
//   PDF         [[papers/a.pdf#page=7&selection=1,0,3,12|AlexNet, p. 7]]   (#page=N alone without a selection)
//   note        [[notes/x#Methods|X › Methods]]  or  [[notes/x#^block|X › Methods]]
//   transcript  [[talks/nn#Chapter 1|00:03:25]] and [00:03:25 ▶](https://www.youtube.com/watch?v=ID&t=205)
import type { Chunk } from "../types";
import { youtubeUrlAt } from "../ingest/transcript/timestamps";
import { basename, stem } from "../util/paths";

/** What to link to. `subpath` starts with "#" ("#page=7", "#Heading", "#^block"). */
export interface LinkTarget {
  path: string;
  subpath?: string;
  /** Display text, already made safe by `safeAlias`. */
  alias?: string;
}

/** Renders a target as a link in the user's style. */
export type LinkRenderer = (target: LinkTarget) => string;

export interface ChunkLinks {
  /** The canonical link with a descriptive alias ("Title, p. 7", "Title › Heading", "00:03:25"). */
  link: string;
  /** Human label of the place, without link syntax ("AlexNet, p. 7"). */
  label: string;
  target: LinkTarget;
  /** Transcript with a known video: a markdown link that opens the video at the chunk's second. */
  videoLink?: string;
  videoUrl?: string;
}

export interface LinkBuilder {
  /** Links for the place a chunk comes from. */
  forChunk(chunk: Chunk): ChunkLinks;
  /** The same target with another alias, e.g. an inline citation number. */
  withAlias(chunk: Chunk, alias: string): string;
  /** Any target, rendered in the builder's style. */
  render(target: LinkTarget): string;
}

export function createLinkBuilder(renderer: LinkRenderer = wikiLink): LinkBuilder {
  return {
    forChunk(chunk) {
      const target = chunkTarget(chunk);
      const label = target.alias ?? chunkTitle(chunk);
      const out: ChunkLinks = { link: renderer(target), label, target };
      if (chunk.kind === "transcript" && chunk.video && chunk.start !== undefined) {
        const url = videoUrlAt(chunk.video, chunk.start);
        out.videoUrl = url;
        out.videoLink = `[${formatHms(chunk.start)} ▶](${url.replace(/[()\s]/g, encodeURIComponent)})`;
      }
      return out;
    },
    withAlias(chunk, alias) {
      return renderer({ ...chunkTarget(chunk), alias: safeAlias(alias) });
    },
    render: renderer,
  };
}

/** Where a chunk points: path, subpath and descriptive alias. */
export function chunkTarget(chunk: Chunk): LinkTarget {
  const title = chunkTitle(chunk);
  if (chunk.kind === "pdf") {
    if (chunk.page === undefined) return { path: chunk.path, alias: safeAlias(title) };
    const sel = chunk.selection && chunk.selection.every((n) => Number.isInteger(n) && n >= 0) ? `&selection=${chunk.selection.join(",")}` : "";
    return { path: chunk.path, subpath: `#page=${chunk.page}${sel}`, alias: safeAlias(`${title}, p. ${chunk.page}`) };
  }
  const path = chunk.path;
  const heading = chunk.headings?.length ? chunk.headings[chunk.headings.length - 1] : undefined;
  const subpath = chunk.blockId ? `#^${safeBlockId(chunk.blockId)}` : heading && safeHeading(heading) ? `#${safeHeading(heading)}` : undefined;
  if (chunk.kind === "transcript" && chunk.start !== undefined) {
    return { path, subpath, alias: formatHms(chunk.start) };
  }
  const alias = heading ? `${title} › ${heading}` : title;
  return { path, subpath, alias: safeAlias(alias) };
}

export function chunkTitle(chunk: Chunk): string {
  const t = chunk.title?.trim();
  return t || stem(basename(chunk.path));
}

/** Wiki-link with the full vault path (notes without ".md", as Obsidian writes them). Paths Obsidian
 *  cannot put in a wiki-link (they contain `[ ] | # ^` or a control character) become a markdown link,
 *  which opens the same. */
export function wikiLink(target: LinkTarget): string {
  // A line break or other control character in a file name (Linux allows them) would end the wiki-link.
  // eslint-disable-next-line no-control-regex -- control characters are exactly what must be caught
  if (/[[\]|#^\u0000-\u001f\u007f]/.test(target.path)) return markdownLink(target);
  const path = target.path.replace(/\.md$/i, "");
  return `[[${path}${target.subpath ?? ""}${target.alias ? `|${target.alias}` : ""}]]`;
}

/** Markdown link with a percent-encoded path, for paths a wiki-link cannot hold. */
export function markdownLink(target: LinkTarget): string {
  // Backslashes too: a title ending in "\" would otherwise escape the closing bracket. Angle brackets,
  // because markdown renders inline HTML inside link text and a document's title could carry a tag.
  const text = (target.alias ?? stem(basename(target.path))).replace(/([\\[\]<>])/g, "\\$1");
  const encode = (s: string) => encodeURI(s).replace(/[#^[\]()|]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());
  const sub = target.subpath ? "#" + encodeURI(target.subpath.slice(1)).replace(/[()]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase()) : "";
  return `[${text}](${encode(target.path)}${sub})`;
}

/** Display text that cannot end or split a wiki-link: `|` would start a second alias and `]]` would
 *  close the link, so they become look-alikes; line breaks collapse. Angle brackets become look-alikes
 *  too: aliases come from document titles and headings, and a `<img onerror=…>` there must stay text. */
export function safeAlias(text: string): string {
  return text
    .replace(/\s+/g, " ")
    .replace(/\|/g, "–")
    .replace(/\[/g, "(")
    .replace(/\]/g, ")")
    .replace(/</g, "‹")
    .replace(/>/g, "›")
    .trim();
}

/** A heading as Obsidian links it: `# | ^ : % [ ] \` cannot appear in a link subpath (Obsidian itself
 *  replaces them with spaces when it links a heading, and resolves the link the same way). */
export function safeHeading(heading: string): string {
  return heading
    .replace(/[#|^:%[\]\\]/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

function safeBlockId(id: string): string {
  return id.replace(/^\^/, "").replace(/[^A-Za-z0-9-]/g, "");
}

/** Seconds → "hh:mm:ss" (always with hours, as citations show it). */
export function formatHms(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const two = (n: number) => String(n).padStart(2, "0");
  return `${two(Math.floor(s / 3600))}:${two(Math.floor((s % 3600) / 60))}:${two(s % 60)}`;
}

/** The video URL that starts playing at `seconds` (YouTube `&t=S`, Vimeo `#t=Ns`, else `#t=S`). */
export function videoUrlAt(video: string, seconds: number): string {
  return youtubeUrlAt(video, seconds);
}
