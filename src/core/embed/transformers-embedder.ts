// Local embeddings with transformers.js: any feature-extraction model from the Hugging Face hub or a
// folder in the transformers.js layout. Tokenizes, runs the ONNX session in length-sorted batches,
// pools and normalizes straight from the output buffer. The library is imported lazily so merely
// importing this module costs nothing (and a bundle can swap in its own instance, e.g. the web build).
import type { Embedder } from "./embedder";
import { DEFAULT_BATCH_SIZE, planBatches } from "./batching";
import { FastWordPiece } from "./fast-wordpiece";
import { describeLoadError, missingFile } from "./load-error";
import { modelProfile, type Pooling } from "./models";
import { poolAndNormalize } from "./pooling";
import { TokenVectorTable } from "./token-vector-table";

type TransformersModule = typeof import("@huggingface/transformers");

export type ModelDtype = "q8" | "fp32" | "fp16" | "int8" | "uint8" | "q4" | "bnb4" | "q4f16";

export interface DownloadProgress {
  file: string;
  loaded: number;
  total: number;
}

export interface TransformersEmbedderOptions {
  /** Hugging Face model id ("Xenova/all-MiniLM-L6-v2") or a local folder path (absolute, or starting
   *  with ./ or ../) in the transformers.js layout. */
  model: string;
  /** Where downloaded models are cached (Node: a folder). Default: transformers.js's own cache. */
  cacheDir?: string;
  /** Download from the hub when the model is not cached. Never applies to local folders. Default false. */
  allowRemote?: boolean;
  /** Hub mirror, e.g. "https://hf-mirror.com/". Default: huggingface.co. */
  remoteHost?: string;
  /** Weights to load. Default "q8" (onnx/model_quantized.onnx), falling back to "fp32" (onnx/model.onnx)
   *  when the quantized file does not exist. */
  dtype?: ModelDtype;
  /** onnxruntime device: "cpu" in Node, "wasm" (or "webgpu") in a browser worker. Default: library default. */
  device?: string;
  /** Texts per model call. Default 32. */
  batchSize?: number;
  /** Padded tokens per model call (texts × longest). Default 512 for transformers, whose CPU throughput
   *  drops with larger batches of long chunks; unlimited for static (lookup-table) models. */
  maxBatchTokens?: number;
  /** Truncate inputs to this many tokens. Default: the model's own limit (tokenizer/config), at most 512. */
  maxTokens?: number;
  /** Overrides the pooling the catalogue or the model name implies. */
  pooling?: Pooling;
  /** Overrides the query instruction prefix (e.g. bge's). "" disables it. */
  queryPrefix?: string;
  documentPrefix?: string;
  /** Static models (no transformer layers) whose token vectors a probe at load shows to depend on
   *  nothing but the token are embedded by table lookup: the model runs once per distinct token, not
   *  over every token of every text. Same vectors, several times faster. Default true. */
  tokenLookup?: boolean;
  onProgress?: (progress: DownloadProgress) => void;
  /** Supplies the library; defaults to `import("@huggingface/transformers")`. */
  loadLibrary?: () => Promise<TransformersModule>;
}

interface TensorLike {
  data: ArrayLike<number | bigint>;
  dims: number[];
  dispose?: () => void;
}

type Tokenizer = ((texts: string[], options: Record<string, unknown>) => Record<string, TensorLike> & { input_ids: unknown }) & {
  model_max_length?: number;
  pad_token_id?: number;
  padding_side?: string;
  /** The parsed tokenizer.json (an internal of transformers.js; absent means no fast path). */
  _tokenizerJSON?: unknown;
};

type Model = ((inputs: Record<string, unknown>) => Promise<Record<string, TensorLike>>) & {
  config?: { max_position_embeddings?: number; model_type?: string };
  sessions?: Record<string, { inputNames?: string[]; outputNames?: string[] }>;
  dispose?: () => Promise<unknown>;
};

/** Output names that already hold one vector per text, in order of preference. */
const POOLED_OUTPUTS = ["sentence_embedding", "embeddings"];
const TOKEN_OUTPUTS = ["last_hidden_state", "token_embeddings"];
const HARD_MAX_TOKENS = 512;
const CHARS_PER_TOKEN = 4;
const TRANSFORMER_BATCH_TOKENS = 512;

/** True for filesystem paths; anything else is treated as a hub model id (owner/name). */
export function isLocalModelPath(model: string): boolean {
  return /^(\/|\.{1,2}[\\/]|~[\\/]|[A-Za-z]:[\\/]|\\\\)/.test(model) || model === "." || model === "..";
}

/** The id recorded in indexes: the hub id, or a local folder's name, so moving the folder or naming it
 *  by another relative path does not make an index unusable. */
export function embedderIdFor(model: string): string {
  if (!isLocalModelPath(model)) return model;
  const parts = model.replace(/\\/g, "/").split("/").filter((p) => p !== "" && p !== ".");
  return parts.at(-1) ?? model;
}

function abortError(): Error {
  return new DOMException("The embedding was cancelled.", "AbortError");
}

export class TransformersEmbedder implements Embedder {
  readonly id: string;
  private readonly opts: TransformersEmbedderOptions;
  private lib: TransformersModule | null = null;
  private tokenizer: Tokenizer | null = null;
  private model: Model | null = null;
  private loading: Promise<void> | null = null;
  private _dims = 0;
  private _dtype: ModelDtype | null = null;
  private pooling: Pooling = "mean";
  private maxTokens = HARD_MAX_TOKENS;
  private batchTokens = Infinity;
  private outputName = "last_hidden_state";
  /** Model2Vec graphs take one flat id list plus offsets (EmbeddingBag) instead of a padded matrix. */
  private flatInputs = false;
  private fast: FastWordPiece | null = null;
  private lookup: TokenVectorTable | null = null;
  private modelInputs: string[] = [];
  private readonly queryPrefix: string;
  private readonly documentPrefix: string;

  constructor(options: TransformersEmbedderOptions) {
    if (!options.model || !options.model.trim()) throw new Error("No embedding model was given.");
    this.opts = { ...options, model: options.model.trim() };
    this.id = embedderIdFor(this.opts.model);
    const profile = modelProfile(this.opts.model);
    this.pooling = options.pooling ?? profile.pooling ?? "mean";
    this.queryPrefix = options.queryPrefix ?? profile.queryPrefix ?? "";
    this.documentPrefix = options.documentPrefix ?? profile.documentPrefix ?? "";
  }

  get dims(): number {
    return this._dims;
  }

  /** The weights actually loaded ("q8" or the fp32 fallback); null before init. */
  get dtype(): ModelDtype | null {
    return this._dtype;
  }

  /** True when texts are embedded by token-table lookup (see `tokenLookup`); known after init. */
  get usesTokenLookup(): boolean {
    return this.lookup !== null;
  }

  get batchSize(): number {
    return Math.max(1, Math.floor(this.opts.batchSize ?? DEFAULT_BATCH_SIZE));
  }

  init(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortError());
    if (!this.loading) {
      this.loading = this.load().catch((error: unknown) => {
        this.loading = null;
        throw error;
      });
      // A caller that gave up (aborted) no longer awaits the load; its failure must not surface as an
      // unhandled rejection. Callers still awaiting it see the error.
      this.loading.catch(() => undefined);
    }
    return signal ? raceAbort(this.loading, signal) : this.loading;
  }

  private async load(): Promise<void> {
    const { model } = this.opts;
    const isLocal = isLocalModelPath(model);
    const allowRemote = !isLocal && (this.opts.allowRemote ?? false);
    const ctx = { model, isLocal, allowRemote };
    let lib: TransformersModule;
    try {
      lib = await (this.opts.loadLibrary ?? (() => import("@huggingface/transformers")))();
    } catch (error) {
      throw new Error(`Could not start the local embedding runtime (transformers.js): ${String(error).split("\n")[0]}.`);
    }
    const { env } = lib;
    // env is global to the library; set it right before each load so embedders with different
    // settings in one process still each get what they asked for.
    if (isLocal) env.allowLocalModels = true;
    env.allowRemoteModels = allowRemote;
    if (this.opts.remoteHost) env.remoteHost = this.opts.remoteHost;
    const common: Record<string, unknown> = {
      local_files_only: !allowRemote,
      ...(this.opts.cacheDir ? { cache_dir: this.opts.cacheDir } : {}),
      ...(this.opts.onProgress ? { progress_callback: this.progressCallback() } : {}),
    };

    if (isLocal) {
      const problem = await localFolderProblem(model);
      if (problem) throw new Error(problem);
    }
    try {
      // The config first: when a model is absent it fails with a clear "not found", whereas the
      // tokenizer loader hides missing files behind a TypeError.
      common.config = await lib.AutoConfig.from_pretrained(model, common);
      this.tokenizer = await lib.AutoTokenizer.from_pretrained(model, common);
    } catch (error) {
      throw new Error(describeLoadError(error, ctx));
    }
    this.model = await this.loadModel(lib, common, ctx);
    this.lib = lib;
    this.configureFromModel();
    try {
      this.lookup = await this.tokenTableIfStatic();
      const [probe] = await this.embedBatch(["dimension probe"]);
      this._dims = probe.length;
    } catch (error) {
      await this.dispose();
      throw new Error(`The embedding model ${model} loaded but could not embed text: ${String(error instanceof Error ? error.message : error).split("\n")[0]}.`);
    }
  }

  private async loadModel(lib: TransformersModule, common: Record<string, unknown>, ctx: { model: string; isLocal: boolean; allowRemote: boolean }): Promise<Model> {
    const wanted: ModelDtype = this.opts.dtype ?? "q8";
    const attempts: ModelDtype[] = wanted === "fp32" ? ["fp32"] : [wanted, "fp32"];
    let lastError: unknown = null;
    for (const dtype of attempts) {
      try {
        const options = { ...common, dtype, ...(this.opts.device ? { device: this.opts.device } : {}) };
        const loaded = (await lib.AutoModel.from_pretrained(ctx.model, options as never)) as unknown as Model;
        this._dtype = dtype;
        return loaded;
      } catch (error) {
        lastError = error;
        // Only a missing weights file justifies trying the next dtype; anything else is the real problem.
        if (!missingFile(error)?.startsWith("onnx/")) break;
      }
    }
    throw new Error(describeLoadError(lastError, ctx));
  }

  private progressCallback(): (info: unknown) => void {
    const report = this.opts.onProgress;
    return (info: unknown) => {
      const p = info as { status?: string; file?: string; loaded?: number; total?: number };
      if (report && p.status === "progress" && p.file) report({ file: p.file, loaded: p.loaded ?? 0, total: p.total ?? 0 });
    };
  }

  private configureFromModel(): void {
    const model = this.model;
    const session = model?.sessions ? Object.values(model.sessions)[0] : undefined;
    const inputs = session?.inputNames ?? [];
    const outputs = session?.outputNames ?? [];
    this.flatInputs = inputs.includes("offsets");
    this.modelInputs = inputs;
    const tok = this.tokenizer;
    this.fast =
      tok && (tok.padding_side ?? "right") === "right"
        ? FastWordPiece.fromJson(tok._tokenizerJSON, typeof tok.pad_token_id === "number" ? tok.pad_token_id : 0)
        : null;
    const pooled = POOLED_OUTPUTS.find((n) => outputs.includes(n));
    const token = TOKEN_OUTPUTS.find((n) => outputs.includes(n));
    if (pooled && (this.flatInputs || this.pooling === "model" || !token)) {
      this.outputName = pooled;
      this.pooling = "model";
    } else {
      this.outputName = token ?? outputs[0] ?? "last_hidden_state";
      if (this.pooling === "model") this.pooling = "mean";
    }
    const limits = [HARD_MAX_TOKENS];
    const tokLimit = this.tokenizer?.model_max_length;
    if (typeof tokLimit === "number" && tokLimit > 0) limits.push(tokLimit);
    const posLimit = model?.config?.max_position_embeddings;
    if (!this.flatInputs && typeof posLimit === "number" && posLimit > 0) limits.push(posLimit);
    if (this.opts.maxTokens && this.opts.maxTokens > 0) limits.push(this.opts.maxTokens);
    this.maxTokens = Math.min(...limits);
    const layers = (model?.config as { num_hidden_layers?: number } | undefined)?.num_hidden_layers;
    const isStatic = this.flatInputs || layers === 0;
    this.batchTokens = this.opts.maxBatchTokens ?? (isStatic ? Infinity : TRANSFORMER_BATCH_TOKENS);
  }

  async embedDocuments(texts: string[], signal?: AbortSignal): Promise<Float32Array[]> {
    const prefixed = this.documentPrefix ? texts.map((t) => this.documentPrefix + t) : texts;
    return this.embedMany(prefixed, signal);
  }

  async embedQuery(text: string, signal?: AbortSignal): Promise<Float32Array> {
    const [v] = await this.embedMany([this.queryPrefix + text], signal);
    return v;
  }

  private async embedMany(texts: string[], signal?: AbortSignal): Promise<Float32Array[]> {
    if (signal?.aborted) throw abortError();
    if (this._dims === 0) await this.init(signal);
    const out = new Array<Float32Array>(texts.length);
    for (const batch of this.batchPlan(texts)) {
      if (signal?.aborted) throw abortError();
      const vectors = await this.embedBatch(batch.map((i) => texts[i]));
      batch.forEach((index, k) => (out[index] = vectors[k]));
    }
    return out;
  }

  /** How `embedDocuments` groups these texts into model calls (indices into `texts`); known after init. */
  batchPlan(texts: readonly string[]): number[][] {
    // Planned on characters; English WordPiece averages about four per token, plus [CLS] and [SEP].
    const budget = this.batchTokens * CHARS_PER_TOKEN;
    return planBatches(texts.map((t) => t.length + 2 * CHARS_PER_TOKEN), this.batchSize, budget);
  }

  private async embedBatch(texts: string[]): Promise<Float32Array[]> {
    const tokenizer = this.tokenizer;
    const model = this.model;
    if (!tokenizer || !model || !this.lib) throw new Error(`The embedding model ${this.opts.model} is not loaded.`);
    // Empty strings would give an empty sequence, which some graphs reject; a space tokenizes to nothing
    // but special tokens and embeds like any other text without content.
    const safe = texts.map((t) => (t.length === 0 ? " " : t));
    if (this.flatInputs) return this.embedFlat(safe);
    const fast = this.fast;
    if (this.lookup && fast && safe.every((t) => fast.canEncode(t))) return this.embedByLookup(this.lookup, fast, safe);
    const inputs = this.tokenize(safe);
    const outputs = await model(inputs);
    const hidden = outputs[this.outputName];
    if (!hidden) throw new Error(`the model has no output named ${this.outputName}`);
    try {
      const mask = inputs.attention_mask as TensorLike | undefined;
      return poolAndNormalize({ data: toFloat32(hidden.data), dims: hidden.dims }, this.pooling, mask?.data);
    } finally {
      for (const t of Object.values(outputs)) t.dispose?.();
    }
  }

  private tokenize(texts: string[]): Record<string, TensorLike> {
    const fast = this.fast;
    if (fast && texts.every((t) => fast.canEncode(t))) {
      const enc = fast.encodeBatch(texts, this.maxTokens);
      const Tensor = this.lib!.Tensor;
      const dims = [enc.batch, enc.seq];
      const inputs: Record<string, TensorLike> = {
        input_ids: new Tensor("int64", enc.inputIds, dims),
        attention_mask: new Tensor("int64", enc.attentionMask, dims),
      };
      if (this.modelInputs.includes("token_type_ids")) {
        inputs.token_type_ids = new Tensor("int64", enc.tokenTypeIds, dims);
      }
      return inputs;
    }
    return this.tokenizer!(texts, { padding: true, truncation: true, max_length: this.maxTokens });
  }

  private async embedByLookup(table: TokenVectorTable, fast: FastWordPiece, texts: string[]): Promise<Float32Array[]> {
    const sequences = texts.map((t) => fast.encodeIds(t, this.maxTokens));
    const missing = table.missing(sequences);
    if (missing.length > 0) table.add(missing, await this.tokenVectors(missing, fast));
    return table.meanPool(sequences);
  }

  /** The model's output vector of each token id, run as one padded batch of rows of at most maxTokens
   *  ids; row-major [rows, width, dims] output puts the i-th id's vector at i × dims. */
  private async tokenVectors(ids: readonly number[], fast: FastWordPiece): Promise<Float32Array> {
    const width = Math.max(1, Math.min(ids.length, this.maxTokens));
    const rows = Math.ceil(ids.length / width);
    const sequences: number[][] = [];
    for (let r = 0; r < rows; r++) sequences.push(ids.slice(r * width, (r + 1) * width));
    const hidden = await this.runOnIds(sequences, fast);
    return hidden.data.slice(0, ids.length * hidden.dims[2]);
  }

  /** Runs the model on id sequences, right-padded; returns the token output [batch, seq, dims]. */
  private async runOnIds(sequences: readonly (readonly number[])[], fast: FastWordPiece): Promise<{ data: Float32Array; dims: number[] }> {
    const seq = Math.max(1, ...sequences.map((s) => s.length));
    const size = sequences.length * seq;
    const ids = new BigInt64Array(size).fill(BigInt(fast.paddingId));
    const mask = new BigInt64Array(size);
    const types = new BigInt64Array(size).fill(BigInt(fast.uniformTypeId ?? 0));
    sequences.forEach((s, b) =>
      s.forEach((id, t) => {
        ids[b * seq + t] = BigInt(id);
        mask[b * seq + t] = 1n;
      }),
    );
    const Tensor = this.lib!.Tensor;
    const dims = [sequences.length, seq];
    const inputs: Record<string, TensorLike> = { input_ids: new Tensor("int64", ids, dims), attention_mask: new Tensor("int64", mask, dims) };
    if (this.modelInputs.includes("token_type_ids")) inputs.token_type_ids = new Tensor("int64", types, dims);
    const outputs = await this.model!(inputs);
    try {
      const hidden = outputs[this.outputName];
      if (!hidden || hidden.dims.length !== 3) throw new Error(`the model has no token output named ${this.outputName}`);
      return { data: Float32Array.from(toFloat32(hidden.data)), dims: [...hidden.dims] };
    } finally {
      for (const t of Object.values(outputs)) t.dispose?.();
    }
  }

  /** A token table when this is a static model whose output for a token is the same wherever the token
   *  stands and whatever surrounds it — checked on a probe batch, because a zero-layer model may still
   *  add position embeddings or normalize across the sequence — or null. */
  private async tokenTableIfStatic(): Promise<TokenVectorTable | null> {
    const fast = this.fast;
    const layers = (this.model?.config as { num_hidden_layers?: number } | undefined)?.num_hidden_layers;
    if (this.opts.tokenLookup === false || !fast || this.flatInputs || layers !== 0) return null;
    if (this.pooling !== "mean" || !TOKEN_OUTPUTS.includes(this.outputName) || fast.uniformTypeId === null) return null;
    const words = [...new Set(fast.encodeText("the of and a to in is"))];
    if (words.length < 2) return null;
    const [x, y] = words;
    const probe = [fast.withSpecialTokens([x, y, x, y, x]), fast.withSpecialTokens([y, x])];
    const hidden = await this.runOnIds(probe, fast);
    const [, seq, dims] = hidden.dims;
    const first = new Map<number, number>();
    for (let b = 0; b < probe.length; b++) {
      for (let t = 0; t < probe[b].length; t++) {
        const at = (b * seq + t) * dims;
        const seen = first.get(probe[b][t]);
        if (seen === undefined) {
          first.set(probe[b][t], at);
          continue;
        }
        for (let d = 0; d < dims; d++) {
          const a = hidden.data[seen + d];
          if (Math.abs(a - hidden.data[at + d]) > 1e-6 * (1 + Math.abs(a))) return null;
        }
      }
    }
    return new TokenVectorTable(dims);
  }

  private async embedFlat(texts: string[]): Promise<Float32Array[]> {
    const fast = this.fast;
    let input_ids: number[][];
    if (fast && texts.every((t) => fast.canEncode(t))) {
      input_ids = texts.map((t) => fast.encodeText(t));
    } else {
      const tokenizer = this.tokenizer as unknown as (t: string[], o: Record<string, unknown>) => { input_ids: number[][] };
      ({ input_ids } = tokenizer(texts, { add_special_tokens: false, return_tensor: false, padding: false, truncation: false }));
    }
    const ids: bigint[] = [];
    const offsets: bigint[] = [];
    for (const row of input_ids) {
      offsets.push(BigInt(ids.length));
      for (const id of row.slice(0, this.maxTokens)) ids.push(BigInt(id));
    }
    const Tensor = this.lib!.Tensor;
    const outputs = await this.model!({
      input_ids: new Tensor("int64", BigInt64Array.from(ids), [ids.length]),
      offsets: new Tensor("int64", BigInt64Array.from(offsets), [offsets.length]),
    });
    const pooled = outputs[this.outputName];
    if (!pooled) throw new Error(`the model has no output named ${this.outputName}`);
    return poolAndNormalize({ data: toFloat32(pooled.data), dims: pooled.dims }, "model");
  }

  async dispose(): Promise<void> {
    const model = this.model;
    this.model = null;
    this.tokenizer = null;
    this.lookup = null;
    this.loading = null;
    // A later call loads the model again rather than using released sessions.
    this._dims = 0;
    await model?.dispose?.();
  }
}

function toFloat32(data: ArrayLike<number | bigint>): Float32Array {
  if (data instanceof Float32Array) return data;
  // fp16 outputs arrive as raw half-precision bits where the runtime has no Float16Array.
  if (data instanceof Uint16Array) return Float32Array.from(data, halfToFloat);
  return Float32Array.from(data as ArrayLike<number>, Number);
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

/** Why a local model folder cannot be loaded, or null. Node only: local folders are a CLI and
 *  desktop feature; node:fs is imported lazily so browser and worker bundles never touch it. */
async function localFolderProblem(folder: string): Promise<string | null> {
  let fs: typeof import("node:fs/promises");
  try {
    fs = await import("node:fs/promises");
  } catch {
    return null;
  }
  const exists = (rel: string) => fs.access(`${folder.replace(/[\\/]+$/, "")}/${rel}`).then(() => true, () => false);
  try {
    const stat = await fs.stat(folder);
    if (!stat.isDirectory()) return `The embedding model path ${folder} is a file, not a model folder.`;
  } catch {
    return `The embedding model folder ${folder} does not exist.`;
  }
  for (const file of ["config.json", "tokenizer.json"]) {
    if (!(await exists(file))) return `The embedding model folder ${folder} has no ${file}.`;
  }
  if (!(await exists("onnx/model_quantized.onnx")) && !(await exists("onnx/model.onnx"))) {
    return `The embedding model folder ${folder} has no onnx/model.onnx or onnx/model_quantized.onnx.`;
  }
  return null;
}

/** `work`, or an AbortError as soon as `signal` aborts (the work itself goes on and stays cached). */
function raceAbort<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(abortError());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError());
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
