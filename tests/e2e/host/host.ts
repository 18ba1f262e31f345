// The page-side host for the browser test: obsidian-test-mocks as the `obsidian` module, plus the thin
// layer a page needs that the mocks lack (see docs/browser-testing.md): non-enumerable prototype
// helpers, views attached to leaves and the document, a markdown renderer that renders, Obsidian's
// link format for non-markdown files, pdf.js for loadPdfJs(), and a log of openLinkText calls.
// Bundled with esbuild into an IIFE by the test; exposes `window.scholiaHost`.
import * as mocks from "obsidian-test-mocks/obsidian";
import { setup } from "obsidian-test-mocks/setup";
import { renderMiniMarkdown } from "../../plugin/mini-markdown";
import { Retriever } from "../../../src/core/search/retriever";
import type { SearchMode } from "../../../src/core/types";
import { loadedNotice, type LoadedIndex } from "../../../src/plugin/core-index-service";
import type { IndexStatus } from "../../../src/plugin/services";
import { redirectModelDownloads, startedWorkers } from "./redirect-model-downloads";

type AnyRecord = Record<string, unknown>;

// eslint-disable-next-line @typescript-eslint/unbound-method -- kept to be put back, never called here
const nativeFindLastIndex = Array.prototype.findLastIndex;
const targets: object[] = [Array, Array.prototype, Document.prototype, DocumentFragment.prototype, Element.prototype, HTMLElement.prototype, Math, Node.prototype, Number, Object, SVGElement.prototype, String, String.prototype];
const before = new Map(targets.map((t) => [t, new Set(Object.keys(t))]));
setup();
// Obsidian defines its DOM helpers as non-enumerable; enumerable ones break for…in over arrays.
for (const t of targets) {
  for (const key of Object.keys(t)) {
    if (before.get(t)?.has(key)) continue;
    const desc = Object.getOwnPropertyDescriptor(t, key);
    if (desc) Object.defineProperty(t, key, { ...desc, enumerable: false });
  }
}
Object.defineProperty(Array.prototype, "findLastIndex", { value: nativeFindLastIndex, enumerable: false, writable: true, configurable: true });

interface BootOptions {
  manifest: AnyRecord;
  settings: AnyRecord;
  textFiles: Record<string, string>;
  binaryFiles: Record<string, number[]>;
  apiKey?: string;
  /** Loopback hub the embedding worker downloads models from (see redirect-model-downloads.ts). */
  modelHost?: string;
}

/** A status change as the user saw it: the service's status and the two places that show it. */
interface StatusSample extends IndexStatus {
  at: number;
  statusBar: string;
  panel: string;
}

const opened: Array<{ linktext: string; sourcePath: string }> = [];

async function loadPdfJs(): Promise<unknown> {
  const url = "/pdfjs/pdf.min.mjs";
  // eslint-disable-next-line no-unsanitized/method -- a fixed same-origin URL served by the test
  const pdfjs = (await import(/* @vite-ignore */ url)) as { GlobalWorkerOptions: { workerSrc: string } };
  pdfjs.GlobalWorkerOptions.workerSrc = "/pdfjs/pdf.worker.min.mjs";
  return pdfjs;
}

async function boot(opts: BootOptions) {
  if (opts.modelHost) redirectModelDownloads(opts.modelHost);
  const app = mocks.App.createConfigured__({ files: opts.textFiles });
  for (const [path, bytes] of Object.entries(opts.binaryFiles)) {
    const folder = path.includes("/") ? path.slice(0, path.lastIndexOf("/")) : "";
    if (folder && !app.vault.getAbstractFileByPath(folder)) await app.vault.createFolder(folder);
    await app.vault.createBinary(path, new Uint8Array(bytes).buffer);
  }
  // The mocks keep text and binary files apart and give every file size 0 and mtime 0; Obsidian
  // reads any file as bytes and knows its size and modification time.
  const adapter = app.vault.adapter as unknown as AnyRecord & { readBinary(p: string): Promise<ArrayBuffer>; read(p: string): Promise<string> };
  const readBinary = adapter.readBinary.bind(adapter);
  adapter.readBinary = async (p: string) => {
    try {
      return await readBinary(p);
    } catch {
      const bytes = new TextEncoder().encode(await adapter.read(p));
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    }
  };
  const stamp = async (file: unknown) => {
    const f = file as { path: string; stat: { ctime: number; mtime: number; size: number } };
    if (!f || !("stat" in f)) return;
    const size = (await adapter.readBinary(f.path)).byteLength;
    f.stat = { ctime: f.stat.ctime || Date.now(), mtime: Date.now(), size };
  };
  for (const f of app.vault.getFiles()) await stamp(f);
  app.vault.on("create", (f) => void stamp(f));
  app.vault.on("modify", (f) => void stamp(f));
  // Obsidian keeps the extension in links to non-markdown files ("paper.pdf#page=3").
  (app.fileManager as unknown as AnyRecord).generateMarkdownLink = (file: { path: string; extension: string; basename: string; name: string }, _src: string, subpath?: string, alias?: string) => {
    const base = file.extension === "md" ? file.path.slice(0, -3) : file.path;
    return `[[${base}${subpath ?? ""}${alias ? `|${alias}` : ""}]]`;
  };
  (app.workspace as unknown as AnyRecord).openLinkText = async (linktext: string, sourcePath: string) => {
    opened.push({ linktext, sourcePath });
  };
  if (opts.apiKey) app.secretStorage.setSecret("scholia-llm-api-key", opts.apiKey);
  // Modals stay open on the page until closed (the mocks close them on the next tick), title first.
  type ModalLike = { open(): void; close(): void; onOpen(): unknown; onClose(): void; containerEl: HTMLElement; modalEl: HTMLElement; titleEl: HTMLElement };
  const modalProto = mocks.Modal.prototype as unknown as ModalLike;
  modalProto.open = function (this: ModalLike) {
    this.containerEl.addClass("e2e-modal");
    this.modalEl.prepend(this.titleEl);
    this.titleEl.addClass("e2e-modal-title");
    document.body.appendChild(this.containerEl);
    void this.onOpen();
  };
  modalProto.close = function (this: ModalLike) {
    this.onClose();
    this.containerEl.remove();
  };

  const obsidian: AnyRecord = { ...mocks, loadPdfJs };
  vi_mockRender(obsidian);
  const module = { exports: {} as AnyRecord };
  const require = (name: string) => {
    if (name === "obsidian") return obsidian;
    throw new Error(`The plugin required "${name}", which a browser page does not have.`);
  };
  // main.js is served wrapped in a function (CommonJS with an injected require, as Obsidian runs it).
  const runMain = (window as unknown as { scholiaMain?: (m: unknown, e: unknown, r: unknown) => void }).scholiaMain;
  if (!runMain) throw new Error("main.js was not loaded into the page.");
  runMain(module, module.exports, require);
  const PluginClass = (module.exports.default ?? module.exports) as new (app: unknown, manifest: unknown) => AnyRecord;
  const plugin = new PluginClass(app, opts.manifest) as AnyRecord & {
    onload(): Promise<void>;
    saveData(d: unknown): Promise<void>;
    views__: Map<string, (leaf: unknown) => AnyRecord>;
  };
  await plugin.saveData(opts.settings);
  await plugin.onload();
  app.workspace.setLayoutReady__();

  // The note the user is editing: a markdown view whose edits are saved back to the vault.
  const noteLeaf = mocks.WorkspaceLeaf.create2__(app);
  const noteView = mocks.MarkdownView.create2__(noteLeaf);
  const noteFile = app.vault.getFileByPath("Lecture notes.md");
  (noteView as unknown as AnyRecord).file = noteFile;
  noteView.setViewData(await app.vault.read(noteFile as never), true);
  await noteLeaf.open(noteView as never);
  await noteLeaf.openFile(noteFile as never);
  app.workspace.setActiveLeaf(noteLeaf);
  noteView.editor.setCursor({ line: noteView.editor.lastLine(), ch: 0 });

  // The sidebar: the registered view creator, a leaf, its container attached to the page.
  const creator = plugin.views__.get("scholia-chat");
  if (!creator) throw new Error("The plugin registered no scholia-chat view.");
  const chatLeaf = mocks.WorkspaceLeaf.create2__(app);
  const view = creator(chatLeaf) as AnyRecord & { containerEl: HTMLElement; onOpen(): Promise<void> };
  const pane = document.getElementById("sidebar")!;
  view.containerEl.addClass("workspace-leaf-content");
  pane.appendChild(view.containerEl);
  await view.onOpen();
  // The status bar item the plugin added.
  const bar = (plugin as unknown as { statusBarItems__: HTMLElement[] }).statusBarItems__[0];
  if (bar) document.getElementById("statusbar")!.appendChild(bar);
  // Recorded after the status bar and the panel have rendered the change (they subscribed first).
  const services = (plugin as unknown as { services: { index: { onStatus(l: (s: IndexStatus) => void): () => void } } }).services;
  services.index.onStatus((s) =>
    statusLog.push({
      ...s,
      at: performance.now(),
      statusBar: bar?.textContent ?? "",
      panel: document.querySelector(".scholia-status-text")?.textContent ?? "",
    }),
  );

  return { app, plugin, noteView, noteFile };
}

function vi_mockRender(obsidian: AnyRecord): void {
  const Renderer = obsidian.MarkdownRenderer as { render: (...args: unknown[]) => Promise<void> };
  renderCalls.length = 0;
  Renderer.render = async (_app: unknown, markdown: unknown, el: unknown) => {
    renderCalls.push(String(markdown));
    renderMiniMarkdown(String(markdown), el as HTMLElement);
  };
}

const renderCalls: string[] = [];
let world: Awaited<ReturnType<typeof boot>> | null = null;
const longTasks: number[] = [];
const longTaskTimes: Array<{ start: number; duration: number }> = [];
const statusLog: StatusSample[] = [];

type IndexServiceHandle = {
  load(): Promise<LoadedIndex>;
  indexVault(): Promise<void>;
  rebuild(): Promise<void>;
  report(): Array<{ path: string; status: string; reason?: string; chunks: number }>;
};

function indexService(): IndexServiceHandle {
  if (!world) throw new Error("not booted");
  return (world.plugin as unknown as { services: { index: IndexServiceHandle } }).services.index;
}

const scholiaHost = {
  async boot(opts: BootOptions) {
    world = await boot(opts);
    return true;
  },
  opened: () => opened.slice(),
  renderCalls: () => renderCalls.slice(),
  /** What the note file holds after Obsidian would have saved the editor. */
  async saveNote(): Promise<string> {
    if (!world) throw new Error("not booted");
    await world.app.vault.modify(world.noteFile as never, world.noteView.editor.getValue());
    return world.app.vault.read(world.noteFile as never);
  },
  async readFile(path: string): Promise<string | null> {
    const f = world?.app.vault.getFileByPath(path);
    return f ? world!.app.vault.read(f) : null;
  },
  listFiles: () => world?.app.vault.getFiles().map((f) => f.path) ?? [],
  /** Runs a command as the palette would, with `activePath` as the active file. */
  runCommand(id: string, activePath?: string): boolean {
    if (!world) throw new Error("not booted");
    const app = world.app;
    if (activePath) (app.workspace as unknown as AnyRecord).getActiveFile = () => app.vault.getFileByPath(activePath);
    const commands = (world.plugin as unknown as { commands__: Map<string, { callback?(): void; checkCallback?(checking: boolean): boolean }> }).commands__;
    const command = commands.get(id);
    if (!command) throw new Error(`No command ${id}`);
    if (command.checkCallback) return command.checkCallback(false);
    command.callback?.();
    return true;
  },
  startLongTaskCount(): void {
    longTasks.length = 0;
    longTaskTimes.length = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        longTasks.push(e.duration);
        longTaskTimes.push({ start: e.startTime, duration: e.duration });
      }
    }).observe({ type: "longtask", buffered: false });
  },
  longTasks: () => longTasks.slice(),
  /** The long tasks with their start (performance.now() time), to place them against the status log. */
  longTaskTimes: () => longTaskTimes.slice(),
  /** Workers the page started since boot (recorded when `modelHost` was given). */
  startedWorkers,
  /** Every index status change since boot, oldest first. */
  statusLog: () => statusLog.slice(),
  /** What the loaded index says about itself: the model its vectors came from, and its size. */
  async indexInfo(): Promise<{ modelId: string | null; embedderId: string | null; dims: number; chunks: number; notice?: string }> {
    const loaded = await indexService().load();
    return { modelId: loaded.index.modelId, embedderId: loaded.embedder?.id ?? null, dims: loaded.embedder?.dims ?? 0, chunks: loaded.index.chunkCount, notice: loadedNotice(loaded) };
  },
  /** A search over the plugin's own index and embedder, as the answerer runs it, in a chosen mode. */
  async search(query: string, mode: SearchMode, k = 5): Promise<{ effectiveMode: SearchMode; notice?: string; passages: Array<{ path: string; text: string; score: number }> }> {
    const loaded = await indexService().load();
    const result = await new Retriever(loaded.index, loaded.embedder).searchDetailed(query, { mode, k });
    return {
      effectiveMode: result.effectiveMode,
      notice: result.notice,
      passages: result.passages.map((p) => ({ path: p.chunk.path, text: p.chunk.text, score: p.score })),
    };
  },
  async indexVault(): Promise<{ files: number; chunks: number; failed: string[] }> {
    await indexService().indexVault();
    return indexSummary();
  },
  /** The "Rebuild the index" command's work: the index thrown away and built again. */
  async rebuild(): Promise<{ files: number; chunks: number; failed: string[] }> {
    await indexService().rebuild();
    return indexSummary();
  },
};

function indexSummary(): { files: number; chunks: number; failed: string[] } {
  const report = indexService().report();
  return {
    files: report.length,
    chunks: report.reduce((s, f) => s + f.chunks, 0),
    failed: report.filter((f) => f.status === "failed").map((f) => `${f.path}: ${f.reason}`),
  };
}

(window as unknown as AnyRecord).scholiaHost = scholiaHost;
