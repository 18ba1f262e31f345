// The settings described declaratively, for Obsidian 1.13+ (which draws the tab from them and finds
// them in its settings search); settings-tab.ts keeps display() for older versions and uses the same
// names and descriptions. The installed typings are 1.12, so the part of the 1.13 API used here is
// declared below, following the published migration guide.
import type { Setting } from "obsidian";
import { EMBEDDING_MODELS, LLM_PRESETS, MAX_CHUNK_TOKENS, MIN_CHUNK_TOKENS, type ScholiaSettings } from "./settings";

interface ControlBase<V> {
  key: string;
  defaultValue?: V;
  /** A returned message rejects the value and is shown inline. */
  validate?: (value: V) => string | void;
}
export type SettingControl =
  | (ControlBase<string> & { type: "dropdown"; options: Record<string, string> })
  | (ControlBase<string> & { type: "text"; placeholder?: string })
  | (ControlBase<string> & { type: "textarea"; placeholder?: string; rows?: number })
  | (ControlBase<number> & { type: "number"; min?: number; max?: number; step?: number });

interface DefinitionBase {
  name: string;
  desc?: string;
  aliases?: string[];
  visible?: boolean | (() => boolean);
}
export type SettingDefinition =
  | (DefinitionBase & { control: SettingControl; render?: never })
  | (DefinitionBase & { render: (setting: Setting) => void | (() => void); control?: never });
export interface SettingDefinitionGroup {
  type: "group";
  heading?: string;
  items: SettingDefinition[];
}
export type SettingDefinitionItem = SettingDefinition | SettingDefinitionGroup;

/** The control key of the local-model dropdown, which also offers "another model ID". */
export const LOCAL_MODEL_CHOICE = "localModelChoice";
export const OTHER_MODEL = "__other__";

/** Names and one-sentence descriptions, shared by both ways of drawing the tab. */
export const TEXT = {
  embeddingKind: ["Embedding model", "Turns passages into vectors for meaning-based search; a local model runs on this device, a remote one on a server you name, none means keyword search only."],
  localModel: ["Local model", "Downloaded once on first use and cached; changing it rebuilds the index."],
  localModelId: ["Model ID", "Any Hugging Face feature-extraction model in the transformers.js layout, written as owner/name."],
  remoteEmbeddingBaseUrl: ["Embeddings base URL", "The root of the server's OpenAI-compatible API, usually ending in /v1."],
  remoteEmbeddingModel: ["Embeddings model", "The model name the server expects in its embeddings requests."],
  llmPreset: ["Language model", "Writes answers from the retrieved passages; with none, answers are built from your passages' own sentences, offline."],
  llmBaseUrl: ["Base URL", "The OpenAI-compatible API root of the server that answers, ending in /v1 for most servers."],
  llmModel: ["Model", "The chat model name as the server lists it."],
  apiKeySecure: ["API key", "Kept in Obsidian's secret storage, not in the plugin's settings file; leave empty for local servers."],
  apiKeyPlain: ["API key", "This Obsidian version has no secret storage, so the key is saved in the plugin's settings file; leave empty for local servers."],
  answerInstructions: ["Answer style", "Instructions that every answer follows, for example the language, tone or length you want."],
  includeFolders: ["Folders to include", "Only these folders are indexed, one per line or separated by commas; empty means the whole vault."],
  excludeFolders: ["Folders to exclude", "These folders are never indexed, even inside an included folder."],
  indexLocation: ["Index location", "The plugin folder travels with your settings; a vault folder you exclude from sync keeps large indexes off other devices."],
  indexFolder: ["Index folder", "A vault-relative folder for the index files; exclude it from your sync service."],
  chunkTokens: ["Passage size", `How many tokens (about words) each indexed passage holds, from ${MIN_CHUNK_TOKENS} to ${MAX_CHUNK_TOKENS}; smaller passages give sharper citations, larger ones more context.`],
  conceptFolder: ["Concept note folder", "Where generated concept notes are written; notes you edited there are never overwritten."],
} as const satisfies Record<string, readonly [string, string]>;

export const EMBEDDING_KIND_OPTIONS = { local: "Local model", remote: "Remote OpenAI-compatible endpoint", none: "None (keyword search only)" };
export const INDEX_LOCATION_OPTIONS = { plugin: "Plugin folder", folder: "A vault folder" };
/** Example values shown as placeholders; kept out of UI sentences, where they are not prose. */
export const EXAMPLE_BASE_URL = LLM_PRESETS.ollama.baseUrl;

export function llmPresetOptions(): Record<string, string> {
  return Object.fromEntries(Object.entries(LLM_PRESETS).map(([id, p]) => [id, p.label]));
}

export function localModelOptions(): Record<string, string> {
  return { ...Object.fromEntries(EMBEDDING_MODELS.map((m) => [m.id, m.label])), [OTHER_MODEL]: "Another model ID…" };
}

export function isCatalogueModel(id: string): boolean {
  return EMBEDDING_MODELS.some((m) => m.id === id);
}

export function chunkTokensError(n: number): string | void {
  if (!Number.isFinite(n) || n < MIN_CHUNK_TOKENS || n > MAX_CHUNK_TOKENS) return `Use a number from ${MIN_CHUNK_TOKENS} to ${MAX_CHUNK_TOKENS}.`;
}

export interface DefinitionContext {
  settings(): ScholiaSettings;
  /** True while the user is typing a model ID that is not in the catalogue. */
  customModel(): boolean;
  secureKey: boolean;
  /** The API key row, drawn imperatively (there is no password control). */
  renderApiKey(setting: Setting): void;
}

const row = (key: keyof typeof TEXT, control: SettingControl, visible?: () => boolean): SettingDefinition => ({
  name: TEXT[key][0],
  desc: TEXT[key][1],
  control,
  ...(visible ? { visible } : {}),
});

export function settingDefinitions(ctx: DefinitionContext): SettingDefinitionItem[] {
  const s = () => ctx.settings();
  const local = () => s().embeddingKind === "local";
  const remote = () => s().embeddingKind === "remote";
  const llm = () => s().llmPreset !== "none";
  const key = ctx.secureKey ? TEXT.apiKeySecure : TEXT.apiKeyPlain;
  return [
    {
      type: "group",
      heading: "Embeddings",
      items: [
        row("embeddingKind", { type: "dropdown", key: "embeddingKind", options: EMBEDDING_KIND_OPTIONS }),
        row("localModel", { type: "dropdown", key: LOCAL_MODEL_CHOICE, options: localModelOptions() }, local),
        row("localModelId", { type: "text", key: "localModel", placeholder: "Owner/model-name" }, () => local() && (ctx.customModel() || !isCatalogueModel(s().localModel))),
        row("remoteEmbeddingBaseUrl", { type: "text", key: "remoteEmbeddingBaseUrl", placeholder: EXAMPLE_BASE_URL }, remote),
        row("remoteEmbeddingModel", { type: "text", key: "remoteEmbeddingModel", placeholder: "Nomic-embed-text" }, remote),
      ],
    },
    {
      type: "group",
      heading: "Answers",
      items: [
        row("llmPreset", { type: "dropdown", key: "llmPreset", options: llmPresetOptions() }),
        row("llmBaseUrl", { type: "text", key: "llmBaseUrl", placeholder: EXAMPLE_BASE_URL }, llm),
        row("llmModel", { type: "text", key: "llmModel", placeholder: "Model name" }, llm),
        { name: key[0], desc: key[1], aliases: ["token", "secret"], visible: llm, render: (setting) => ctx.renderApiKey(setting) },
        row("answerInstructions", { type: "textarea", key: "answerInstructions", placeholder: "Answer in short paragraphs." }),
      ],
    },
    {
      type: "group",
      heading: "Index",
      items: [
        row("includeFolders", { type: "textarea", key: "includeFolders", placeholder: "Papers" }),
        row("excludeFolders", { type: "textarea", key: "excludeFolders", placeholder: "Templates" }),
        row("indexLocation", { type: "dropdown", key: "indexLocation", options: INDEX_LOCATION_OPTIONS }),
        row("indexFolder", { type: "text", key: "indexFolder", placeholder: ".scholia-index" }, () => s().indexLocation === "folder"),
        row("chunkTokens", { type: "number", key: "chunkTokens", min: MIN_CHUNK_TOKENS, max: MAX_CHUNK_TOKENS, step: 1, validate: chunkTokensError }),
      ],
    },
    {
      type: "group",
      heading: "Concept notes",
      items: [row("conceptFolder", { type: "text", key: "conceptFolder", placeholder: "Concepts", validate: (v) => (v.trim() === "" ? "Name a folder." : undefined) })],
    },
  ];
}
