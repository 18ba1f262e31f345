// Never overwrites a person's words. A note Scholia generated and nobody touched (its body still hashes
// to its scholia-hash) may be regenerated; any other note keeps every byte and new claims are appended
// under a dated "## Update YYYY-MM-DD" heading — only claims the note does not already say, so a re-run
// adds nothing twice. Identical regenerated content is left alone ("unchanged").
import type { VaultReader, VaultWriter } from "../vault";
import { bodyHash, foreignFrontmatter, plainWords, readScholiaHash, renderFrontmatter, splitFrontmatter } from "./note-format";
import type { ConceptNoteResult, TargetState } from "./types";

export interface NoteToWrite {
  path: string;
  title: string;
  aliases: string[];
  /** Wiki-links to the sources, for frontmatter. */
  sources: string[];
  /** `From: …` line of the update section. */
  fromLine: string;
  videoId?: string;
  body: string;
  /** Every claim as rendered (with links and citations) and as plain text, for update sections. */
  claims: Array<{ line: string; plain: string }>;
}

/** What the target path holds, for previews. */
export async function targetState(vault: VaultReader & VaultWriter, path: string): Promise<TargetState> {
  if (!(await vault.exists(path))) return "new";
  return (await isUntouchedGenerated(await vault.readText(path))) ? "generated" : "edited";
}

async function isUntouchedGenerated(text: string): Promise<boolean> {
  const { frontmatter, body } = splitFrontmatter(text);
  const stored = readScholiaHash(frontmatter);
  return stored !== undefined && (await bodyHash(body)) === stored;
}

export async function writeNote(
  vault: VaultReader & VaultWriter,
  note: NoteToWrite,
  options: { dryRun: boolean; now: Date },
): Promise<ConceptNoteResult> {
  const base = { path: note.path, title: note.title };
  const hash = await bodyHash(note.body);
  const fresh = (extra?: string) =>
    renderFrontmatter({ title: note.title, aliases: note.aliases, sources: note.sources, videoId: note.videoId, generated: options.now, hash, extra }) +
    note.body;
  try {
    if (!(await vault.exists(note.path))) {
      const content = fresh();
      if (!options.dryRun) await vault.create(note.path, content);
      return { ...base, action: "created", content };
    }
    const current = await vault.readText(note.path);
    const { frontmatter } = splitFrontmatter(current);
    if (await isUntouchedGenerated(current)) {
      if (readScholiaHash(frontmatter) === hash) return { ...base, action: "skipped", reason: "unchanged" };
      const content = fresh(foreignFrontmatter(frontmatter));
      if (!options.dryRun) await vault.modify(note.path, content);
      return { ...base, action: "updated", reason: "regenerated: nobody had edited it since it was generated", content };
    }
    const known = plainWords(current);
    const missing = note.claims.filter((c) => {
      const words = plainWords(c.plain);
      return words && !known.includes(words);
    });
    if (!missing.length) return { ...base, action: "skipped", reason: "edited by a person; it already says everything new" };
    const day = options.now.toISOString().slice(0, 10);
    const section = [`## Update ${day}`, note.fromLine, "", ...missing.map((c) => `- ${c.line}`), ""].join("\n");
    const content = `${current}${current.endsWith("\n") ? "" : "\n"}\n${section}`;
    if (!options.dryRun) await vault.modify(note.path, content);
    return { ...base, action: "updated", reason: `edited by a person: kept as written, new material appended under "## Update ${day}"`, content };
  } catch (e) {
    return { ...base, action: "skipped", reason: `could not write: ${(e as Error).message}` };
  }
}
