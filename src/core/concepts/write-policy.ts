// Never overwrites a person's words. A note Scholia generated and nobody touched (its body still hashes
// to its scholia-hash) may be regenerated; any other note keeps every byte and new claims are appended
// under a dated "## Update YYYY-MM-DD" heading — only claims the note does not already say, so a re-run
// adds nothing twice. Identical regenerated content is left alone ("unchanged").
// A generated note that also cites sources this run does not (two papers proposing the same concept)
// is not regenerated either, or each source would erase the other's material in turn: new claims are
// appended, and its hash and sources are brought up to date so it stays recognisably generated.
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
  /** Topic notes gather evidence vault-wide and may replace a generated note whatever it cited. */
  replaceOtherSources?: boolean;
}

/** The `sources` list of a frontmatter block, as written (quotes removed). */
export function frontmatterSources(frontmatter: string | null): string[] {
  const block = /^sources:[ \t]*\r?\n((?:[ \t]+-[^\n]*\r?\n?)*)/m.exec(frontmatter ?? "")?.[1] ?? "";
  return block
    .split(/\r?\n/)
    .map((l) => l.replace(/^\s*-\s*/, "").trim())
    .filter(Boolean)
    .map((s) => (/^".*"$/.test(s) ? (JSON.parse(s) as string) : s.replace(/^'(.*)'$/, "$1")));
}

/** The frontmatter with more sources and a new hash, every other line as it was. */
function withSourcesAndHash(frontmatter: string, added: string[], hash: string): string {
  let fm = frontmatter.replace(/^scholia-hash:.*$/m, `scholia-hash: ${hash}`);
  if (!added.length) return fm;
  const items = added.map((s) => `  - ${JSON.stringify(s)}`).join("\n");
  if (/^sources:[ \t]*\[\][ \t]*$/m.test(fm)) return fm.replace(/^sources:[ \t]*\[\][ \t]*$/m, `sources:\n${items}`);
  const m = /^sources:[ \t]*\r?\n(?:[ \t]+-[^\n]*(?:\r?\n|$))*/m.exec(fm);
  if (m) {
    const end = m.index + m[0].replace(/\r?\n$/, "").length;
    fm = `${fm.slice(0, end)}\n${items}${fm.slice(end)}`;
  } else fm = `${fm}\nsources:\n${items}`;
  return fm;
}

function missingClaims(current: string, note: NoteToWrite): NoteToWrite["claims"] {
  const known = plainWords(current);
  return note.claims.filter((c) => {
    const words = plainWords(c.plain);
    return words && !known.includes(words);
  });
}

function updateSection(note: NoteToWrite, missing: NoteToWrite["claims"], day: string): string {
  return [`## Update ${day}`, note.fromLine, "", ...missing.map((c) => `- ${c.line}`), ""].join("\n");
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
    const { frontmatter, body } = splitFrontmatter(current);
    const day = options.now.toISOString().slice(0, 10);
    if (await isUntouchedGenerated(current)) {
      if (readScholiaHash(frontmatter) === hash) return { ...base, action: "skipped", reason: "unchanged" };
      const others = frontmatterSources(frontmatter).filter((s) => !note.sources.includes(s));
      if (!others.length || note.replaceOtherSources) {
        const content = fresh(foreignFrontmatter(frontmatter));
        if (!options.dryRun) await vault.modify(note.path, content);
        return { ...base, action: "updated", reason: "regenerated: nobody had edited it since it was generated", content };
      }
      const missing = missingClaims(current, note);
      if (!missing.length) return { ...base, action: "skipped", reason: `also generated from ${others.join(", ")}; it already says everything new` };
      const newBody = `${body}${body.endsWith("\n") ? "" : "\n"}\n${updateSection(note, missing, day)}`;
      const have = frontmatterSources(frontmatter);
      const fm = withSourcesAndHash(frontmatter ?? "", note.sources.filter((s) => !have.includes(s)), await bodyHash(newBody));
      const content = `---\n${fm}\n---\n${newBody}`;
      if (!options.dryRun) await vault.modify(note.path, content);
      return { ...base, action: "updated", reason: `also generated from ${others.join(", ")}: new material appended under "## Update ${day}"`, content };
    }
    const missing = missingClaims(current, note);
    if (!missing.length) return { ...base, action: "skipped", reason: "edited by a person; it already says everything new" };
    const content = `${current}${current.endsWith("\n") ? "" : "\n"}\n${updateSection(note, missing, day)}`;
    if (!options.dryRun) await vault.modify(note.path, content);
    return { ...base, action: "updated", reason: `edited by a person: kept as written, new material appended under "## Update ${day}"`, content };
  } catch (e) {
    return { ...base, action: "skipped", reason: `could not write: ${(e as Error).message}` };
  }
}
