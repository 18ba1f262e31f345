// The strip at the top of the sidebar that says what the index is doing: downloading the model,
// indexing (and how much is already searchable), paused, or failed. Hidden when all is well.
import type { IndexService, IndexStatus } from "./services";

export function describeStatus(s: IndexStatus): string | null {
  switch (s.phase) {
    case "idle":
    case "ready":
      return s.message ?? null;
    case "loading-model":
      return typeof s.modelProgress === "number"
        ? `Downloading the embedding model: ${Math.round(s.modelProgress * 100)} %. Keyword search works meanwhile.`
        : "Loading the embedding model. Keyword search works meanwhile.";
    case "indexing": {
      const eta = typeof s.etaSeconds === "number" && s.etaSeconds > 0 ? `, about ${formatEta(s.etaSeconds)} left` : "";
      return `Indexing ${s.filesDone} / ${s.filesTotal} files${eta}. ${searchable(s)}`;
    }
    case "paused":
      return `Indexing paused at ${s.filesDone} / ${s.filesTotal} files. ${searchable(s)}`;
    case "error":
      return s.message ?? "The index could not be built.";
  }
}

function searchable(s: IndexStatus): string {
  return s.searchableFiles > 0 ? `${s.searchableFiles} files are searchable already.` : "Nothing is searchable yet.";
}

export function formatEta(seconds: number): string {
  if (seconds < 60) return `${Math.ceil(seconds)} s`;
  if (seconds < 3600) return `${Math.ceil(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

export class IndexStatusPanel {
  private readonly textEl: HTMLElement;
  private readonly bar: HTMLProgressElement;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly el: HTMLElement,
    index: IndexService,
  ) {
    this.textEl = el.createDiv({ cls: "scholia-status-text" });
    this.bar = el.createEl("progress", { cls: "scholia-status-bar" });
    this.unsubscribe = index.onStatus((s) => this.update(s));
    this.update(index.status());
  }

  update(s: IndexStatus): void {
    const text = describeStatus(s);
    this.el.toggle(text !== null);
    this.el.toggleClass("scholia-status-error", s.phase === "error");
    this.textEl.setText(text ?? "");
    const fraction =
      s.phase === "loading-model" ? s.modelProgress : s.filesTotal > 0 && (s.phase === "indexing" || s.phase === "paused") ? s.filesDone / s.filesTotal : undefined;
    this.bar.toggle(fraction !== undefined);
    if (fraction !== undefined) {
      this.bar.max = 1;
      this.bar.value = fraction;
    }
  }

  dispose(): void {
    this.unsubscribe();
  }
}
