// A vault on disk for the CLI: the same VaultReader/VaultWriter the plugin backs with Obsidian's API.
import { promises as fs } from "node:fs";
import * as nodePath from "node:path";
import type { VaultEntry, VaultReader, VaultWriter } from "../core/vault";
import { normalizeVaultPath } from "../core/util/paths";

/** Folders that are never notes. Dot-folders (the config folder, .trash, .git) are skipped too. */
const SKIPPED_DIRS = new Set(["node_modules"]);

export class NodeVault implements VaultReader, VaultWriter {
  readonly root: string;

  constructor(root: string) {
    this.root = nodePath.resolve(root);
  }

  async list(): Promise<VaultEntry[]> {
    const out: VaultEntry[] = [];
    // Symbolic links are followed, as Obsidian does on the desktop (a papers folder linked into the
    // vault is a common setup); each real folder is walked once, so a link back up cannot loop.
    const visited = new Set<string>();
    const walk = async (dir: string): Promise<void> => {
      const real = await fs.realpath(dir).catch(() => null);
      if (real === null || visited.has(real)) return;
      visited.add(real);
      let entries: import("node:fs").Dirent[];
      try {
        entries = await fs.readdir(dir, { withFileTypes: true });
      } catch {
        return; // unreadable folder: nothing to index there
      }
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const e of entries) {
        // Obsidian hides dot-folders and dot-files; so do we.
        if (e.name.startsWith(".") || SKIPPED_DIRS.has(e.name)) continue;
        const abs = nodePath.join(dir, e.name);
        if (e.isDirectory()) {
          await walk(abs);
          continue;
        }
        if (!e.isFile() && !e.isSymbolicLink()) continue;
        let st: import("node:fs").Stats;
        try {
          st = await fs.stat(abs);
        } catch {
          continue; // vanished between readdir and stat, or a link to nothing
        }
        if (st.isDirectory()) await walk(abs);
        else if (st.isFile()) out.push({ path: this.relative(abs), size: st.size, mtime: Math.floor(st.mtimeMs) });
      }
    };
    await walk(this.root);
    return out;
  }

  async readBinary(path: string): Promise<Uint8Array> {
    const buf = await fs.readFile(this.absolute(path));
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  async readText(path: string): Promise<string> {
    return fs.readFile(this.absolute(path), "utf8");
  }

  async exists(path: string): Promise<boolean> {
    try {
      await fs.access(this.absolute(path));
      return true;
    } catch {
      return false;
    }
  }

  async create(path: string, text: string): Promise<void> {
    const abs = this.absolute(path);
    await fs.mkdir(nodePath.dirname(abs), { recursive: true });
    // "wx" fails if the file exists: a note is never overwritten by a create.
    await fs.writeFile(abs, text, { encoding: "utf8", flag: "wx" });
  }

  async modify(path: string, text: string): Promise<void> {
    // Through a symbolic link, the note is the file it points to: replacing the link itself would
    // leave the real note unchanged.
    const abs = await fs.realpath(this.absolute(path)).catch(() => this.absolute(path));
    const tmp = `${abs}.scholia-tmp-${process.pid}`;
    await fs.writeFile(tmp, text, "utf8");
    await fs.rename(tmp, abs);
  }

  relative(abs: string): string {
    return normalizeVaultPath(nodePath.relative(this.root, abs).split(nodePath.sep).join("/"));
  }

  /** Resolves a vault path, refusing anything that would land outside the vault. */
  absolute(path: string): string {
    const abs = nodePath.resolve(this.root, normalizeVaultPath(path));
    if (abs !== this.root && !abs.startsWith(this.root + nodePath.sep)) {
      throw new Error(`Path leaves the vault: ${path}`);
    }
    return abs;
  }
}
