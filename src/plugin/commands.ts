// The command palette entries. No default hotkeys: users pick their own.
import { MarkdownView, Notice, TFile, type Plugin } from "obsidian";
import { previewConceptsFromFile, previewTopicNote } from "./concept-flow";
import { IndexReportModal } from "./index-report-modal";
import type { ScholiaServices } from "./services";
import type { ChatView } from "./chat-view";
import { TopicPromptModal } from "./topic-prompt-modal";

export interface CommandHost {
  services(): ScholiaServices;
  /** Opens (or reveals) the sidebar and returns its view. */
  activateView(): Promise<ChatView | null>;
  isIndexable(path: string): boolean;
}

/** "> line" for every line of a selection, so the question box shows what is being asked about. */
export function quoteSelection(selection: string): string {
  return selection
    .trim()
    .split("\n")
    .map((l) => `> ${l}`)
    .join("\n");
}

function report(what: string, e: unknown): void {
  new Notice(`${what}: ${e instanceof Error ? e.message : String(e)}`);
}

export function registerCommands(plugin: Plugin, host: CommandHost): void {
  const app = plugin.app;
  const activeFile = (): TFile | null => app.workspace.getActiveFile();

  plugin.addCommand({
    id: "open-sidebar",
    name: "Open the question sidebar",
    callback: () => void host.activateView(),
  });

  plugin.addCommand({
    id: "ask-about-selection",
    name: "Ask about the selection",
    editorCheckCallback: (checking, editor) => {
      const selection = editor.getSelection();
      if (selection.trim() === "") return false;
      if (!checking) {
        void host.activateView().then((view) => view?.prefill(`${quoteSelection(selection)}\n\n`));
      }
      return true;
    },
  });

  plugin.addCommand({
    id: "ask-about-current-file",
    name: "Ask about the current file",
    checkCallback: (checking) => {
      const file = activeFile();
      if (!file || !host.isIndexable(file.path)) return false;
      if (!checking) {
        void host.activateView().then((view) => {
          view?.setScopeToFiles([file.path]);
          view?.prefill("");
        });
      }
      return true;
    },
  });

  plugin.addCommand({
    id: "index-vault",
    name: "Index the vault now",
    callback: () => {
      new Notice("Indexing the vault in the background.");
      host.services().index.indexVault().then(
        () => {
          const files = host.services().index.report();
          const failed = files.filter((f) => f.status === "failed").length;
          new Notice(`Index up to date: ${files.length} files${failed ? `, ${failed} failed (see the index report)` : ""}.`);
        },
        (e) => report("Indexing failed", e),
      );
    },
  });

  plugin.addCommand({
    id: "index-current-file",
    name: "Index the current file",
    checkCallback: (checking) => {
      const file = activeFile();
      if (!file || !host.isIndexable(file.path)) return false;
      if (!checking) {
        host.services().index.indexPaths([file.path]).then(
          () => {
            const entry = host.services().index.report().find((f) => f.path === file.path);
            new Notice(entry ? `${file.name}: ${entry.status}${entry.reason ? ` (${entry.reason})` : ""}.` : `${file.name} indexed.`);
          },
          (e) => report(`Could not index ${file.name}`, e),
        );
      }
      return true;
    },
  });

  plugin.addCommand({
    id: "pause-indexing",
    name: "Pause indexing",
    checkCallback: (checking) => {
      if (host.services().index.status().phase !== "indexing") return false;
      if (!checking) host.services().index.pause();
      return true;
    },
  });

  plugin.addCommand({
    id: "resume-indexing",
    name: "Resume indexing",
    checkCallback: (checking) => {
      if (host.services().index.status().phase !== "paused") return false;
      if (!checking) host.services().index.resume();
      return true;
    },
  });

  plugin.addCommand({
    id: "show-index-report",
    name: "Show the index report",
    callback: () => new IndexReportModal(app, host.services().index.report()).open(),
  });

  plugin.addCommand({
    id: "generate-concept-notes",
    name: "Generate concept notes from the current file",
    checkCallback: (checking) => {
      const file = activeFile();
      if (!file || !host.isIndexable(file.path)) return false;
      if (!checking) void previewConceptsFromFile(app, host.services().concepts, file.path);
      return true;
    },
  });

  plugin.addCommand({
    id: "generate-topic-note",
    name: "Generate concept note on a topic…",
    callback: () => new TopicPromptModal(app, (topic) => void previewTopicNote(app, host.services().concepts, topic)).open(),
  });

  plugin.addCommand({
    id: "rebuild-index",
    name: "Rebuild the index",
    callback: () => {
      new Notice("Rebuilding the index from scratch in the background.");
      host.services().index.rebuild().then(
        () => new Notice("Index rebuilt."),
        (e) => report("Rebuilding failed", e),
      );
    },
  });
}

/** "Generate concept notes" in the file menu of every file the index can read. */
export function registerFileMenu(plugin: Plugin, host: CommandHost): void {
  const app = plugin.app;
  plugin.registerEvent(
    app.workspace.on("file-menu", (menu, file) => {
      if (!(file instanceof TFile) || !host.isIndexable(file.path)) return;
      menu.addItem((item) =>
        item
          .setTitle("Generate concept notes")
          .setIcon("lightbulb")
          .onClick(() => void previewConceptsFromFile(app, host.services().concepts, file.path)),
      );
    }),
  );
}

/** The editor of a markdown view, if that is what the leaf holds. */
export function markdownViewOf(view: unknown): MarkdownView | null {
  return view instanceof MarkdownView ? view : null;
}
