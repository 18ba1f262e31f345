// An IndexStorage that keeps everything in memory: for dry runs, which must write nothing to disk.
import type { IndexStorage } from "../core/vault";

export class MemoryIndexStorage implements IndexStorage {
  private readonly files = new Map<string, Uint8Array>();

  read(name: string): Promise<Uint8Array | null> {
    return Promise.resolve(this.files.get(name) ?? null);
  }
  writeAtomic(name: string, data: Uint8Array): Promise<void> {
    this.files.set(name, data.slice());
    return Promise.resolve();
  }
  remove(name: string): Promise<void> {
    this.files.delete(name);
    return Promise.resolve();
  }
  list(): Promise<string[]> {
    return Promise.resolve([...this.files.keys()]);
  }
}
