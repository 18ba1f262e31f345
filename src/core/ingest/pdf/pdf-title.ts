// A PDF's title: its metadata title when that is a real title, else the largest-font lines at the
// top of the first page, else the file name.
import { stem } from "../../util/paths";
import type { PageLine } from "./page-lines";

const PLACEHOLDER = /^(microsoft (word|powerpoint|excel)\b|untitled\b|document\d*$|title$|slide \d|presentation\d*$|no title|unknown$|\$\{)/i;
const FILE_NAME = /\.(docx?|pdf|tex|dvi|ps|eps|indd|rtf|odt|pages|pptx?|xlsx?|qxd|fm)$/i;

export function metadataTitle(info: unknown, fileStem: string): string | null {
  if (!info || typeof info !== "object") return null;
  const raw = (info as Record<string, unknown>).Title;
  if (typeof raw !== "string") return null;
  const title = raw.replace(/\s+/g, " ").trim();
  if (title.length < 4 || (title.match(/\p{L}/gu)?.length ?? 0) < 3) return null;
  if (PLACEHOLDER.test(title) || FILE_NAME.test(title)) return null;
  // Paths and LaTeX/generator leftovers, not titles.
  if (/[\\/]/.test(title) && !title.includes(" ")) return null;
  if (title.toLowerCase() === fileStem.toLowerCase()) return null;
  return title;
}

/** The first run of lines set in the page's largest type, if that type stands out from the body. */
export function firstPageTitle(lines: PageLine[]): string | null {
  const candidates = lines.filter((l) => !l.rotated && (l.text.match(/\p{L}/gu)?.length ?? 0) >= 3);
  if (candidates.length === 0) return null;
  const sizes = candidates.map((l) => l.size).sort((a, b) => a - b);
  const bodySize = sizes[Math.floor(sizes.length / 2)];
  const maxSize = sizes[sizes.length - 1];
  if (maxSize < bodySize * 1.15) return null;
  const start = candidates.findIndex((l) => l.size >= maxSize * 0.9);
  const parts: string[] = [];
  for (let i = start; i < candidates.length && candidates[i].size >= maxSize * 0.9; i++) {
    const line = candidates[i];
    if (i > start && candidates[i - 1].y - line.y > 2.5 * line.size) break;
    parts.push(line.text);
  }
  const title = parts.join(" ").replace(/(\p{L})- (\p{Ll})/gu, "$1$2").replace(/\s+/g, " ").trim();
  return title.length >= 3 ? title.slice(0, 300) : null;
}

export function pickTitle(info: unknown, firstPage: PageLine[] | undefined, path: string): string {
  const fileStem = stem(path);
  return metadataTitle(info, fileStem) ?? (firstPage ? firstPageTitle(firstPage) : null) ?? fileStem;
}
