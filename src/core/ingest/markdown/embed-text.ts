// The embedder sees where a passage sits (note title, heading path) and not the markup that only
// matters to Obsidian, so "Training" under "ResNet > Methods" is findable by either word.

const WIKILINK_ALIAS = /!?\[\[([^\]|\n]*)\|([^\]\n]*)\]\]/g;
const WIKILINK = /!?\[\[([^\]\n]*)\]\]/g;
const BLOCK_ID = /[ \t]\^[A-Za-z0-9-]+[ \t]*$/gm;

/** Markdown markup that carries no meaning for retrieval, removed for the embedder only. */
export function cleanForEmbedding(text: string): string {
  return text
    .replace(WIKILINK_ALIAS, (_m, _target: string, alias: string) => alias.trim())
    .replace(WIKILINK, (_m, target: string) => target.replace(/#\^?/g, " ").trim())
    .replace(BLOCK_ID, "")
    .replace(/^\^[A-Za-z0-9-]+[ \t]*$/gm, "");
}

export function buildEmbedText(title: string, headings: string[], text: string): string {
  const path = headings.length > 0 && headings[0] === title ? headings.slice(1) : headings;
  const heading = path.map((h) => cleanForEmbedding(h)).join(" > ");
  return heading === "" ? `${title}\n\n${text}` : `${title}\n${heading}\n\n${text}`;
}
