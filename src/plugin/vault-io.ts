// The core's vault and index-storage interfaces backed by Obsidian's Vault and DataAdapter, so the
// same core code that the CLI runs on node:fs runs inside the app (desktop and mobile alike).
import { normalizePath, TFile, type App } from "obsidian";
import type { IndexStorage, VaultEntry, VaultReader, VaultWriter } from "../core/vault";

export class ObsidianVaultReader implements VaultReader {
  constructor(private readonly app: App) {}

  async list(): Promise<VaultEntry[]> {
    // getFiles() never contains the config folder, as the interface requires.
    return this.app.vault.getFiles().map((f) => ({ path: f.path, size: f.stat.size, mtime: f.stat.mtime }));
  }

  async readBinary(path: string): Promise<Uint8Array> {
    return new Uint8Array(await this.app.vault.readBinary(this.file(path)));
  }

  async readText(path: string): Promise<string> {
    return this.app.vault.cachedRead(this.file(path));
  }

  private file(path: string): TFile {
    const file = this.app.vault.getFileByPath(normalizePath(path));
    if (!file) throw new Error(`"${path}" is not in the vault.`);
    return file;
  }
}

export class ObsidianVaultWriter implements VaultWriter {
  constructor(private readonly app: App) {}

  async exists(path: string): Promise<boolean> {
    return this.app.vault.getAbstractFileByPath(normalizePath(path)) !== null;
  }

  async create(path: string, text: string): Promise<void> {
    const p = normalizePath(path);
    if (this.app.vault.getAbstractFileByPath(p)) throw new Error(`"${p}" already exists; it was not overwritten.`);
    const parent = p.includes("/") ? p.slice(0, p.lastIndexOf("/")) : "";
    if (parent && !this.app.vault.getAbstractFileByPath(parent)) await this.app.vault.createFolder(parent);
    await this.app.vault.create(p, text);
  }

  async modify(path: string, text: string): Promise<void> {
    const file = this.app.vault.getFileByPath(normalizePath(path));
    if (!file) throw new Error(`"${path}" is not in the vault.`);
    await this.app.vault.modify(file, text);
  }
}

/** The index folder through the DataAdapter: it may sit in the hidden config folder, which the Vault
 *  API does not see. Writes go to a temporary name first and are then renamed into place. */
export class AdapterIndexStorage implements IndexStorage {
  private readonly dir: string;

  constructor(
    private readonly app: App,
    dir: string,
  ) {
    this.dir = normalizePath(dir);
  }

  private pathOf(name: string): string {
    if (name.includes("/") || name.includes("\\") || name === ".." || name === ".") {
      throw new Error(`Index file name "${name}" must be a plain name.`);
    }
    return normalizePath(`${this.dir}/${name}`);
  }

  async read(name: string): Promise<Uint8Array | null> {
    const p = this.pathOf(name);
    if (!(await this.app.vault.adapter.exists(p)) && !(await this.recover(name))) return null;
    return new Uint8Array(await this.app.vault.adapter.readBinary(p));
  }

  /** After a crash between removing the old file and renaming the new one into place, the newest
   *  temporary file is complete (the old file is only removed once it is written): promote it. */
  private async recover(name: string): Promise<boolean> {
    const temps = (await this.listAll()).filter((f) => f.startsWith(`${name}.tmp-`)).sort();
    const newest = temps.pop();
    if (!newest) return false;
    await this.app.vault.adapter.rename(this.pathOf(newest), this.pathOf(name));
    for (const stale of temps) await this.app.vault.adapter.remove(this.pathOf(stale));
    return true;
  }

  private async removeStaleTemps(name: string): Promise<void> {
    for (const f of await this.listAll()) {
      if (f.startsWith(`${name}.tmp-`)) await this.app.vault.adapter.remove(this.pathOf(f));
    }
  }

  async writeAtomic(name: string, data: Uint8Array): Promise<void> {
    const adapter = this.app.vault.adapter;
    await this.ensureDir();
    const target = this.pathOf(name);
    // Fixed-width time stamps keep temporary names in write order when sorted.
    const stamp = Date.now().toString(36).padStart(10, "0") + Math.random().toString(36).slice(2, 6);
    const temp = this.pathOf(`${name}.tmp-${stamp}`);
    const copy = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength ? data.buffer : data.slice().buffer;
    await adapter.writeBinary(temp, copy as ArrayBuffer);
    // DataAdapter.rename refuses to replace an existing file, so the old one goes first; a crash in
    // between leaves the complete temporary file, which the store's checksums let it recover from.
    if (await adapter.exists(target)) await adapter.remove(target);
    await adapter.rename(temp, target);
    await this.removeStaleTemps(name);
  }

  async remove(name: string): Promise<void> {
    const p = this.pathOf(name);
    if (await this.app.vault.adapter.exists(p)) await this.app.vault.adapter.remove(p);
  }

  async list(): Promise<string[]> {
    return (await this.listAll()).filter((f) => !f.includes(".tmp-"));
  }

  private async listAll(): Promise<string[]> {
    if (!(await this.app.vault.adapter.exists(this.dir))) return [];
    const listed = await this.app.vault.adapter.list(this.dir);
    return listed.files.map((f) => f.slice(f.lastIndexOf("/") + 1));
  }

  private async ensureDir(): Promise<void> {
    const adapter = this.app.vault.adapter;
    if (await adapter.exists(this.dir)) return;
    // mkdir creates intermediate folders on desktop and mobile alike.
    await adapter.mkdir(this.dir);
  }
}

/** The index folder for the settings: inside the plugin folder, or a vault folder excluded from sync. */
export function indexDirFor(app: App, location: "plugin" | "folder", folder: string): string {
  if (location === "folder" && folder.trim() !== "") return normalizePath(folder);
  return normalizePath(`${app.vault.configDir}/plugins/scholia/index`);
}
