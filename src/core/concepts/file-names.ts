// Turns model-proposed titles into safe note paths: nothing can escape the output folder, names are
// valid on Windows, macOS and Linux, and two concepts never share a file (case-insensitively).
import { normalizeVaultPath } from "../util/paths";
import { ConceptError } from "./types";

export const MAX_NAME_LENGTH = 100;

const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])$/i;

/** A file stem for a title: no `/ \ : * ? " < > |`, none of `# ^ [ ]` (they break wiki-links), no
 *  control characters, no `..`, no leading or trailing dots/spaces, at most MAX_NAME_LENGTH chars. */
export function sanitizeFileStem(title: string): string {
  let s = title.normalize("NFC");
  // eslint-disable-next-line no-control-regex -- control characters are exactly what must go
  s = s.replace(/[\u0000-\u001f\u007f-\u009f]/g, " ");
  s = s.replace(/[/\\:*?"<>|#^[\]]/g, " ");
  s = s.replace(/\.{2,}/g, ".");
  s = s.replace(/\s+/g, " ").trim();
  s = s.replace(/^[.\s]+/, "").replace(/[.\s]+$/, "");
  if (s.length > MAX_NAME_LENGTH) {
    const cut = sliceWhole(s, MAX_NAME_LENGTH);
    const space = cut.lastIndexOf(" ");
    s = (space > MAX_NAME_LENGTH * 0.6 ? cut.slice(0, space) : cut).replace(/[.\s]+$/, "");
  }
  if (WINDOWS_RESERVED.test(s)) s = `${s} (concept)`;
  return s || "Untitled concept";
}

/** The first `max` UTF-16 units without splitting a surrogate pair: half an emoji is not a valid file
 *  name character on any file system. */
function sliceWhole(s: string, max: number): string {
  const cut = s.slice(0, max);
  const last = cut.charCodeAt(cut.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? cut.slice(0, -1) : cut;
}

/** The output folder as a vault-relative path; refuses anything that would leave the vault. */
export function checkOutFolder(folder: string): string {
  const f = normalizeVaultPath(folder.trim());
  if (/^[a-zA-Z]:/.test(folder) || folder.startsWith("/") || folder.startsWith("\\")) {
    throw new ConceptError(`The output folder "${folder}" must be a folder inside the vault, not an absolute path.`);
  }
  if (f.split("/").some((seg) => seg === ".." || seg === ".")) {
    throw new ConceptError(`The output folder "${folder}" must stay inside the vault (no ".." in it).`);
  }
  return f;
}

/** Resolves `folder/name.md` and checks it is a direct child of the folder. */
export function notePathIn(folder: string, stem: string): string {
  const path = normalizeVaultPath(folder ? `${folder}/${stem}.md` : `${stem}.md`);
  const parent = path.slice(0, Math.max(0, path.lastIndexOf("/")));
  if (parent !== folder || path.split("/").some((seg) => seg === ".." || seg === "." || seg === "")) {
    throw new ConceptError(`Refusing to write "${path}": it is not inside "${folder || "/"}".`);
  }
  return path;
}

/** Hands out note paths unique case-insensitively. Paths that already exist in the vault map to the
 *  existing spelling (on case-insensitive disks they are the same file); `reserved` paths (such as the
 *  source itself) are never handed out. */
export class PathAllocator {
  private readonly taken = new Set<string>();
  private readonly existing = new Map<string, string>();

  constructor(
    private readonly folder: string,
    vaultPaths: Iterable<string>,
    private readonly reserved: Iterable<string> = [],
  ) {
    for (const p of vaultPaths) this.existing.set(p.toLowerCase(), p);
    for (const r of this.reserved) this.taken.add(r.toLowerCase());
  }

  allocate(title: string): string {
    const stem = sanitizeFileStem(title);
    for (let n = 1; ; n++) {
      const suffix = n === 1 ? "" : ` ${n}`;
      const candidate = notePathIn(this.folder, `${sliceWhole(stem, MAX_NAME_LENGTH - suffix.length).trimEnd()}${suffix}`);
      const key = candidate.toLowerCase();
      if (this.taken.has(key)) continue;
      this.taken.add(key);
      return this.existing.get(key) ?? candidate;
    }
  }
}
