// Builds an Obsidian-like world from obsidian-test-mocks for the plugin's tests: an app with a vault,
// the sidebar view attached to the document, a markdown note open in an editor, and a markdown
// renderer that actually renders (the mocks' one does nothing).
import { setup } from "obsidian-test-mocks/setup";
import { App, MarkdownRenderer, MarkdownView, TFile, WorkspaceLeaf } from "obsidian-test-mocks/obsidian";
import type { App as AppOriginal, MarkdownView as MarkdownViewOriginal, WorkspaceLeaf as LeafOriginal } from "obsidian";
import { vi } from "vitest";
import { ChatView, type ChatViewHost } from "../../src/plugin/chat-view";
import { ConversationStore, type StoredChat } from "../../src/plugin/conversation-store";
import { fakeServices } from "./fake-services";
import { renderMiniMarkdown } from "./mini-markdown";

let installed = false;

export function installGlobals(): void {
  if (installed) return;
  setup();
  installed = true;
}

/** Obsidian's generateMarkdownLink with "absolute path in vault" links (the mocks' one drops the
 *  folder, the extension of non-markdown files, and doubles the subpath's "#"). */
export function vaultPathLink(file: unknown, _sourcePath: string, subpath?: string, alias?: string): string {
  if (!(file instanceof TFile)) throw new Error("generateMarkdownLink was given a folder");
  const target = file.extension === "md" ? file.path.slice(0, -3) : file.path;
  return `[[${target}${subpath ?? ""}${alias ? `|${alias}` : ""}]]`;
}

export function makeApp(files: Record<string, string> = {}): App {
  installGlobals();
  const app = App.createConfigured__({ files });
  vi.spyOn(app.fileManager, "generateMarkdownLink").mockImplementation((file, sourcePath, subpath, alias) => vaultPathLink(file, sourcePath, subpath, alias));
  vi.spyOn(MarkdownRenderer, "render").mockImplementation(async (_app, markdown, el) => {
    renderMiniMarkdown(markdown, el);
  });
  return app;
}

/** An app whose vault the real indexer can work on, as it does in Obsidian: every file can be read as
 *  bytes (the mocks keep notes as strings that adapter.readBinary does not find), and a note's
 *  stat follows its content (the mocks leave size and mtime at 0 forever, so no edit would ever be
 *  noticed). Sizes are UTF-8 byte counts; each write moves mtime forward by at least 1 ms. */
export function makeIndexableApp(files: Record<string, string> = {}): App {
  const app = makeApp(files);
  const adapter = app.vault.adapter;
  const readBinary = adapter.readBinary.bind(adapter);
  vi.spyOn(adapter, "readBinary").mockImplementation(async (path) => {
    try {
      return await readBinary(path);
    } catch (e) {
      const text = await adapter.read(path).catch(() => null);
      if (text === null) throw e;
      return new TextEncoder().encode(text).buffer;
    }
  });
  let clock = Date.now();
  const restat = (file: unknown): void => {
    if (!(file instanceof TFile)) return;
    clock = Math.max(clock + 1, Date.now());
    const size = new TextEncoder().encode(app.vault.readSync__(file)).byteLength;
    file.stat = { ctime: file.stat.ctime || clock, mtime: clock, size };
  };
  for (const file of app.vault.getFiles()) restat(file);
  app.vault.on("create", restat);
  app.vault.on("modify", restat);
  return app;
}

export interface OpenNote {
  view: MarkdownViewOriginal;
  leaf: LeafOriginal;
  file: TFile;
}

/** A markdown note open in an editor, made the active leaf (which fires active-leaf-change). */
export async function openNote(app: App, path: string): Promise<OpenNote> {
  const file = app.vault.getFileByPath(path);
  if (!file) throw new Error(`No file ${path} in the test vault`);
  const leaf = WorkspaceLeaf.create2__(app);
  const view = MarkdownView.create2__(leaf);
  (view as unknown as { file: TFile }).file = file;
  view.setViewData(await app.vault.read(file), true);
  await leaf.open(view as never);
  await leaf.openFile(file);
  app.workspace.setActiveLeaf(leaf);
  return { view: view as unknown as MarkdownViewOriginal, leaf: leaf as unknown as LeafOriginal, file };
}

/** A conversation store whose "data.json" is the returned object's `saved` field. */
export function memoryConversations(initial: StoredChat = { current: null, conversations: [] }) {
  const box: { saved: StoredChat; store: ConversationStore } = { saved: initial, store: null as unknown as ConversationStore };
  box.store = new ConversationStore(initial, async () => {
    box.saved = JSON.parse(JSON.stringify(box.store.toJSON())) as StoredChat;
  });
  return box;
}

export async function openChatView(app: App, host: Partial<ChatViewHost> = {}) {
  const services = fakeServices();
  const leaf = WorkspaceLeaf.create2__(app);
  const chat = memoryConversations();
  const fullHost: ChatViewHost = {
    services: () => services,
    lastMarkdownView: () => null,
    answerFolder: () => "",
    conversations: () => chat.store,
    ...host,
  };
  const view = new ChatView(leaf as unknown as LeafOriginal, fullHost);
  document.body.appendChild(view.containerEl);
  await view.onOpen();
  const root = view.containerEl;
  return { view, services, root, leaf, chat, app: app as unknown as AppOriginal };
}

/** Types into the question box and presses Enter, as a user would. */
export function typeAndPressEnter(root: HTMLElement, text: string, shift = false): HTMLTextAreaElement {
  const input = root.querySelector<HTMLTextAreaElement>("textarea.scholia-input")!;
  input.focus();
  input.value = text;
  input.dispatchEvent(new Event("input", { bubbles: true }));
  input.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", shiftKey: shift, bubbles: true, cancelable: true }));
  return input;
}

export function button(root: HTMLElement, label: string): HTMLButtonElement {
  const found = [...root.querySelectorAll<HTMLButtonElement>("button")].filter((b) => b.textContent === label);
  if (found.length === 0) throw new Error(`No button "${label}"`);
  return found[found.length - 1];
}

export async function settle(ms = 100): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

export async function waitFor(check: () => boolean, timeoutMs = 3000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error("Timed out waiting for the condition");
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Shown in the sense of Obsidian's show()/hide() (happy-dom does no layout, so no offsetParent). */
export function visible(el: HTMLElement): boolean {
  return el.style.display !== "none";
}
