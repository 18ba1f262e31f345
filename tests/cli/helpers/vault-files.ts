// Vault fixtures and checks for the CLI specs: the generated demo vault, byte-level snapshots of a
// folder (to prove a command wrote nothing), and wiki-link resolution as Obsidian does it.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { writeDemoVault } from "../../../scripts/make-demo-vault";
import { DEMO_PDF_PATH } from "../../../scripts/demo-notes";

export { DEMO_PDF_PATH };
export const DEMO_NOTE = "Notes/Training small CNNs.md";
export const DEMO_TRANSCRIPT = "Transcripts/Lecture - CNNs on a budget.md";
/** Every indexable file the demo vault holds, sorted as the CLI reports them. */
export const DEMO_FILES = [
  "Notes/Batch normalization.md",
  "Notes/Learning rate warmup.md",
  "Notes/Training small CNNs.md",
  DEMO_PDF_PATH,
  DEMO_TRANSCRIPT,
];

/** The default index folder of a vault (the CLI contract). */
export function indexDirOf(vault: string): string {
  return path.join(vault, ".obsidian", "plugins", "scholia", "index");
}

/** Writes the demo vault (paper PDF, linked notes, transcript) into `dir`. */
export async function makeDemoVault(dir: string): Promise<string> {
  await writeDemoVault(dir);
  return dir;
}

/** Writes a file under the vault, creating folders. */
export function put(vault: string, rel: string, content: string | Uint8Array): void {
  const abs = path.join(vault, ...rel.split("/"));
  mkdirSync(path.dirname(abs), { recursive: true });
  writeFileSync(abs, content);
}

export function read(vault: string, rel: string): string {
  return readFileSync(path.join(vault, ...rel.split("/")), "utf8");
}

/** Every file under `dir`, dot-folders included, as relative path → sha256 of its bytes. With
 *  `rewrites`, also the inode and modification time, so a file rewritten with the same bytes (or
 *  atomically replaced by a copy) counts as changed. */
export function snapshot(dir: string, opts: { rewrites?: boolean } = {}): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    if (!existsSync(d)) return;
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const abs = path.join(d, e.name);
      if (e.isDirectory()) walk(abs);
      else if (e.isFile()) {
        const hash = createHash("sha256").update(readFileSync(abs)).digest("hex");
        const st = opts.rewrites ? statSync(abs) : null;
        out.set(path.relative(dir, abs).split(path.sep).join("/"), st ? `${hash} ino=${st.ino} mtime=${st.mtimeMs}` : hash);
      }
    }
  };
  walk(dir);
  return out;
}

/** What changed between two snapshots, e.g. ["added Concepts/X.md", "changed a.md"]; empty if nothing. */
export function changes(before: Map<string, string>, after: Map<string, string>): string[] {
  const out: string[] = [];
  for (const [p, h] of before) {
    if (!after.has(p)) out.push(`removed ${p}`);
    else if (after.get(p) !== h) out.push(`changed ${p}`);
  }
  for (const p of after.keys()) if (!before.has(p)) out.push(`added ${p}`);
  return out.sort();
}

/** Vault files (dot-folders excluded), relative with forward slashes. */
export function vaultFiles(vault: string): string[] {
  return [...snapshot(vault).keys()].filter((p) => !p.split("/").some((part) => part.startsWith("."))).sort();
}

/** Every `[[target…]]` in `text` that resolves to no file: full path, path + ".md", or a unique file
 *  name (with or without ".md"), as Obsidian resolves links. Links inside code are not special here:
 *  generated notes must not contain dangling ones anywhere. */
export function danglingLinks(text: string, files: string[]): string[] {
  const lower = files.map((f) => f.toLowerCase());
  const names = lower.map((f) => f.slice(f.lastIndexOf("/") + 1));
  const out: string[] = [];
  for (const m of text.matchAll(/!?\[\[([^\]|#^]*)([#^][^\]|]*)?(?:\|[^\]]*)?\]\]/g)) {
    const target = m[1].trim().toLowerCase();
    if (target === "") continue; // [[#Heading]]: a link inside the note itself
    const ok = lower.includes(target) || lower.includes(`${target}.md`) || names.includes(target) || names.includes(`${target}.md`);
    if (!ok) out.push(m[0]);
  }
  return out;
}
