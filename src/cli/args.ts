// Command-line parsing for `scholia`. Usage errors exit with code 2 (see ../shared/docs/cli.md).
import { parseArgs } from "node:util";

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

export const COMMANDS = ["index", "chunks", "search", "ask", "concepts", "concept"] as const;
export type CommandName = (typeof COMMANDS)[number];

export interface CliOptions {
  command: CommandName;
  vault: string;
  /** The query, question or topic. */
  text?: string;
  json: boolean;
  indexDir?: string;
  model?: string;
  noEmbeddings: boolean;
  embeddingsBaseUrl?: string;
  embeddingsModel?: string;
  embeddingsApiKey?: string;
  llmBaseUrl?: string;
  llmModel?: string;
  llmApiKey?: string;
  k?: number;
  mode?: "hybrid" | "keyword" | "vector";
  from?: string;
  out?: string;
  dryRun: boolean;
  rebuild: boolean;
  deep: boolean;
  instructions?: string;
  folder?: string[];
  tag?: string[];
  file?: string[];
}

export const USAGE = `Usage: scholia <command> <vault> [options]

Commands:
  index <vault>                 build or update the index incrementally
  chunks <vault>                print the chunks the indexer makes (no embedding)
  search <vault> "<query>"      ranked passages from the index
  ask <vault> "<question>"      a cited answer (extractive without an LLM)
  concepts <vault> --from PATH  concept notes generated from one source
  concept <vault> "<topic>"     one concept note on a topic, from the whole vault

Options:
  --json                        machine-readable output on stdout
  --index-dir DIR               where the index lives (default <vault>/.obsidian/plugins/scholia/index)
  --model ID_OR_DIR             local embedding model (Hugging Face id or transformers.js folder)
  --no-embeddings               keyword retrieval only
  --embeddings-base-url URL     remote OpenAI-compatible /embeddings endpoint
  --embeddings-model NAME       model name for the remote endpoint
  --llm-base-url URL            OpenAI-compatible chat completions endpoint
  --llm-model NAME              model name for the LLM
  --llm-api-key KEY             API key (or the environment variable OPENAI_API_KEY)
  --k N                         number of passages (search: 10, ask: 8)
  --mode hybrid|keyword|vector  retrieval mode for search
  --folder F, --tag T, --file P restrict retrieval (repeatable)
  --instructions TEXT           answer style instructions
  --deep                        summarize and score evidence before answering (LLM only)
  --from PATH                   the source for concepts
  --out FOLDER                  folder for concept notes (default Concepts)
  --dry-run                     write nothing; print what would be written
  --rebuild                     discard the index and build it again
`;

export function parseCli(argv: string[]): CliOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        json: { type: "boolean", default: false },
        "index-dir": { type: "string" },
        model: { type: "string" },
        "no-embeddings": { type: "boolean", default: false },
        "embeddings-base-url": { type: "string" },
        "embeddings-model": { type: "string" },
        "embeddings-api-key": { type: "string" },
        "llm-base-url": { type: "string" },
        "llm-model": { type: "string" },
        "llm-api-key": { type: "string" },
        k: { type: "string" },
        mode: { type: "string" },
        from: { type: "string" },
        out: { type: "string" },
        "dry-run": { type: "boolean", default: false },
        rebuild: { type: "boolean", default: false },
        deep: { type: "boolean", default: false },
        instructions: { type: "string" },
        folder: { type: "string", multiple: true },
        tag: { type: "string", multiple: true },
        file: { type: "string", multiple: true },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const { values: v, positionals } = parsed;
  if (v.help) throw new UsageError("");
  const [command, vault, ...rest] = positionals;
  if (!command) throw new UsageError("missing command");
  if (!(COMMANDS as readonly string[]).includes(command)) throw new UsageError(`unknown command "${command}"`);
  if (!vault) throw new UsageError(`${command}: missing <vault>`);
  const needsText = command === "search" || command === "ask" || command === "concept";
  if (needsText && rest.length === 0) throw new UsageError(`${command}: missing the ${command === "concept" ? "topic" : command === "ask" ? "question" : "query"}`);
  if (!needsText && rest.length > 0) throw new UsageError(`${command}: unexpected argument "${rest[0]}"`);
  if (needsText && rest.length > 1) throw new UsageError(`${command}: put the ${command === "search" ? "query" : "text"} in quotes (got ${rest.length} words as separate arguments)`);
  if (command === "concepts" && !v.from) throw new UsageError("concepts: --from <path> is required");
  if (v.model && v["no-embeddings"]) throw new UsageError("--model and --no-embeddings contradict each other");
  if (v["embeddings-base-url"] && !v["embeddings-model"]) throw new UsageError("--embeddings-base-url needs --embeddings-model");
  if (v["llm-base-url"] && !v["llm-model"]) throw new UsageError("--llm-base-url needs --llm-model");
  let k: number | undefined;
  if (v.k !== undefined) {
    k = Number(v.k);
    if (!Number.isInteger(k) || k < 1 || k > 1000) throw new UsageError(`--k must be a whole number from 1 to 1000, got "${v.k}"`);
  }
  let mode: CliOptions["mode"];
  if (v.mode !== undefined) {
    if (v.mode !== "hybrid" && v.mode !== "keyword" && v.mode !== "vector") throw new UsageError(`--mode must be hybrid, keyword or vector, got "${v.mode}"`);
    mode = v.mode;
  }
  return {
    command: command as CommandName,
    vault,
    text: rest[0],
    json: v.json ?? false,
    indexDir: v["index-dir"],
    model: v.model,
    noEmbeddings: v["no-embeddings"] ?? false,
    embeddingsBaseUrl: v["embeddings-base-url"],
    embeddingsModel: v["embeddings-model"],
    embeddingsApiKey: v["embeddings-api-key"],
    llmBaseUrl: v["llm-base-url"],
    llmModel: v["llm-model"],
    llmApiKey: v["llm-api-key"] ?? process.env.OPENAI_API_KEY,
    k,
    mode,
    from: v.from,
    out: v.out,
    dryRun: v["dry-run"] ?? false,
    rebuild: v.rebuild ?? false,
    deep: v.deep ?? false,
    instructions: v.instructions,
    folder: v.folder,
    tag: v.tag,
    file: v.file,
  };
}
