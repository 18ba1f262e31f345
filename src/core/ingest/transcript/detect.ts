// Which notes are transcripts. A note is read as one when it carries yt-timestamp anchors, when most
// of its paragraphs open with a timestamp, or when its frontmatter names a video and the text has
// timestamps. A web clipping with a `url:` and no timestamps stays a plain note.

import type { ParsedNote } from "../markdown/note";
import { anchorMarkers, prefixMarkers, startsWithMarker, stripMarkers } from "./markers";

export type TranscriptStyle = "anchors" | "prefixes";

export function transcriptStyle(note: ParsedNote): TranscriptStyle | null {
  let content = 0;
  let prefixed = 0;
  let anyPrefix = false;
  let carry = false;
  for (const block of note.blocks) {
    if (block.kind === "heading" || block.kind === "code") continue;
    const text = note.body.slice(block.start, block.end);
    if (anchorMarkers(text).length > 0) return "anchors";
    content++;
    const firstLine = text.slice(0, Math.min(text.length, 400)).split("\n", 1)[0];
    if (startsWithMarker(firstLine)) {
      prefixed++;
      // A timestamp alone on its line stamps the paragraph that follows it.
      carry = stripMarkers(text) === "";
    } else if (carry) {
      prefixed++;
      carry = false;
    }
    if (!anyPrefix && prefixMarkers(text).length > 0) anyPrefix = true;
  }
  if (content > 0 && prefixed * 2 > content) return "prefixes";
  const namesVideo = note.data.videoId !== undefined || note.data.url !== undefined;
  return namesVideo && anyPrefix ? "prefixes" : null;
}
