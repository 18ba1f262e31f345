// The settings tab. Every setting says in one sentence what it does; the API key goes to Obsidian's
// secret storage and never into data.json where that storage exists.
import { PluginSettingTab, Setting, type App, type Plugin } from "obsidian";
import type { SecretStore } from "./secret-key";
import {
  EMBEDDING_MODELS,
  LLM_PRESETS,
  MAX_CHUNK_TOKENS,
  MIN_CHUNK_TOKENS,
  parseFolderList,
  type EmbeddingKind,
  type IndexLocation,
  type LlmPreset,
  type ScholiaSettings,
} from "./settings";

/** What the tab needs from the plugin. */
export interface SettingsHost {
  readonly settings: ScholiaSettings;
  /** Applies and saves a change; `affectsIndex` means the index must be rebuilt with the new values. */
  updateSettings(patch: Partial<ScholiaSettings>): Promise<void>;
  readonly apiKey: SecretStore;
}

const OTHER_MODEL = "__other__";

export class ScholiaSettingTab extends PluginSettingTab {
  constructor(
    app: App,
    plugin: Plugin,
    private readonly host: SettingsHost,
  ) {
    super(app, plugin);
  }

  override display(): void {
    const { containerEl } = this;
    containerEl.empty();
    const s = this.host.settings;
    const save = (patch: Partial<ScholiaSettings>, redraw = false) => {
      void this.host.updateSettings(patch).then(() => {
        if (redraw) this.display();
      });
    };

    new Setting(containerEl).setName("Embeddings").setHeading();

    new Setting(containerEl)
      .setName("Embedding model")
      .setDesc("Turns passages into vectors for meaning-based search; a local model runs on this device, a remote one on a server you name, none means keyword search only.")
      .addDropdown((d) =>
        d
          .addOptions({ local: "Local model", remote: "Remote OpenAI-compatible endpoint", none: "None (keyword search only)" })
          .setValue(s.embeddingKind)
          .onChange((v) => {
            if (v !== this.host.settings.embeddingKind) save({ embeddingKind: v as EmbeddingKind }, true);
          }),
      );

    if (s.embeddingKind === "local") {
      const known = EMBEDDING_MODELS.some((m) => m.id === s.localModel);
      new Setting(containerEl)
        .setName("Local model")
        .setDesc("Downloaded once on first use and cached; changing it rebuilds the index.")
        .addDropdown((d) => {
          for (const m of EMBEDDING_MODELS) d.addOption(m.id, m.label);
          d.addOption(OTHER_MODEL, "Another model ID…");
          d.setValue(known ? s.localModel : OTHER_MODEL).onChange((v) => {
            if (v === OTHER_MODEL) {
              if (known) this.display();
              return;
            }
            if (v !== this.host.settings.localModel) save({ localModel: v }, true);
          });
        });
      if (!known || s.localModel === "") {
        new Setting(containerEl)
          .setName("Model ID")
          .setDesc("Any Hugging Face feature-extraction model in the transformers.js layout, for example Xenova/multilingual-e5-small.")
          .addText((t) =>
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
      new Setting(containerEl)
        .setName("Embeddings base URL")
        .setDesc("The server's OpenAI-compatible API root, for example http://127.0.0.1:11434/v1 for Ollama.")
        .addText((t) =>
          t
            .setPlaceholder("https://host/v1")
            .setValue(s.remoteEmbeddingBaseUrl)
            .onChange((v) => {
              if (v.trim() !== this.host.settings.remoteEmbeddingBaseUrl) save({ remoteEmbeddingBaseUrl: v.trim() });
            }),
        );
      new Setting(containerEl)
        .setName("Embeddings model")
        .setDesc("The model name the server expects in its embeddings requests.")
        .addText((t) =>
          t
            .setPlaceholder("Nomic-embed-text")
            .setValue(s.remoteEmbeddingModel)
            .onChange((v) => {
              if (v.trim() !== this.host.settings.remoteEmbeddingModel) save({ remoteEmbeddingModel: v.trim() });
            }),
        );
    }

    new Setting(containerEl).setName("Answers").setHeading();

    new Setting(containerEl)
      .setName("Language model")
      .setDesc("Writes answers from the retrieved passages; with none, answers are built from your passages' own sentences, offline.")
      .addDropdown((d) => {
        for (const [id, p] of Object.entries(LLM_PRESETS)) d.addOption(id, p.label);
        d.setValue(s.llmPreset).onChange((v) => {
          const preset = v as LlmPreset;
          if (preset === this.host.settings.llmPreset) return;
          const defaults = LLM_PRESETS[preset];
          save({ llmPreset: preset, llmBaseUrl: defaults.baseUrl, llmModel: defaults.model }, true);
        });
      });

    if (s.llmPreset !== "none") {
      new Setting(containerEl)
        .setName("Base URL")
        .setDesc("The OpenAI-compatible API root of the server that answers, ending in /v1 for most servers.")
        .addText((t) =>
          t
            .setPlaceholder("https://host/v1")
            .setValue(s.llmBaseUrl)
            .onChange((v) => {
              if (v.trim() !== this.host.settings.llmBaseUrl) save({ llmBaseUrl: v.trim() });
            }),
        );
      new Setting(containerEl)
        .setName("Model")
        .setDesc("The chat model name as the server lists it.")
        .addText((t) =>
          t
            .setPlaceholder("Model name")
            .setValue(s.llmModel)
            .onChange((v) => {
              if (v.trim() !== this.host.settings.llmModel) save({ llmModel: v.trim() });
            }),
        );
      const keyDesc = this.host.apiKey.secure
        ? "Kept in Obsidian's secret storage, not in the plugin's settings file; leave empty for local servers."
        : "This Obsidian version has no secret storage, so the key is saved in the plugin's settings file; leave empty for local servers.";
      new Setting(containerEl)
        .setName("API key")
        .setDesc(keyDesc)
        .addText((t) => {
          t.inputEl.type = "password";
          t.setPlaceholder(this.host.apiKey.get() ? "A key is stored (type to replace)" : "Key").onChange((v) => {
            const key = v.trim();
            if (key !== "" && key !== this.host.apiKey.get()) {
              this.host.apiKey.set(key);
              // The fallback store lives in settings; saving persists it there (and only there).
              save({});
            }
          });
        })
        .addExtraButton((b) =>
          b
            .setIcon("trash")
            .setTooltip("Forget the stored key")
            .onClick(() => {
              this.host.apiKey.set("");
              save({}, true);
            }),
        );
    }

    new Setting(containerEl)
      .setName("Answer style")
      .setDesc("Instructions that every answer follows, for example the language, tone or length you want.")
      .addTextArea((t) =>
        t
          .setPlaceholder("Answer in French, in short paragraphs.")
          .setValue(s.answerInstructions)
          .onChange((v) => {
            if (v !== this.host.settings.answerInstructions) save({ answerInstructions: v });
          }),
      );

    new Setting(containerEl).setName("Index").setHeading();

    new Setting(containerEl)
      .setName("Folders to include")
      .setDesc("Only these folders are indexed, one per line or separated by commas; empty means the whole vault.")
      .addTextArea((t) =>
        t
          .setPlaceholder("Papers\nLectures")
          .setValue(s.includeFolders.join("\n"))
          .onChange((v) => {
            const list = parseFolderList(v);
            if (list.join("\n") !== this.host.settings.includeFolders.join("\n")) save({ includeFolders: list });
          }),
      );
    new Setting(containerEl)
      .setName("Folders to exclude")
      .setDesc("These folders are never indexed, even inside an included folder.")
      .addTextArea((t) =>
        t
          .setPlaceholder("Templates\nArchive")
          .setValue(s.excludeFolders.join("\n"))
          .onChange((v) => {
            const list = parseFolderList(v);
            if (list.join("\n") !== this.host.settings.excludeFolders.join("\n")) save({ excludeFolders: list });
          }),
      );
    new Setting(containerEl)
      .setName("Index location")
      .setDesc("The plugin folder travels with your settings; a vault folder you exclude from sync keeps large indexes off other devices.")
      .addDropdown((d) =>
        d
          .addOptions({ plugin: "Plugin folder", folder: "A vault folder" })
          .setValue(s.indexLocation)
          .onChange((v) => {
            if (v !== this.host.settings.indexLocation) save({ indexLocation: v as IndexLocation }, true);
          }),
      );
    if (s.indexLocation === "folder") {
      new Setting(containerEl)
        .setName("Index folder")
        .setDesc("A vault-relative folder for the index files; exclude it from your sync service.")
        .addText((t) =>
          t
            .setPlaceholder(".scholia-index")
            .setValue(s.indexFolder)
            .onChange((v) => {
              if (v.trim() !== this.host.settings.indexFolder) save({ indexFolder: v.trim() });
            }),
        );
    }
    new Setting(containerEl)
      .setName("Passage size")
      .setDesc(`How many tokens (about words) each indexed passage holds, from ${MIN_CHUNK_TOKENS} to ${MAX_CHUNK_TOKENS}; smaller passages give sharper citations, larger ones more context.`)
      .addText((t) => {
        t.inputEl.type = "number";
        t.setValue(String(s.chunkTokens)).onChange((v) => {
          const n = Number(v);
          if (!Number.isFinite(n)) return;
          const clamped = Math.min(MAX_CHUNK_TOKENS, Math.max(MIN_CHUNK_TOKENS, Math.round(n)));
          if (clamped !== this.host.settings.chunkTokens) save({ chunkTokens: clamped });
        });
      });

    new Setting(containerEl).setName("Concept notes").setHeading();
    new Setting(containerEl)
      .setName("Concept note folder")
      .setDesc("Where generated concept notes are written; notes you edited there are never overwritten.")
      .addText((t) =>
        t
          .setPlaceholder("Concepts")
          .setValue(s.conceptFolder)
          .onChange((v) => {
            if (v.trim() !== "" && v.trim() !== this.host.settings.conceptFolder) save({ conceptFolder: v.trim() });
          }),
      );
  }
}
