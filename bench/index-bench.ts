// Index store figures on synthetic chunks (384-dim normalized vectors around 2 000 topic centroids,
// so neighbours are meaningful, plus Zipf-distributed synthetic text):
//   query_p95_ms        vector search p95 at 10k, 100k and 1M chunks (keyword p95 at 10k and 100k too)
//   bytes_per_chunk     all index files on disk ÷ chunks (100k); vector_bytes_per_chunk: vectors only
//   load_ms_100k        ScholiaIndex.open of the 100k index in a fresh Node process (keyword:
//                       "background"), metadata and vector checksums included, until vector search
//                       is usable; the texts' checksum follows in slices (or at the first search or
//                       chunk read) and the keyword index in the background: keyword_ready_ms_100k.
//                       load_eager_ms_100k: open() with every file, keyword index included, verified
//   rss_mb_100k         that process's RSS after the load, a vector query and a chunk read
//   recall@10           int8 search vs exact float search, without and with the exact re-score
//   save_*              a full save of the 10k and 100k index, and a re-save of the 100k index after one
//                       file is re-indexed: wall time, the longest stretch the event loop was held
//                       (a 0 ms timer chain that measures the gaps between its own firings; Obsidian
//                       freezes for that long), and the wall time of each phase of the save
// Benchmarks measure; they do not assert.   npm run build && node dist/bench.js
import { gaussian, normalize, seededRandom as rng } from "../tests/helpers/seeded-random";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NodeIndexStorage } from "../src/cli/node-index-storage";
import { ScholiaIndex } from "../src/core/index/scholia-index";
import { VectorMatrix } from "../src/core/index/vector-matrix";
import { TopK } from "../src/core/index/top-k";
import type { Chunk } from "../src/core/types";

const DIMS = 384;
const CENTROIDS = 2000;
const CHUNKS_PER_FILE = 50;
const WORDS_PER_CHUNK = 110;

export interface IndexBenchResult {
  query_p95_ms: { "10k": number; "100k": number; "1M": number };
  keyword_p95_ms: { "10k": number; "100k": number };
  bytes_per_chunk: number;
  vector_bytes_per_chunk: number;
  load_ms_100k: number;
  rss_mb_100k: number;
  /** From open() until the keyword index, loaded in the background without blocking, is ready. */
  keyword_ready_ms_100k: number;
  /** open() with keyword: "eager" (every file read and checksummed before it returns). */
  load_eager_ms_100k: number;
  build_s_100k: number;
  save_ms_100k: number;
  save_ms_10k: number;
  /** Longest time the event loop was held during the save (a 0 ms timer waited that long). */
  save_longest_block_ms_10k: number;
  save_longest_block_ms_100k: number;
  /** Wall time of each phase of the 100k save (phases overlap nothing; yields are included). */
  save_phases_ms_100k: Record<string, number>;
  /** Saving the 100k index again after one file was re-indexed (removed chunks, a compaction). */
  resave_ms_100k: number;
  resave_longest_block_ms_100k: number;
  recall_at_10: { int8: number; int8_rescored: number; float_rescored: number };
  /** Whether vector search ran on the WebAssembly SIMD kernel (else the JavaScript loop). */
  simd: boolean;
  /** 100k vector p95 with the JavaScript loop, for comparison. */
  query_p95_ms_100k_js: number;
  /** How load_ms/rss were measured: "child process" or "in process" when esbuild is unavailable. */
  load_measured: string;
}

class VectorSource {
  private readonly r = rng(7);
  readonly centroids: Float32Array[] = [];
  constructor() {
    for (let c = 0; c < CENTROIDS; c++) {
      const v = new Float32Array(DIMS);
      for (let i = 0; i < DIMS; i++) v[i] = gaussian(this.r);
      this.centroids.push(normalize(v));
    }
  }
  /** A vector near a random centroid (cosine to it ≈ 0.7, like passages on one topic). */
  next(spread = 1.0): Float32Array {
    const c = this.centroids[Math.floor(this.r() * CENTROIDS)];
    const v = new Float32Array(DIMS);
    const noise = spread / Math.sqrt(DIMS);
    for (let i = 0; i < DIMS; i++) v[i] = c[i] + gaussian(this.r) * noise;
    return normalize(v);
  }
}

class TextSource {
  private readonly r = rng(11);
  private readonly vocab: string[] = [];
  private readonly cdf: Float64Array;
  constructor(size = 30_000) {
    const syll = ["ka", "lo", "mi", "ne", "ru", "ta", "vo", "xi", "ze", "po", "sa", "de", "gu", "fi", "ba", "tor", "len", "mar"];
    for (let i = 0; i < size; i++) {
      let w = "";
      let x = i + 7;
      do {
        w += syll[x % syll.length];
        x = Math.floor(x / syll.length);
      } while (x > 0);
      this.vocab.push(w);
    }
    this.cdf = new Float64Array(size);
    let s = 0;
    for (let i = 0; i < size; i++) this.cdf[i] = s += 1 / (i + 1);
    for (let i = 0; i < size; i++) this.cdf[i] /= s;
  }
  word(): string {
    const u = this.r();
    let lo = 0;
    let hi = this.cdf.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cdf[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    return this.vocab[lo];
  }
  /** Query terms: mid-frequency words, like the content terms the retriever keeps after it strips
   *  question words and stopwords (the very frequent synthetic words play the stopwords' role). */
  query(n: number): string {
    const words: string[] = [];
    for (let i = 0; i < n; i++) words.push(this.vocab[50 + Math.floor(this.r() * 5000)]);
    return words.join(" ");
  }
  passage(n = WORDS_PER_CHUNK): string {
    const words: string[] = [];
    for (let i = 0; i < n; i++) words.push(this.word());
    if (this.r() < 0.2) words.push(`${(this.r() * 100).toFixed(4)}`);
    return words.join(" ");
  }
}

function p95(samples: number[]): number {
  const s = [...samples].sort((a, b) => a - b);
  return round(s[Math.min(s.length - 1, Math.floor(s.length * 0.95))]);
}

function round(x: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

function time(fn: () => void): number {
  const t = performance.now();
  fn();
  return performance.now() - t;
}

/** Measures the longest gap between the firings of a chain of 0 ms timers: how long the event loop
 *  was held at a stretch while it ran. Stop it to read the figure. */
function blockMonitor(): () => Promise<number> {
  let last = performance.now();
  let longest = 0;
  let running = true;
  const tick = (): void => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
    if (running) setTimeout(tick, 0);
  };
  setTimeout(tick, 0);
  return async () => {
    // One more firing closes the stretch that was running when the measured work ended.
    await new Promise((r) => setTimeout(r, 0));
    running = false;
    return longest;
  };
}

export interface SaveFigures {
  ms: number;
  longestBlockMs: number;
  phases: Record<string, number>;
}

async function measuredSave(index: ScholiaIndex): Promise<SaveFigures> {
  const stop = blockMonitor();
  const t = performance.now();
  await index.save();
  const ms = performance.now() - t;
  const longestBlockMs = await stop();
  const timings = index.saveTimings ?? {};
  const phases: Record<string, number> = {};
  for (const [k, v] of Object.entries(timings)) phases[k] = round(v, 1);
  return { ms, longestBlockMs, phases };
}

function benchDoc(f: number, n: number, vectors: VectorSource, texts: TextSource): { path: string; chunks: Chunk[]; vecs: Float32Array[] } {
  const path = `Folder${f % 20}/file${f}.md`;
  const chunks: Chunk[] = [];
  const vecs: Float32Array[] = [];
  for (let j = 0; j < n; j++) {
    chunks.push({ id: `${path}#${j}`, path, kind: "markdown", text: texts.passage(), headings: [`Section ${j % 7}`], line: j * 10 });
    vecs.push(vectors.next());
  }
  return { path, chunks, vecs };
}

/** Re-indexes one file of the built index (its old chunks are removed) and saves again. */
async function measuredResave(index: ScholiaIndex, vectors: VectorSource, texts: TextSource): Promise<SaveFigures> {
  const { path, chunks, vecs } = benchDoc(3, CHUNKS_PER_FILE, vectors, texts);
  index.putDocument({ path, size: 1001, mtime: 2, hash: "edited" }, { path, kind: "markdown", title: "File 3", chunks, tags: ["t3"] }, vecs);
  return measuredSave(index);
}

async function buildIndex(dir: string, count: number, vectors: VectorSource, texts: TextSource): Promise<{ index: ScholiaIndex; buildS: number; save: SaveFigures }> {
  const { index } = await ScholiaIndex.open(new NodeIndexStorage(dir), { model: "bench/random-384", rebuild: true });
  const t0 = performance.now();
  for (let f = 0; f * CHUNKS_PER_FILE < count; f++) {
    const { path, chunks, vecs } = benchDoc(f, Math.min(CHUNKS_PER_FILE, count - f * CHUNKS_PER_FILE), vectors, texts);
    index.putDocument({ path, size: 1000, mtime: 1, hash: `h${f}` }, { path, kind: "markdown", title: `File ${f}`, chunks, tags: [`t${f % 10}`] }, vecs);
  }
  const buildS = (performance.now() - t0) / 1000;
  return { index, buildS, save: await measuredSave(index) };
}

function vectorP95(search: (q: Float32Array) => unknown, vectors: VectorSource, n: number): number {
  for (let i = 0; i < 10; i++) search(vectors.next());
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const q = vectors.next();
    samples.push(time(() => search(q)));
  }
  return p95(samples);
}

function keywordP95(index: ScholiaIndex, texts: TextSource, n: number): number {
  for (let i = 0; i < 5; i++) index.keywordSearch(texts.query(3), 10);
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const q = texts.query(2 + (i % 4));
    samples.push(time(() => index.keywordSearch(q, 10)));
  }
  return p95(samples);
}

/** recall@10 of the int8 store against exact float search, on the same 100k vectors. */
function recall(vectors: VectorSource, count: number, queries: number): IndexBenchResult["recall_at_10"] {
  const floats: Float32Array[] = [];
  const m = new VectorMatrix(DIMS);
  for (let i = 0; i < count; i++) {
    const v = vectors.next();
    floats.push(v);
    m.append(v);
  }
  const sums = { int8: 0, int8_rescored: 0, float_rescored: 0 };
  for (let qi = 0; qi < queries; qi++) {
    const q = vectors.next(1.2);
    const exact = new TopK(10);
    const dots = new Float64Array(count);
    for (let i = 0; i < count; i++) {
      let s = 0;
      const v = floats[i];
      for (let d = 0; d < DIMS; d++) s += q[d] * v[d];
      dots[i] = s;
      exact.push(i, s);
    }
    const truth = new Set(exact.sorted().map((h) => h.id));
    const hit = (rows: number[]) => rows.filter((r) => truth.has(r)).length / 10;
    sums.int8 += hit(m.search(q, 10, undefined, false).map((h) => h.row));
    const rescored = m.search(q, 10, undefined, true);
    sums.int8_rescored += hit(rescored.map((h) => h.row));
    // What a float copy of every vector (4 bytes a dimension) would buy over dequantized int8.
    const fl = new TopK(10);
    for (const h of m.search(q, 40, undefined, false)) fl.push(h.row, dots[h.row]);
    sums.float_rescored += hit(fl.sorted().map((h) => h.id));
  }
  return { int8: round(sums.int8 / queries, 3), int8_rescored: round(sums.int8_rescored / queries, 3), float_rescored: round(sums.float_rescored / queries, 3) };
}

/** Loads the saved index in a fresh Node process so load time and RSS are not flattered or
 *  inflated by this process's warm JIT and build garbage. Needs esbuild (a devDependency). */
type Probe = { load_ms: number; rss_mb: number; kw_ready_ms: number; eager_ms: number };

function loadInChild(dir: string, work: string): Probe | null {
  let esbuild: { buildSync: (o: Record<string, unknown>) => unknown };
  try {
    esbuild = createRequire(join(process.cwd(), "package.json"))("esbuild") as typeof esbuild;
  } catch {
    return null;
  }
  const root = process.cwd();
  const entry = join(work, "load-probe.ts");
  writeFileSync(
    entry,
    `import { NodeIndexStorage } from ${JSON.stringify(join(root, "src/cli/node-index-storage"))};
import { ScholiaIndex } from ${JSON.stringify(join(root, "src/core/index/scholia-index"))};
(async () => {
  const storage = new NodeIndexStorage(${JSON.stringify(dir)});
  const eager = process.argv[2] === "eager";
  const t0 = performance.now();
  const { index, notice } = await ScholiaIndex.open(storage, { keyword: eager ? "eager" : "background" });
  const load_ms = performance.now() - t0;
  if (notice || index.chunkCount === 0) throw new Error("load failed: " + notice);
  const q = new Float32Array(index.dims); q[0] = 1;
  index.vectorSearch(q, 10);
  index.getChunk(0);
  const rss_mb = process.memoryUsage().rss / 1048576;
  await index.keywordReady();
  const kw_ready_ms = performance.now() - t0;
  console.log(JSON.stringify({ load_ms, rss_mb, kw_ready_ms }));
})();`,
  );
  const out = join(work, "load-probe.cjs");
  try {
    esbuild.buildSync({ entryPoints: [entry], bundle: true, platform: "node", format: "cjs", target: "node20", outfile: out, logLevel: "silent" });
  } catch {
    return null;
  }
  const run = (mode: string) => {
    const runs: { load_ms: number; rss_mb: number; kw_ready_ms: number }[] = [];
    for (let i = 0; i < 5; i++) {
      const r = spawnSync(process.execPath, [out, mode], { encoding: "utf8" });
      if (r.status !== 0) return null;
      runs.push(JSON.parse(r.stdout.trim()) as (typeof runs)[number]);
    }
    // Median of five: the first run may pay for a cold page cache, later ones do not.
    const med = (f: (x: (typeof runs)[number]) => number) => runs.map(f).sort((a, b) => a - b)[2];
    return { load_ms: med((r) => r.load_ms), rss_mb: med((r) => r.rss_mb), kw_ready_ms: med((r) => r.kw_ready_ms) };
  };
  const background = run("background");
  const eager = run("eager");
  if (!background || !eager) return null;
  return { ...background, eager_ms: eager.load_ms };
}

export async function runIndexBench(log: (line: string) => void = (l) => console.log(l)): Promise<IndexBenchResult> {
  const work = mkdtempSync(join(tmpdir(), "scholia-index-bench-"));
  try {
    const vectors = new VectorSource();
    const texts = new TextSource();

    log("index bench: 10k chunks");
    const small = await buildIndex(join(work, "10k"), 10_000, vectors, texts);
    const q10k = vectorP95((q) => small.index.vectorSearch(q, 10), vectors, 200);
    const kw10k = keywordP95(small.index, texts, 200);

    log("index bench: 100k chunks");
    const dir100k = join(work, "100k");
    const big = await buildIndex(dir100k, 100_000, vectors, texts);
    const q100k = vectorP95((q) => big.index.vectorSearch(q, 10), vectors, 200);
    const kw100k = keywordP95(big.index, texts, 200);
    log("index bench: re-save of 100k after one file changed");
    const resave = await measuredResave(big.index, vectors, texts);
    const files = readdirSync(dir100k);
    const size = (pred: (n: string) => boolean) => files.filter(pred).reduce((s, n) => s + statSync(join(dir100k, n)).size, 0);
    const bytesPerChunk = size(() => true) / 100_000;
    const vectorBytesPerChunk = size((n) => n.startsWith("vectors-")) / 100_000;

    let load = loadInChild(dir100k, work);
    let loadMeasured = "child process";
    if (!load) {
      loadMeasured = "in process";
      const t0 = performance.now();
      const { index } = await ScholiaIndex.open(new NodeIndexStorage(dir100k), { keyword: "background" });
      const loadMs = performance.now() - t0;
      const rss = process.memoryUsage().rss / 1048576;
      await index.keywordReady();
      load = { load_ms: loadMs, rss_mb: rss, kw_ready_ms: performance.now() - t0, eager_ms: NaN };
    }

    log("index bench: 1M vectors");
    const million = new VectorMatrix(DIMS);
    for (let i = 0; i < 1_000_000; i++) million.append(vectors.next());
    const q1m = vectorP95((q) => million.search(q, 10), vectors, 50);

    const jsOnly = new VectorMatrix(DIMS, undefined, false);
    for (let i = 0; i < 100_000; i++) jsOnly.append(vectors.next());
    const q100kJs = vectorP95((q) => jsOnly.search(q, 10), vectors, 50);

    log("index bench: recall");
    const rec = recall(vectors, 100_000, 50);

    return {
      query_p95_ms: { "10k": q10k, "100k": q100k, "1M": q1m },
      keyword_p95_ms: { "10k": kw10k, "100k": kw100k },
      bytes_per_chunk: Math.round(bytesPerChunk),
      vector_bytes_per_chunk: Math.round(vectorBytesPerChunk),
      load_ms_100k: round(load.load_ms, 1),
      rss_mb_100k: round(load.rss_mb, 1),
      keyword_ready_ms_100k: round(load.kw_ready_ms, 1),
      load_eager_ms_100k: round(load.eager_ms, 1),
      build_s_100k: round(big.buildS, 1),
      save_ms_100k: round(big.save.ms, 0),
      save_ms_10k: round(small.save.ms, 0),
      save_longest_block_ms_10k: round(small.save.longestBlockMs, 1),
      save_longest_block_ms_100k: round(big.save.longestBlockMs, 1),
      save_phases_ms_100k: big.save.phases,
      resave_ms_100k: round(resave.ms, 0),
      resave_longest_block_ms_100k: round(resave.longestBlockMs, 1),
      recall_at_10: rec,
      simd: million.simd,
      query_p95_ms_100k_js: q100kJs,
      load_measured: loadMeasured,
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
