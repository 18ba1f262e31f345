// Where a click on a citation goes: the PDF at its page (with the passage highlighted through the
// selection range), the note at its heading, or the video at the second.
import type { AnswerCitation } from "./services";

export type CitationTarget =
  | { kind: "link"; linktext: string }
  | { kind: "url"; url: string };

/** `[[target|alias]]` or `[alias](target)` → target; null when the text is not a link. */
export function linkTargetOf(link: string): string | null {
  const wiki = /^!?\[\[([^\]|]+)(?:\|[^\]]*)?\]\]/.exec(link.trim());
  if (wiki) return wiki[1].trim();
  const md = /^\[[^\]]*\]\(<?([^)>]+)>?\)/.exec(link.trim());
  if (md) {
    try {
      return decodeURI(md[1].trim());
    } catch {
      return md[1].trim();
    }
  }
  return null;
}

/** Seconds into a video URL: YouTube and most players accept `t=S`. */
export function videoUrlAt(video: string, seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  try {
    const url = new URL(video);
    url.searchParams.set("t", `${s}`);
    return url.toString();
  } catch {
    return video;
  }
}

function headingSubpath(headings: string[] | undefined): string {
  if (!headings || headings.length === 0) return "";
  // Obsidian resolves `#Last heading` to the nearest match; `[`, `]`, `|`, `#` and `^` cannot appear.
  return "#" + headings[headings.length - 1].replace(/[[\]|#^]/g, " ").replace(/\s+/g, " ").trim();
}

export function citationTarget(c: AnswerCitation): CitationTarget {
  if (c.video && typeof c.start === "number") return { kind: "url", url: videoUrlAt(c.video, c.start) };
  if (typeof c.page === "number") {
    const sel = c.selection ? `&selection=${c.selection.join(",")}` : "";
    return { kind: "link", linktext: `${c.path}#page=${c.page}${sel}` };
  }
  const fromLink = linkTargetOf(c.link);
  if (fromLink) return { kind: "link", linktext: fromLink };
  return { kind: "link", linktext: c.path + headingSubpath(c.headings) };
}

/** A short label for the sources list: "Title, p. 3", "Title › Heading", "Title at 1:02:03". */
export function citationLabel(c: AnswerCitation): string {
  const title = c.title || c.path.slice(c.path.lastIndexOf("/") + 1);
  if (typeof c.page === "number") return `${title}, p. ${c.page}`;
  if (typeof c.start === "number") return `${title} at ${formatSeconds(c.start)}`;
  if (c.headings && c.headings.length > 0) return `${title} › ${c.headings[c.headings.length - 1]}`;
  return title;
}

export function formatSeconds(total: number): string {
  const t = Math.max(0, Math.floor(total));
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  const s = t % 60;
  const mm = h > 0 ? String(m).padStart(2, "0") : String(m);
  return `${h > 0 ? `${h}:` : ""}${mm}:${String(s).padStart(2, "0")}`;
}
