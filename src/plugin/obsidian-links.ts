// Links in the user's own format. Obsidian's generateMarkdownLink honours the vault's link settings
// (wiki or markdown, shortest or relative path) — and a relative link is only right for the note it is
// written into, so answers remember their links' targets and are written again for each note.
import { TFile, type App } from "obsidian";
import { createLinkBuilder, type LinkBuilder, type LinkTarget } from "../core/answer/links";
import type { RenderedLink } from "./services";

/** Renders a target for a note at `sourcePath` ("" for the vault root). */
export function obsidianLinkRenderer(app: App, sourcePath: string): (t: LinkTarget) => string {
  const fallback = createLinkBuilder();
  return (t) => {
    const file = app.vault.getFileByPath(t.path);
    if (!(file instanceof TFile)) return fallback.render(t);
    return app.fileManager.generateMarkdownLink(file, sourcePath, t.subpath, t.alias);
  };
}

/** The core's link builder backed by generateMarkdownLink, so the user's link format holds. */
export function obsidianLinkBuilder(app: App, sourcePath = ""): LinkBuilder {
  return createLinkBuilder(obsidianLinkRenderer(app, sourcePath));
}

/** A link builder that also records every link it writes, with its target. */
export function recordingLinkBuilder(render: (t: LinkTarget) => string): { builder: LinkBuilder; links(): RenderedLink[] } {
  const seen = new Map<string, RenderedLink>();
  const builder = createLinkBuilder((target) => {
    const text = render(target);
    if (!seen.has(text)) seen.set(text, { text, target: { ...target } });
    return text;
  });
  return { builder, links: () => [...seen.values()] };
}

/** The answer with every recorded link written again by `render` (e.g. relative to another note).
 *  One pass over the text, longest link first, so no replacement is rewritten a second time. */
export function relinkAnswer(answer: string, links: RenderedLink[] | undefined, render: (t: LinkTarget) => string): string {
  if (!links || links.length === 0) return answer;
  const byText = new Map(links.map((l) => [l.text, l.target]));
  const pattern = [...byText.keys()]
    .sort((a, b) => b.length - a.length)
    .map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join("|");
  return answer.replace(new RegExp(pattern, "g"), (m) => {
    const target = byText.get(m);
    return target ? render(target) : m;
  });
}

/** The answer with links that work from the note at `notePath`. */
export function answerForNote(app: App, answer: string, links: RenderedLink[] | undefined, notePath: string): string {
  return relinkAnswer(answer, links, obsidianLinkRenderer(app, notePath));
}
