// include/exclude patterns for the indexing job, in the forms users type: a folder ("Archive" or
// "Archive/"), a glob on the vault path ("Papers/**/*.pdf"), or a glob on the file name when the
// pattern has no slash ("*.excalidraw.md"), as in .gitignore.
import { basename, isInFolder, normalizeVaultPath } from "../util/paths";

const GLOB_CHARS = /[*?[]/u;

function globToRegExp(glob: string): RegExp {
  let re = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === "*") {
      if (glob[i + 1] === "*") {
        // "**/" matches zero or more folders; a bare "**" matches anything.
        if (glob[i + 2] === "/") {
          re += "(?:.*/)?";
          i += 2;
        } else {
          re += ".*";
          i += 1;
        }
      } else re += "[^/]*";
    } else if (c === "?") re += "[^/]";
    else if (c === "[") {
      const close = glob.indexOf("]", i + 1);
      if (close < 0) re += "\\[";
      else {
        re += glob.slice(i, close + 1).replace(/\\/gu, "\\\\");
        i = close;
      }
    } else re += c.replace(/[.+^${}()|\\]/gu, "\\$&");
  }
  return new RegExp(`^${re}$`, "u");
}

export function matchesPattern(path: string, pattern: string): boolean {
  const trimmed = pattern.trim();
  if (!trimmed) return false;
  const p = normalizeVaultPath(trimmed);
  if (!GLOB_CHARS.test(p)) return path === p || isInFolder(path, p);
  const re = globToRegExp(p);
  if (re.test(path)) return true;
  return !p.includes("/") && re.test(basename(path));
}

/** Whether a path is in scope: it matches some include pattern (when any) and no exclude pattern. */
export function inScope(path: string, include: readonly string[] | undefined, exclude: readonly string[] | undefined): boolean {
  const inc = include?.filter((p) => p.trim()) ?? [];
  if (inc.length > 0 && !inc.some((p) => matchesPattern(path, p))) return false;
  return !(exclude ?? []).some((p) => matchesPattern(path, p));
}
