// Answers quote documents, and Obsidian's markdown renderer passes inline HTML through. Escaping
// `<` outside code keeps a document's `<img src=x onerror=…>` visible as text instead of
// becoming an element, while markdown (emphasis, lists, wiki-links) still renders.

/** The markdown with raw HTML neutralized: `<` outside code spans and fences becomes `&lt;`. */
export function escapeHtmlInMarkdown(markdown: string): string {
  const out: string[] = [];
  const lines = markdown.split("\n");
  let fence: string | null = null;
  for (const line of lines) {
    const marker = /^\s{0,3}(`{3,}|~{3,})/.exec(line);
    if (fence) {
      out.push(line);
      if (marker && marker[1][0] === fence[0] && marker[1].length >= fence.length) fence = null;
      continue;
    }
    if (marker) {
      fence = marker[1];
      out.push(line);
      continue;
    }
    out.push(escapeOutsideCodeSpans(line));
  }
  return out.join("\n");
}

function escapeOutsideCodeSpans(line: string): string {
  let result = "";
  let i = 0;
  while (i < line.length) {
    if (line[i] === "`") {
      let run = 1;
      while (line[i + run] === "`") run++;
      const ticks = "`".repeat(run);
      const close = line.indexOf(ticks, i + run);
      if (close >= 0) {
        result += line.slice(i, close + run);
        i = close + run;
        continue;
      }
      result += ticks;
      i += run;
      continue;
    }
    // Only `<` can open an element; `&` stays, so `#page=3&selection=…` links keep working.
    result += line[i] === "<" ? "&lt;" : line[i];
    i++;
  }
  return result;
}
