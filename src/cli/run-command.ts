// Runs one parsed `scholia` command against a vault on disk.
import { existsSync, statSync } from "node:fs";
import * as nodePath from "node:path";
import { homedir } from "node:os";
import { OpenAiLlmClient } from "../core/answer/llm-client";
import type { LlmClient } from "../core/answer/llm";
import { createEmbedder } from "../core/embed/create-embedder";
import { DEFAULT_MODEL_ID } from "../core/embed/models";
import type { EmbedderConfig } from "../core/embed/select-embedder";
import { Engine, recordedEmbedder } from "../core/engine";
import type { IndexStorage } from "../core/vault";
import type { SearchFilter } from "../core/types";
import { normalizeVaultPath } from "../core/util/paths";
import { UsageError, type CliOptions } from "./args";
import { NodeIndexStorage } from "./node-index-storage";
import { NodeVault } from "./node-vault";
import { loadNodePdfJs } from "./pdfjs-node";
import { notice } from "./output";
import { runIndexCommand } from "./commands/index-command";
import { runChunksCommand } from "./commands/chunks-command";
import { runSearchCommand } from "./commands/search-command";
import { runAskCommand } from "./commands/ask-command";
import { runConceptsCommand, runConceptCommand } from "./commands/concepts-command";

export interface CommandContext {
  options: CliOptions;
  vault: NodeVault;
  storage: IndexStorage;
  indexDir: string;
  /** "index" builds (the default model when neither flags nor the index name one), "update" brings an
   *  existing index up to date with the embedder that built it, "query" only reads. */
  openEngine(kind: "index" | "update" | "query", storage?: IndexStorage): Promise<Engine>;
  llm: LlmClient | null;
  filter: SearchFilter | undefined;
}

/** The index folder the plugin uses inside a vault (the CLI contract's default). */
export function defaultIndexDir(vaultRoot: string): string {
  // The CLI contract fixes this folder; inside Obsidian the plugin uses Vault#configDir instead.
  return nodePath.join(vaultRoot, ".obsidian", "plugins", "scholia", "index");
}

/** Where hub models are cached for CLI users (the plugin keeps its own cache). */
function modelCacheDir(): string {
  return process.env.SCHOLIA_MODEL_CACHE ?? nodePath.join(process.env.XDG_CACHE_HOME ?? nodePath.join(homedir(), ".cache"), "scholia", "models");
}

/** A --model that names an existing folder is a local model, whatever its spelling; else a hub id. */
function localModelConfig(model: string): EmbedderConfig {
  const abs = nodePath.resolve(model);
  if (existsSync(abs) && statSync(abs).isDirectory()) return { kind: "local", model: abs };
  if (/^(\.{0,2}\/|[A-Za-z]:\\)/.test(model)) throw new Error(`The model folder ${model} does not exist.`);
  return { kind: "local", model, cacheDir: modelCacheDir(), allowRemote: true };
}

/** The embedder the flags ask for; undefined = whatever built the index. */
function embedderFromFlags(o: CliOptions): EmbedderConfig | undefined {
  if (o.noEmbeddings) return { kind: "none" };
  if (o.embeddingsBaseUrl && o.embeddingsModel) {
    return { kind: "remote", baseUrl: o.embeddingsBaseUrl, model: o.embeddingsModel, apiKey: o.embeddingsApiKey ?? process.env.OPENAI_API_KEY };
  }
  if (o.model) return localModelConfig(o.model);
  return undefined;
}

export async function runCommand(options: CliOptions): Promise<number> {
  const root = nodePath.resolve(options.vault);
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new Error(`The vault folder ${options.vault} does not exist.`);
  const vault = new NodeVault(root);
  const indexDir = options.indexDir ? nodePath.resolve(options.indexDir) : defaultIndexDir(root);
  const storage = new NodeIndexStorage(indexDir);

  const ctx: CommandContext = {
    options,
    vault,
    storage,
    indexDir,
    llm: options.llmBaseUrl && options.llmModel ? new OpenAiLlmClient({ baseURL: options.llmBaseUrl, model: options.llmModel, apiKey: options.llmApiKey }) : null,
    filter: filterFromFlags(options),
    async openEngine(kind, store = storage) {
      let embedder = embedderFromFlags(options);
      if (kind === "index" && embedder === undefined) {
        // Building with no model named: keep the one that built the index, else the default model.
        const recorded = await recordedEmbedder(store);
        embedder = recorded && recorded.kind !== "none" ? recorded : localModelConfig(DEFAULT_MODEL_ID);
      }
      const engine = await Engine.open(
        {
          storage: store,
          vault,
          pdfjs: loadNodePdfJs,
          startEmbedder: (config, signal) => createEmbedder(config, { signal }),
        },
        { embedder, forIndexing: kind !== "query", rebuild: options.rebuild && kind === "index", embedderApiKey: options.embeddingsApiKey ?? process.env.OPENAI_API_KEY },
      );
      for (const n of engine.notices) notice(n);
      return engine;
    },
  };

  switch (options.command) {
    case "index":
      return runIndexCommand(ctx);
    case "chunks":
      return runChunksCommand(ctx);
    case "search":
      return runSearchCommand(ctx);
    case "ask":
      return runAskCommand(ctx);
    case "concepts":
      return runConceptsCommand(ctx);
    case "concept":
      return runConceptCommand(ctx);
    default:
      throw new UsageError(`unknown command "${String(options.command)}"`);
  }
}

function filterFromFlags(o: CliOptions): SearchFilter | undefined {
  const filter: SearchFilter = {};
  if (o.folder?.length) filter.folders = o.folder.map(normalizeVaultPath);
  if (o.file?.length) filter.paths = o.file.map(normalizeVaultPath);
  if (o.tag?.length) filter.tags = o.tag.map((t) => t.replace(/^#/, ""));
  return Object.keys(filter).length ? filter : undefined;
}
