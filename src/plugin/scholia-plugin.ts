// The plugin object: it wires settings, the sidebar, commands, the status bar and background indexing
// to the services. Nothing heavy happens in onload; the index and the model load on first use.
import { MarkdownView, Plugin, TAbstractFile, TFile, type WorkspaceLeaf } from "obsidian";
import { isInFolder } from "../core/util/paths";
import { BackgroundIndexer } from "./background-indexer";
import { ChatView, VIEW_TYPE_CHAT, type ChatViewHost } from "./chat-view";
import { registerCommands, registerFileMenu } from "./commands";
import { ConversationStore, parseStoredChat } from "./conversation-store";
import { createCoreServices } from "./core-services";
import type { Embedder } from "../core/embed/embedder";
import { createSecretStore, type SecretStore } from "./secret-key";
import type { ScholiaServices } from "./services";
import { DEFAULT_SETTINGS, parseSettings, type ScholiaSettings } from "./settings";
import { ScholiaSettingTab } from "./settings-tab";
import { StatusBarItem } from "./status-bar";
import { indexDirFor } from "./vault-io";

const INDEXABLE_EXTENSIONS = new Set(["md", "pdf", "srt", "vtt"]);

/** Settings changes after which the existing index no longer matches. */
const INDEX_KEYS: Array<keyof ScholiaSettings> = [
  "embeddingKind",
  "localModel",
  "remoteEmbeddingBaseUrl",
  "remoteEmbeddingModel",
  "includeFolders",
  "excludeFolders",
  "indexLocation",
  "indexFolder",
  "chunkTokens",
];

export default class ScholiaPlugin extends Plugin {
  settings: ScholiaSettings = { ...DEFAULT_SETTINGS };
  apiKey: SecretStore = { secure: false, get: () => "", set: () => undefined };
  private servicesCache: (ScholiaServices & { dispose?: () => void }) | null = null;
  private lastMarkdownLeaf: WorkspaceLeaf | null = null;
  private indexer: BackgroundIndexer | null = null;
  private statusBar: StatusBarItem | null = null;
  conversations: ConversationStore = new ConversationStore({ current: null, conversations: [] }, () => this.saveAll());

  override async onload(): Promise<void> {
    await this.loadSettings();
    this.apiKey = createSecretStore(this.app, {
      get: () => this.settings.llmApiKeyFallback,
      set: (value) => {
        if (value === undefined) delete this.settings.llmApiKeyFallback;
        else this.settings.llmApiKeyFallback = value;
      },
    });

    this.registerView(VIEW_TYPE_CHAT, (leaf) => new ChatView(leaf, this.viewHost()));
    this.addRibbonIcon("messages-square", "Ask your vault", () => void this.activateView());
    const commandHost = {
      services: () => this.services,
      activateView: () => this.activateView(),
      isIndexable: (path: string) => this.isIndexable(path),
    };
    registerCommands(this, commandHost);
    registerFileMenu(this, commandHost);
    this.addSettingTab(new ScholiaSettingTab(this.app, this, this));

    this.app.workspace.onLayoutReady(() => this.onLayoutReady());
  }

  override onunload(): void {
    this.indexer?.dispose();
    this.statusBar?.dispose();
    this.disposeServices();
  }

  private onLayoutReady(): void {
    this.statusBar = new StatusBarItem(this.addStatusBarItem(), this.services.index);
    this.registerEvent(
      this.app.workspace.on("active-leaf-change", (leaf) => {
        if (leaf?.view instanceof MarkdownView) this.lastMarkdownLeaf = leaf;
      }),
    );
    const indexer = new BackgroundIndexer(() => this.services.index, (path) => this.isIndexable(path));
    this.indexer = indexer;
    const isFile = (f: TAbstractFile): f is TFile => f instanceof TFile;
    this.registerEvent(this.app.vault.on("create", (f) => isFile(f) && indexer.changedFile(f.path)));
    this.registerEvent(this.app.vault.on("modify", (f) => isFile(f) && indexer.changedFile(f.path)));
    this.registerEvent(this.app.vault.on("delete", (f) => isFile(f) && indexer.deletedFile(f.path)));
    this.registerEvent(this.app.vault.on("rename", (f, oldPath) => isFile(f) && indexer.renamedFile(oldPath, f.path)));
  }

  /** The services, created on first use. Creating them loads nothing. */
  get services(): ScholiaServices {
    if (!this.servicesCache) this.servicesCache = this.createServices();
    return this.servicesCache;
  }

  /** Overridden by tests to supply fakes. */
  protected createServices(): ScholiaServices {
    return createCoreServices(this.app, {
      settings: () => this.settings,
      apiKey: () => this.apiKey.get(),
      indexDir: () => this.indexDir(),
      isIndexable: (path) => this.isIndexable(path),
      localEmbedder: this.localEmbedderFactory(),
    });
  }

  /** How a local model runs; main.ts supplies the Web Worker. Without one, local models fall back to
   *  keyword search with a notice (tests and bundles that leave the model runtime out). */
  protected localEmbedderFactory(): ((model: string, onProgress: (fraction: number) => void) => Embedder) | undefined {
    return undefined;
  }

  private disposeServices(): void {
    this.servicesCache?.dispose?.();
    this.servicesCache = null;
  }

  indexDir(): string {
    return indexDirFor(this.app, this.settings.indexLocation, this.settings.indexFolder);
  }

  isIndexable(path: string): boolean {
    const ext = path.slice(path.lastIndexOf(".") + 1).toLowerCase();
    if (!INDEXABLE_EXTENSIONS.has(ext)) return false;
    if (path.startsWith(`${this.app.vault.configDir}/`)) return false;
    if (this.settings.indexLocation === "folder" && this.settings.indexFolder && isInFolder(path, this.settings.indexFolder)) return false;
    const s = this.settings;
    if (s.includeFolders.length > 0 && !s.includeFolders.some((f) => isInFolder(path, f))) return false;
    return !s.excludeFolders.some((f) => isInFolder(path, f));
  }

  async loadSettings(): Promise<void> {
    const raw: unknown = await this.loadData();
    this.settings = parseSettings(raw);
    const chat = raw && typeof raw === "object" ? (raw as { chat?: unknown }).chat : undefined;
    this.conversations = new ConversationStore(parseStoredChat(chat), () => this.saveAll());
  }

  /** Settings and conversations share data.json; whichever changes, both are written. */
  private async saveAll(): Promise<void> {
    await this.saveData({ ...this.settings, chat: this.conversations.toJSON() });
  }

  async updateSettings(patch: Partial<ScholiaSettings>): Promise<void> {
    const before = this.settings;
    this.settings = parseSettings({ ...before, ...patch });
    if (patch.llmApiKeyFallback === undefined && "llmApiKeyFallback" in patch) delete this.settings.llmApiKeyFallback;
    await this.saveAll();
    // A different model, chunking or folder set makes the loaded index stale: start over lazily.
    if (INDEX_KEYS.some((k) => JSON.stringify(before[k]) !== JSON.stringify(this.settings[k]))) this.disposeServices();
  }

  async activateView(): Promise<ChatView | null> {
    const { workspace } = this.app;
    let leaf: WorkspaceLeaf | null = workspace.getLeavesOfType(VIEW_TYPE_CHAT)[0] ?? null;
    if (!leaf) {
      leaf = workspace.getRightLeaf(false);
      if (!leaf) return null;
      await leaf.setViewState({ type: VIEW_TYPE_CHAT, active: true });
    }
    await workspace.revealLeaf(leaf);
    return leaf.view instanceof ChatView ? leaf.view : null;
  }

  /** The markdown note the user was last in: the active one, else the last one that was active. */
  lastMarkdownView(): MarkdownView | null {
    const active = this.app.workspace.getActiveViewOfType(MarkdownView);
    if (active) return active;
    const view = this.lastMarkdownLeaf?.view;
    if (view instanceof MarkdownView && view.file) return view;
    return null;
  }

  private viewHost(): ChatViewHost {
    return {
      services: () => this.services,
      lastMarkdownView: () => this.lastMarkdownView(),
      answerFolder: () => "",
      conversations: () => this.conversations,
    };
  }
}
