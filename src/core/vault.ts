// The narrow view of a vault that the core needs. The CLI backs it with node:fs, the plugin with
// Obsidian's Vault/DataAdapter, tests with an in-memory map.

export interface VaultEntry {
  /** Vault-relative, forward slashes. */
  path: string;
  size: number;
  /** Milliseconds since the epoch. */
  mtime: number;
}

export interface VaultReader {
  /** Every file in the vault (not folders), excluding the config folder. */
  list(): Promise<VaultEntry[]>;
  readBinary(path: string): Promise<Uint8Array>;
  readText(path: string): Promise<string>;
}

export interface VaultWriter {
  exists(path: string): Promise<boolean>;
  /** Creates a new file; rejects if it already exists (never overwrites). Creates parent folders. */
  create(path: string, text: string): Promise<void>;
  /** Replaces an existing file's text. Callers check ownership (content hash) first. */
  modify(path: string, text: string): Promise<void>;
}

/** Storage for the index files: a flat folder of binary blobs. `writeAtomic` must leave either the
 *  old or the new content under `name`, never a mix (temporary file, then rename). */
export interface IndexStorage {
  read(name: string): Promise<Uint8Array | null>;
  writeAtomic(name: string, data: Uint8Array): Promise<void>;
  remove(name: string): Promise<void>;
  list(): Promise<string[]>;
}
