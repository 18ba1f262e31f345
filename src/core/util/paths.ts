// Vault paths are always forward-slashed and relative; these helpers keep them so in every runtime.

export function normalizeVaultPath(p: string): string {
  let s = p.replace(/\\/g, "/").replace(/\/{2,}/g, "/");
  s = s.replace(/^\.\//, "").replace(/^\/+/, "").replace(/\/+$/, "");
  return s;
}

export function extname(path: string): string {
  const base = basename(path);
  const i = base.lastIndexOf(".");
  return i <= 0 ? "" : base.slice(i + 1).toLowerCase();
}

export function basename(path: string): string {
  const i = path.lastIndexOf("/");
  return i < 0 ? path : path.slice(i + 1);
}

/** File name without extension. */
export function stem(path: string): string {
  const base = basename(path);
  const i = base.lastIndexOf(".");
  return i <= 0 ? base : base.slice(0, i);
}

export function dirname(path: string): string {
  const i = path.lastIndexOf("/");
  return i < 0 ? "" : path.slice(0, i);
}

export function isInFolder(path: string, folder: string): boolean {
  const f = normalizeVaultPath(folder);
  if (f === "") return true;
  return path === f || path.startsWith(f + "/");
}
