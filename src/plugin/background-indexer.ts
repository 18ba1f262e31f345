// Keeps the index in step with the vault: file events are collected and handled together after a
// quiet moment, so saving a note on every keystroke does not re-index it on every keystroke.
import type { IndexService } from "./services";

export const DEBOUNCE_MS = 2000;

export class BackgroundIndexer {
  private changed = new Set<string>();
  private deleted = new Set<string>();
  private renames: Array<[string, string]> = [];
  private timer: number | null = null;
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly index: () => IndexService,
    private readonly shouldIndex: (path: string) => boolean,
    private readonly delayMs = DEBOUNCE_MS,
  ) {}

  changedFile(path: string): void {
    if (!this.shouldIndex(path)) return;
    this.deleted.delete(path);
    this.changed.add(path);
    this.schedule();
  }

  deletedFile(path: string): void {
    this.changed.delete(path);
    this.deleted.add(path);
    this.schedule();
  }

  renamedFile(oldPath: string, newPath: string): void {
    if (this.changed.delete(oldPath)) this.changed.add(newPath);
    this.renames.push([oldPath, newPath]);
    this.schedule();
  }

  /** Handles what is pending now; resolves when done (tests and unload use it). */
  flush(): Promise<void> {
    if (this.timer !== null) {
      window.clearTimeout(this.timer);
      this.timer = null;
    }
    const changed = [...this.changed].filter((p) => this.shouldIndex(p));
    const deleted = [...this.deleted];
    const renames = this.renames;
    this.changed = new Set();
    this.deleted = new Set();
    this.renames = [];
    if (changed.length + deleted.length + renames.length === 0) return this.running;
    // One batch at a time, in order: a rename must land before a later change to the new path.
    this.running = this.running.then(async () => {
      const index = this.index();
      try {
        for (const [from, to] of renames) await index.renamePath(from, to);
        if (deleted.length) await index.removePaths(deleted);
        if (changed.length) await index.indexPaths(changed);
      } catch (e) {
        console.error("Scholia: background indexing failed", e);
      }
    });
    return this.running;
  }

  dispose(): void {
    if (this.timer !== null) window.clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(): void {
    if (this.timer !== null) window.clearTimeout(this.timer);
    this.timer = window.setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, this.delayMs);
  }
}
