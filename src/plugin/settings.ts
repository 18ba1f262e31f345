// The plugin's settings: their shape, defaults, the LLM presets and the embedding-model catalogue,
// and how they are read back from data.json (tolerating old or hand-edited files). The API key is
// not part of these settings: see secret-key.ts.
import { DEFAULT_MODEL_ID, MODEL_CHOICES } from "../core/embed/models";
import { DEFAULT_CHUNK_TOKENS } from "../core/util/tokens";

export type EmbeddingKind = "local" | "remote" | "none";
export type LlmPreset = "none" | "openai" | "ollama" | "lmstudio" | "custom";
export type IndexLocation = "plugin" | "folder";

export interface ScholiaSettings {
  embeddingKind: EmbeddingKind;
  /** A catalogue id or any Hugging Face feature-extraction model id. */
  localModel: string;
  remoteEmbeddingBaseUrl: string;
  remoteEmbeddingModel: string;
  llmPreset: LlmPreset;
  llmBaseUrl: string;
  llmModel: string;
  /** Extra instructions for the style of answers (language, tone, length). */
  answerInstructions: string;
  /** Vault folders to index; empty means the whole vault. */
  includeFolders: string[];
  excludeFolders: string[];
  indexLocation: IndexLocation;
  /** Vault folder for the index when indexLocation is "folder" (one the user excludes from sync). */
  indexFolder: string;
  chunkTokens: number;
  conceptFolder: string;
  /** Used only where Obsidian has no secret storage (before 1.11.4). */
  llmApiKeyFallback?: string;
}

/** The settings dropdown's choices: the core's model catalogue (reasoning in README). */
export const EMBEDDING_MODELS: Array<{ id: string; label: string }> = MODEL_CHOICES.map((m) => ({
  id: m.id,
  label: `${m.name} (${m.downloadMB} MB)${m.id === DEFAULT_MODEL_ID ? ", default" : ""}`,
}));

export const DEFAULT_LOCAL_MODEL = DEFAULT_MODEL_ID;

export interface PresetDefaults {
  label: string;
  baseUrl: string;
  model: string;
  needsKey: boolean;
}

export const LLM_PRESETS: Record<LlmPreset, PresetDefaults> = {
  none: { label: "None (offline answers from your passages)", baseUrl: "", model: "", needsKey: false },
  openai: { label: "OpenAI", baseUrl: "https://api.openai.com/v1", model: "gpt-4o-mini", needsKey: true },
  ollama: { label: "Ollama", baseUrl: "http://127.0.0.1:11434/v1", model: "llama3.1", needsKey: false },
  lmstudio: { label: "LM Studio", baseUrl: "http://127.0.0.1:1234/v1", model: "local-model", needsKey: false },
  custom: { label: "Custom OpenAI-compatible server", baseUrl: "", model: "", needsKey: false },
};

export const DEFAULT_SETTINGS: ScholiaSettings = {
  embeddingKind: "local",
  localModel: DEFAULT_LOCAL_MODEL,
  remoteEmbeddingBaseUrl: "",
  remoteEmbeddingModel: "",
  llmPreset: "none",
  llmBaseUrl: "",
  llmModel: "",
  answerInstructions: "",
  includeFolders: [],
  excludeFolders: [],
  indexLocation: "plugin",
  indexFolder: "",
  chunkTokens: DEFAULT_CHUNK_TOKENS,
  conceptFolder: "Concepts",
};

export const MIN_CHUNK_TOKENS = 64;
export const MAX_CHUNK_TOKENS = 512;

function pick<T extends string>(value: unknown, allowed: readonly T[], fallback: T): T {
  return typeof value === "string" && (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
}

function str(value: unknown, fallback: string): string {
  return typeof value === "string" ? value : fallback;
}

function folders(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value.filter((v): v is string => typeof v === "string" && v.trim() !== "").map((v) => v.trim());
}

/** Settings from whatever data.json holds: unknown keys are dropped, bad values fall back. */
export function parseSettings(raw: unknown): ScholiaSettings {
  const r = (raw && typeof raw === "object" ? raw : {}) as Record<string, unknown>;
  const d = DEFAULT_SETTINGS;
  const chunk = typeof r.chunkTokens === "number" && Number.isFinite(r.chunkTokens) ? Math.round(r.chunkTokens) : d.chunkTokens;
  const settings: ScholiaSettings = {
    embeddingKind: pick(r.embeddingKind, ["local", "remote", "none"], d.embeddingKind),
    localModel: str(r.localModel, d.localModel).trim() || d.localModel,
    remoteEmbeddingBaseUrl: str(r.remoteEmbeddingBaseUrl, d.remoteEmbeddingBaseUrl),
    remoteEmbeddingModel: str(r.remoteEmbeddingModel, d.remoteEmbeddingModel),
    llmPreset: pick(r.llmPreset, ["none", "openai", "ollama", "lmstudio", "custom"], d.llmPreset),
    llmBaseUrl: str(r.llmBaseUrl, d.llmBaseUrl),
    llmModel: str(r.llmModel, d.llmModel),
    answerInstructions: str(r.answerInstructions, d.answerInstructions),
    includeFolders: folders(r.includeFolders),
    excludeFolders: folders(r.excludeFolders),
    indexLocation: pick(r.indexLocation, ["plugin", "folder"], d.indexLocation),
    indexFolder: str(r.indexFolder, d.indexFolder),
    chunkTokens: Math.min(MAX_CHUNK_TOKENS, Math.max(MIN_CHUNK_TOKENS, chunk)),
    conceptFolder: str(r.conceptFolder, d.conceptFolder).trim() || d.conceptFolder,
  };
  if (typeof r.llmApiKeyFallback === "string" && r.llmApiKeyFallback !== "") settings.llmApiKeyFallback = r.llmApiKeyFallback;
  return settings;
}

/** Folder list from a comma- or newline-separated text field. */
export function parseFolderList(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((s) => s.trim().replace(/^\/+|\/+$/g, ""))
    .filter((s) => s !== "");
}
