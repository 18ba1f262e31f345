// A small stand-in for Obsidian's markdown renderer, for tests only (the mocks render nothing). Like
// Obsidian it turns wiki-links into `a.internal-link[data-href]` and — on purpose — lets raw inline
// HTML through, so a test shows that the plugin's own escaping is what keeps document text inert.

function inline(text: string): string {
  return text
    .replace(/\[\[([^\]|]+)(?:\|([^\]]+))?\]\]/g, (_m, target: string, alias?: string) => {
      const t = target.trim();
      return `<a class="internal-link" data-href="${t.replace(/"/g, "&quot;")}" href="${t.replace(/"/g, "&quot;")}">${alias ?? t}</a>`;
    })
    .replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (_m, label: string, url: string) => `<a class="external-link" href="${url}">${label}</a>`)
    .replace(/\*\*([^*]+)\*\*/g, "<strong>$1</strong>")
    .replace(/`([^`]+)`/g, (_m, code: string) => `<code>${code.replace(/</g, "&lt;")}</code>`);
}

export function miniMarkdownToHtml(markdown: string): string {
  const blocks = markdown.replace(/\r\n/g, "\n").split(/\n{2,}/);
  const out: string[] = [];
  for (const block of blocks) {
    const lines = block.split("\n").filter((l) => l.trim() !== "");
    if (lines.length === 0) continue;
    const heading = /^(#{1,6})\s+(.*)$/.exec(lines[0]);
    if (heading && lines.length === 1) {
      out.push(`<h${heading[1].length}>${inline(heading[2])}</h${heading[1].length}>`);
    } else if (lines.every((l) => /^\s*(?:[-*]|\d+\.)\s+/.test(l))) {
      const ordered = /^\s*\d+\./.test(lines[0]);
      const items = lines.map((l) => `<li>${inline(l.replace(/^\s*(?:[-*]|\d+\.)\s+/, ""))}</li>`).join("");
      out.push(ordered ? `<ol>${items}</ol>` : `<ul>${items}</ul>`);
    } else if (lines.every((l) => l.startsWith(">"))) {
      out.push(`<blockquote>${inline(lines.map((l) => l.replace(/^>\s?/, "")).join("<br>"))}</blockquote>`);
    } else {
      out.push(`<p>${inline(lines.join("<br>"))}</p>`);
    }
  }
  return out.join("\n");
}

/** Renders into `el` the way MarkdownRenderer.render would (minus sanitizing). */
export function renderMiniMarkdown(markdown: string, el: HTMLElement): void {
  // Deliberately unsanitized: it stands in for a renderer that lets inline HTML through.
  const parsed = new DOMParser().parseFromString(`<body>${miniMarkdownToHtml(markdown)}</body>`, "text/html");
  for (const node of [...parsed.body.childNodes]) el.appendChild(el.ownerDocument.importNode(node, true));
}
