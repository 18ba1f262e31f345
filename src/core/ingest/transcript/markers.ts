// The timestamp marks transcript notes carry: `[hh:mm:ss]` / `[mm:ss]` prefixes, `[mm:ss](url&t=S)`
// links (YouTube-transcript plugins), and `<a class="yt-timestamp" data-t="…">` anchors that follow
// a claim (generated concept notes). Finding them, reading their time, and hiding them from the
// embedder, which gains nothing from "00:04:21".

import { parseTimestamp, timeInUrl, videoUrl } from "./timestamps";

export interface Marker {
  /** Offset of the mark in the searched text, and the offset just after it. */
  index: number;
  end: number;
  seconds: number;
  /** The video the mark links to, without its position, when it is a link. */
  video?: string;
}

const STAMP = String.raw`(?:\d{1,2}:)?\d{1,3}:\d{2}(?:[.,]\d{1,3})?`;
/** `[00:12]`, `[00:12](https://…)`, optionally bold: `**[00:12]**`. Not the `[..]` inside an anchor. */
const PREFIX = new RegExp(String.raw`(?:\*\*|__)?\[(${STAMP})\](?:\((<?)([^()\s<>]+)>?\))?(?:\*\*|__)?`, "g");
/** A whole `<a …>…</a>` element; `[^<]*` keeps the scan linear on notes with unclosed tags. */
const ANCHOR = /<a\b([^>]*)>[^<]*<\/a>/gi;
const ANCHOR_WITH_SPACE = /[ \t]*<a\b([^>]*)>[^<]*<\/a>/gi;
const PREFIX_WITH_SPACE = new RegExp(PREFIX.source + "[ \\t]*", "g");
const DATA_T = /\bdata-t\s*=\s*["']([^"']+)["']/i;
const HREF = /\bhref\s*=\s*["']([^"']+)["']/i;

/** `[ts]` and `[ts](url)` marks in text (anchors excluded). Time from the link's `t=` when present. */
export function prefixMarkers(text: string): Marker[] {
  if (!text.includes("[")) return [];
  const out: Marker[] = [];
  for (const m of text.matchAll(PREFIX)) {
    // `<a …>[00:04:21]</a>` is an anchor's label, not a prefix.
    if (m.index > 0 && text[m.index - 1] === ">") continue;
    const label = parseTimestamp(m[1]);
    const link = m[3];
    const linked = link !== undefined ? timeInUrl(link) : null;
    const seconds = linked ?? label;
    if (seconds === null) continue;
    const marker: Marker = { index: m.index, end: m.index + m[0].length, seconds };
    const video = link !== undefined ? videoUrl(link) : null;
    if (video !== null) marker.video = video;
    out.push(marker);
  }
  return out;
}

/** `<a class="yt-timestamp" data-t="hh:mm:ss">[hh:mm:ss]</a>` anchors. */
export function anchorMarkers(text: string): Marker[] {
  if (!text.includes("yt-timestamp")) return [];
  const out: Marker[] = [];
  for (const m of text.matchAll(ANCHOR)) {
    const attrs = m[1];
    if (!/\byt-timestamp\b/.test(attrs)) continue;
    const href = HREF.exec(attrs)?.[1];
    const dataT = DATA_T.exec(attrs)?.[1];
    const seconds = (dataT !== undefined ? parseTimestamp(dataT) : null) ?? (href !== undefined ? timeInUrl(href) : null);
    if (seconds === null) continue;
    const marker: Marker = { index: m.index, end: m.index + m[0].length, seconds };
    const video = href !== undefined ? videoUrl(href) : null;
    if (video !== null) marker.video = video;
    out.push(marker);
  }
  return out;
}

/** Text with every timestamp mark removed, for embedding and token estimates. */
export function stripMarkers(text: string): string {
  let s = text;
  if (s.includes("yt-timestamp")) s = s.replace(ANCHOR_WITH_SPACE, (whole, attrs: string) => (/\byt-timestamp\b/.test(attrs) ? "" : whole));
  if (s.includes("[")) s = s.replace(PREFIX_WITH_SPACE, (whole, _ts, _lt, _link, offset: number, all: string) => (offset > 0 && all[offset - 1] === ">" ? whole : ""));
  return s.replace(/[ \t]*<br\s*\/?>/gi, "").replace(/[ \t]{2,}/g, " ").trim();
}

/** Does this line start (after list/quote markers) with a timestamp prefix? */
export function startsWithMarker(line: string): boolean {
  const m = /^[ \t]*(?:>[ \t]*)*(?:[-*+][ \t]+|\d{1,9}[.)][ \t]+)?/.exec(line);
  const rest = line.slice(m ? m[0].length : 0);
  if (!rest.startsWith("[") && !rest.startsWith("**[") && !rest.startsWith("__[")) return false;
  const markers = prefixMarkers(rest.slice(0, 400));
  return markers.length > 0 && markers[0].index === 0;
}
