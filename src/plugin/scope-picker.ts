// Which part of the vault a question is about: all of it, the current file's folder, the current
// file, or files the user picks. Resolved when the question is sent, so "current" means current then.
import { FuzzySuggestModal, type App, type TFile } from "obsidian";
import type { SearchFilter } from "../core/types";

export type ScopeKind = "vault" | "folder" | "file" | "files";

const LABELS: Record<ScopeKind, string> = {
  vault: "Whole vault",
  folder: "Current folder",
  file: "Current file",
  files: "Chosen files",
};

export class ScopePicker {
  private readonly select: HTMLSelectElement;
  private readonly filesEl: HTMLElement;
  private chosen: string[] = [];

  constructor(
    private readonly app: App,
    parent: HTMLElement,
  ) {
    const wrap = parent.createDiv({ cls: "scholia-scope" });
    this.select = wrap.createEl("select", { cls: "dropdown", attr: { "aria-label": "What to search" } });
    for (const kind of Object.keys(LABELS) as ScopeKind[]) {
      this.select.createEl("option", { text: LABELS[kind], value: kind });
    }
    this.filesEl = wrap.createDiv({ cls: "scholia-scope-files" });
    this.select.addEventListener("change", () => {
      if (this.kind() === "files" && this.chosen.length === 0) this.pickFile();
      this.renderFiles();
    });
    this.renderFiles();
  }

  kind(): ScopeKind {
    return this.select.value as ScopeKind;
  }

  setKind(kind: ScopeKind): void {
    this.select.value = kind;
    this.renderFiles();
  }

  setFiles(paths: string[]): void {
    this.chosen = [...new Set(paths)];
    this.setKind("files");
  }

  chosenFiles(): string[] {
    return [...this.chosen];
  }

  resolve(): { filter: SearchFilter | undefined } | { error: string } {
    const active = this.app.workspace.getActiveFile();
    switch (this.kind()) {
      case "vault":
        return { filter: undefined };
      case "folder": {
        if (!active) return { error: "Open a file first: the scope is its folder." };
        const folder = active.parent?.path ?? "";
        return { filter: folder === "" || folder === "/" ? undefined : { folders: [folder] } };
      }
      case "file":
        if (!active) return { error: "Open a file first: the scope is that file." };
        return { filter: { paths: [active.path] } };
      case "files":
        if (this.chosen.length === 0) return { error: "Choose at least one file for the scope." };
        return { filter: { paths: [...this.chosen] } };
    }
  }

  private renderFiles(): void {
    this.filesEl.empty();
    if (this.kind() !== "files") return;
    for (const path of this.chosen) {
      const chip = this.filesEl.createSpan({ cls: "scholia-chip", text: path.slice(path.lastIndexOf("/") + 1) });
      chip.setAttr("title", path);
      const remove = chip.createEl("button", { cls: "scholia-chip-remove", text: "×", attr: { "aria-label": `Remove ${path}` } });
      remove.addEventListener("click", () => {
        this.chosen = this.chosen.filter((p) => p !== path);
        this.renderFiles();
      });
    }
    const add = this.filesEl.createEl("button", { cls: "scholia-chip-add", text: "Add file" });
    add.addEventListener("click", () => this.pickFile());
  }

  private pickFile(): void {
    new FilePickerModal(this.app, (file) => {
      if (!this.chosen.includes(file.path)) this.chosen.push(file.path);
      this.renderFiles();
    }).open();
  }
}

class FilePickerModal extends FuzzySuggestModal<TFile> {
  constructor(
    app: App,
    private readonly onPick: (file: TFile) => void,
  ) {
    super(app);
    this.setPlaceholder("Choose a file to search in");
  }

  getItems(): TFile[] {
    return this.app.vault.getFiles().filter((f) => ["md", "pdf", "srt", "vtt"].includes(f.extension));
  }

  getItemText(file: TFile): string {
    return file.path;
  }

  onChooseItem(file: TFile): void {
    this.onPick(file);
  }
}
