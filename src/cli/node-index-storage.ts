// IndexStorage on a folder of the local disk. writeAtomic is the textbook sequence that survives a
// crash or power loss at any point: write a temporary file in the same folder, fsync it, rename it
// over the target (atomic on POSIX and on NTFS via MoveFileEx), then fsync the folder so the rename
// itself is durable. Readers therefore see the old or the new bytes, never a torn file.
import { promises as fs } from "node:fs";
import * as nodePath from "node:path";
import type { IndexStorage } from "../core/vault";

export class NodeIndexStorage implements IndexStorage {
  readonly dir: string;
  private ensured = false;

  constructor(dir: string) {
    this.dir = nodePath.resolve(dir);
  }

  private pathOf(name: string): string {
    if (!name || name.includes("/") || name.includes("\\") || name === "." || name === "..") {
      throw new Error(`Invalid index file name "${name}".`);
    }
    return nodePath.join(this.dir, name);
  }

  private async ensureDir(): Promise<void> {
    if (this.ensured) return;
    await fs.mkdir(this.dir, { recursive: true });
    this.ensured = true;
  }

  async read(name: string): Promise<Uint8Array | null> {
    try {
      const buf = await fs.readFile(this.pathOf(name));
      // A private copy-free view: readFile allocates a dedicated buffer for each file.
      return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw e;
    }
  }

  async writeAtomic(name: string, data: Uint8Array): Promise<void> {
    await this.ensureDir();
    const target = this.pathOf(name);
    const tmp = `${target}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
    const handle = await fs.open(tmp, "w");
    try {
      let offset = 0;
      while (offset < data.byteLength) {
        const { bytesWritten } = await handle.write(data, offset, data.byteLength - offset);
        offset += bytesWritten;
      }
      await handle.sync();
    } catch (e) {
      await handle.close().catch(() => undefined);
      await fs.rm(tmp, { force: true }).catch(() => undefined);
      throw e;
    }
    await handle.close();
    try {
      await fs.rename(tmp, target);
    } catch (e) {
      await fs.rm(tmp, { force: true }).catch(() => undefined);
      throw e;
    }
    await this.syncDir();
  }

  private async syncDir(): Promise<void> {
    // Windows cannot open a directory for fsync; NTFS journals the rename itself.
    if (process.platform === "win32") return;
    const dir = await fs.open(this.dir, "r");
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  }

  async remove(name: string): Promise<void> {
    await fs.rm(this.pathOf(name), { force: true });
  }

  async list(): Promise<string[]> {
    try {
      const entries = await fs.readdir(this.dir, { withFileTypes: true });
      return entries.filter((e) => e.isFile()).map((e) => e.name).sort();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw e;
    }
  }
}
