// "Scholia: 12 / 340 files" in the status bar while indexing; a click pauses or resumes.
import type { IndexService, IndexStatus } from "./services";

export function statusBarText(s: IndexStatus): string {
  switch (s.phase) {
    case "indexing":
      return `Scholia: ${s.filesDone} / ${s.filesTotal} files`;
    case "paused":
      return `Scholia: paused at ${s.filesDone} / ${s.filesTotal} files`;
    case "loading-model":
      return typeof s.modelProgress === "number" ? `Scholia: model ${Math.round(s.modelProgress * 100)} %` : "Scholia: loading model";
    case "error":
      return "Scholia: index error";
    case "ready":
      return `Scholia: ${s.searchableFiles} files`;
    case "idle":
      return "";
  }
}

export class StatusBarItem {
  private readonly unsubscribe: () => void;

  constructor(
    private readonly el: HTMLElement,
    private readonly index: IndexService,
  ) {
    el.addClass("scholia-statusbar", "mod-clickable");
    el.addEventListener("click", () => this.toggle());
    this.unsubscribe = index.onStatus((s) => this.update(s));
    this.update(index.status());
  }

  private toggle(): void {
    const phase = this.index.status().phase;
    if (phase === "indexing") this.index.pause();
    else if (phase === "paused") this.index.resume();
  }

  update(s: IndexStatus): void {
    const text = statusBarText(s);
    this.el.setText(text);
    this.el.toggle(text !== "");
    const hint = s.phase === "indexing" ? "Click to pause indexing" : s.phase === "paused" ? "Click to resume indexing" : s.message ?? "";
    this.el.setAttr("aria-label", hint);
    this.el.setAttr("title", hint);
  }

  dispose(): void {
    this.unsubscribe();
  }
}
