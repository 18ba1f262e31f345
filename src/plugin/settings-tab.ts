// The settings tab. Every setting says in one sentence what it does; the API key goes to Obsidian's
// secret storage and never into data.json where that storage exists. Obsidian 1.13+ draws the tab
// from getSettingDefinitions() (and can search it); older versions call display().
import { PluginSettingTab, Setting, type App, type Plugin } from "obsidian";
import type { SecretStore } from "./secret-key";
import { LLM_PRESETS, MAX_CHUNK_TOKENS, MIN_CHUNK_TOKENS, parseFolderList, type EmbeddingKind, type IndexLocation, type LlmPreset, type ScholiaSettings } from "./settings";
import {
  chunkTokensError,
  EMBEDDING_KIND_OPTIONS,
  EXAMPLE_BASE_URL,
  INDEX_LOCATION_OPTIONS,
  isCatalogueModel,
  llmPresetOptions,
  LOCAL_MODEL_CHOICE,
  localModelOptions,
  OTHER_MODEL,
  settingDefinitions,
  TEXT,
  type SettingDefinitionItem,
} from "./settings-definitions";

/** What the tab needs from the plugin. */
export interface SettingsHost {
  readonly settings: ScholiaSettings;
  /** Applies and saves a change; `affectsIndex` means the index must be rebuilt with the new values. */
  updateSettings(patch: Partial<ScholiaSettings>): Promise<void>;
  readonly apiKey: SecretStore;
}

type FolderKey = "includeFolders" | "excludeFolders";
const TRIMMED: Array<keyof ScholiaSettings> = ["localModel", "remoteEmbeddingBaseUrl", "remoteEmbeddingModel", "llmBaseUrl", "llmModel", "indexFolder", "conceptFolder"];

export class ScholiaSettingTab extends PluginSettingTab {
  /** The user picked "another model ID" and is about to type one. */
  private customModel = false;

  constructor(
    app: App,
    plugin: Plugin,
    private readonly host: SettingsHost,
  ) {
    super(app, plugin);
  }

  /** Obsidian 1.13+: the tab as data, drawn and indexed for search by the app. */
  getSettingDefinitions(): SettingDefinitionItem[] {
    return settingDefinitions({
      settings: () => this.host.settings,
      customModel: () => this.customModel,
      secureKey: this.host.apiKey.secure,
      renderApiKey: (setting) => this.apiKeyControls(setting, () => this.redraw()),
    });
  }

  /** Obsidian 1.13+: the value a control shows. */
  getControlValue(key: string): unknown {
    const s = this.host.settings;
    if (key === LOCAL_MODEL_CHOICE) return this.customModel || !isCatalogueModel(s.localModel) ? OTHER_MODEL : s.localModel;
    if (key === "includeFolders" || key === "excludeFolders") return s[key].join("\n");
    return (s as unknown as Record<string, unknown>)[key];
  }

  /** Obsidian 1.13+: a control changed. Goes through updateSettings, which also resets a stale index. */
  async setControlValue(key: string, value: unknown): Promise<void> {
    const s = this.host.settings;
    switch (key) {
      case LOCAL_MODEL_CHOICE:
        this.customModel = value === OTHER_MODEL;
        if (!this.customModel && value !== s.localModel) await this.host.updateSettings({ localModel: String(value) });
        this.redraw();
        return;
      case "llmPreset": {
        const preset = value as LlmPreset;
        if (preset === s.llmPreset) return;
        await this.host.updateSettings({ llmPreset: preset, llmBaseUrl: LLM_PRESETS[preset].baseUrl, llmModel: LLM_PRESETS[preset].model });
        this.redraw();
        return;
      }
      case "includeFolders":
      case "excludeFolders":
        await this.saveFolders(key, String(value));
        return;
      case "chunkTokens": {
        const n = Math.round(Number(value));
        if (!chunkTokensError(n) && n !== s.chunkTokens) await this.host.updateSettings({ chunkTokens: n });
        return;
      }
      case "embeddingKind":
      case "indexLocation":
        await this.host.updateSettings({ [key]: value });
        this.redraw();
        return;
      default: {
        const text = TRIMMED.includes(key as keyof ScholiaSettings) ? String(value).trim() : String(value);
        if (key === "conceptFolder" && text === "") return;
        if (key in s && text !== (s as unknown as Record<string, unknown>)[key]) await this.host.updateSettings({ [key]: text });
      }
    }
  }

  /** Draws the tab again: through update() on 1.13+, display() before. */
  private redraw(): void {
    const update = (this as unknown as { update?: () => void }).update;
    if (typeof update === "function") update.call(this);
    else this.display();
  }

  private async saveFolders(key: FolderKey, text: string): Promise<void> {
    const list = parseFolderList(text);
    if (list.join("\n") !== this.host.settings[key].join("\n")) await this.host.updateSettings({ [key]: list });
  }

  /** The password field and the forget button of the API key row. */
  private apiKeyControls(setting: Setting, redraw: () => void): void {
    setting
      .addText((t) => {
        t.inputEl.type = "password";
        t.setPlaceholder(this.host.apiKey.get() ? "A key is stored (type to replace)" : "Key").onChange((v) => {
          const key = v.trim();
          if (key !== "" && key !== this.host.apiKey.get()) {
            this.host.apiKey.set(key);
            // The fallback store lives in settings; saving persists it there (and only there).
            void this.host.updateSettings({});
          }
        });
      })
      .addExtraButton((b) =>
        b
          .setIcon("trash")
          .setTooltip("Forget the stored key")
          .onClick(() => {
            this.host.apiKey.set("");
            void this.host.updateSettings({}).then(redraw);
          }),
      );
  }

  /** Obsidian before 1.13: the same settings, drawn imperatively. */
  override display(): void {
    const { containerEl } = this;
    containerEl.empty();
    const s = this.host.settings;
    const save = (patch: Partial<ScholiaSettings>, redraw = false) => {
      void this.host.updateSettings(patch).then(() => {
        if (redraw) this.display();
      });
    };
    const named = (key: keyof typeof TEXT) => new Setting(containerEl).setName(TEXT[key][0]).setDesc(TEXT[key][1]);
    const text = (key: keyof typeof TEXT, field: keyof ScholiaSettings, placeholder: string) =>
      named(key).addText((t) =>
        t
          .setPlaceholder(placeholder)
          .setValue(String(s[field] ?? ""))
          .onChange((v) => void this.setControlValue(field, v)),
      );

    new Setting(containerEl).setName("Embeddings").setHeading();
    named("embeddingKind").addDropdown((d) =>
      d
        .addOptions(EMBEDDING_KIND_OPTIONS)
        .setValue(s.embeddingKind)
        .onChange((v) => {
          if (v !== this.host.settings.embeddingKind) save({ embeddingKind: v as EmbeddingKind }, true);
        }),
    );
    if (s.embeddingKind === "local") {
      const known = isCatalogueModel(s.localModel);
      named("localModel").addDropdown((d) =>
        d
          .addOptions(localModelOptions())
          .setValue(known && !this.customModel ? s.localModel : OTHER_MODEL)
          .onChange((v) => void this.setControlValue(LOCAL_MODEL_CHOICE, v)),
      );
      if (!known || this.customModel) {
        named("localModelId").addText((t) =>
          t
            .setPlaceholder("Owner/model-name")
            .setValue(known ? "" : s.localModel)
            .onChange((v) => {
              const id = v.trim();
              if (id !== "" && id !== this.host.settings.localModel) save({ localModel: id });
            }),
        );
      }
    } else if (s.embeddingKind === "remote") {
      text("remoteEmbeddingBaseUrl", "remoteEmbeddingBaseUrl", EXAMPLE_BASE_URL);
      text("remoteEmbeddingModel", "remoteEmbeddingModel", "Nomic-embed-text");
    }

    new Setting(containerEl).setName("Answers").setHeading();
    named("llmPreset").addDropdown((d) =>
      d
        .addOptions(llmPresetOptions())
        .setValue(s.llmPreset)
        .onChange((v) => void this.setControlValue("llmPreset", v)),
    );
    if (s.llmPreset !== "none") {
      text("llmBaseUrl", "llmBaseUrl", EXAMPLE_BASE_URL);
      text("llmModel", "llmModel", "Model name");
      this.apiKeyControls(named(this.host.apiKey.secure ? "apiKeySecure" : "apiKeyPlain"), () => this.display());
    }
    named("answerInstructions").addTextArea((t) =>
      t
        .setPlaceholder("Answer in short paragraphs.")
        .setValue(s.answerInstructions)
        .onChange((v) => void this.setControlValue("answerInstructions", v)),
    );

    new Setting(containerEl).setName("Index").setHeading();
    for (const [key, placeholder] of [["includeFolders", "Papers"], ["excludeFolders", "Templates"]] as const) {
      named(key).addTextArea((t) =>
        t
          .setPlaceholder(placeholder)
          .setValue(s[key].join("\n"))
          .onChange((v) => void this.saveFolders(key, v)),
      );
    }
    named("indexLocation").addDropdown((d) =>
      d
        .addOptions(INDEX_LOCATION_OPTIONS)
        .setValue(s.indexLocation)
        .onChange((v) => {
          if (v !== this.host.settings.indexLocation) save({ indexLocation: v as IndexLocation }, true);
        }),
    );
    if (s.indexLocation === "folder") text("indexFolder", "indexFolder", ".scholia-index");
    named("chunkTokens").addText((t) => {
      t.inputEl.type = "number";
      t.setValue(String(s.chunkTokens)).onChange((v) => {
        const n = Number(v);
        if (!Number.isFinite(n)) return;
        const clamped = Math.min(MAX_CHUNK_TOKENS, Math.max(MIN_CHUNK_TOKENS, Math.round(n)));
        if (clamped !== this.host.settings.chunkTokens) save({ chunkTokens: clamped });
      });
    });

    new Setting(containerEl).setName("Concept notes").setHeading();
    text("conceptFolder", "conceptFolder", "Concepts");
  }
}
