// Crash safety through the CLI: `scholia index` is SIGKILLed at a random moment while it reads, embeds
// and saves a vault that changes between trials; after every kill the index must open undamaged and be
// consistent (file table, chunk table and vectors agree; every vector is the one its text embeds to),
// `search --json` must work, and the next `index` must complete with totals that match the vault.
// Embeddings come from the loopback OpenAI-compatible server, whose vectors are a pure function of the
// text, so a vector can be checked against the text it is stored with.
import { mkdirSync, readFileSync, readdirSync, watch } from "node:fs";
import { createHash } from "node:crypto";
import * as path from "node:path";
import { NodeIndexStorage } from "../../src/cli/node-index-storage";
import { loadNodePdfJs } from "../../src/cli/pdfjs-node";
import { DATA_FILE_PATTERN } from "../../src/core/index/manifest";
import { ScholiaIndex } from "../../src/core/index/scholia-index";
import { ingestFile } from "../../src/core/ingest/ingest-file";
import { deterministicEmbedding, startFakeOpenAiServer, type FakeOpenAiServer } from "../helpers/fake-openai-server";
import { indexDirOf, listFilesRecursive, parseJson, runCli, seededRandom, STACK_LINE, type IndexReport } from "./cli-harness";
import { generateVault, mutateVault } from "./vault-gen";

export const EMBED_DIMS = 32;

export interface CrashFigures {
  trials: number;
  /** Kills that landed while a file was being written (a temporary file was left behind). */
  killedMidWrite: number;
  /** Kills that landed inside a save: a temporary file, or data files of a generation that the
   *  manifest does not name yet (written, but the manifest not switched over). */
  killedMidSave: number;
  /** Kills that landed before the run had saved anything new. */
  killedBeforeFirstSave: number;
  /** Runs that finished before their kill moment came. */
  finishedBeforeKill: number;
  /** Runs that died or failed on their own (not by our SIGKILL). */
  crashes: number;
  /** Times the index did not open cleanly or was inconsistent. */
  inconsistencies: number;
  /** Most temporary files ever seen in the index folder after a kill. */
  maxTempFiles: number;
  chunksChecked: number;
  vectorsChecked: number;
  problems: string[];
  ms: number;
}

export interface CrashOptions {
  cli: string;
  work: string;
  trials: number;
  seed?: number;
  notes?: number;
  pdfs?: number;
  pdfPages?: number;
  /** Files per trial whose chunks are re-ingested to check text and vectors. */
  sampleFiles?: number;
  onTrial?: (trial: number, figures: CrashFigures) => void;
}

const TEMP = /\.tmp-/;

export async function runCrashTrials(opts: CrashOptions): Promise<CrashFigures> {
  const started = Date.now();
  const server = await startFakeOpenAiServer({ embeddingDims: EMBED_DIMS });
  const vault = path.join(opts.work, "crash-vault");
  const indexDir = indexDirOf(vault);
  const seed = opts.seed ?? 4242;
  await generateVault(vault, { seed, notes: opts.notes ?? 400, pdfs: opts.pdfs ?? 3, pdfPages: opts.pdfPages ?? 30 });
  const embedArgs = ["--embeddings-base-url", server.baseURL, "--embeddings-model", "fake-model"];
  const f: CrashFigures = { trials: 0, killedMidWrite: 0, killedMidSave: 0, killedBeforeFirstSave: 0, finishedBeforeKill: 0, crashes: 0, inconsistencies: 0, maxTempFiles: 0, chunksChecked: 0, vectorsChecked: 0, problems: [], ms: 0 };
  const problem = (trial: number, text: string): void => {
    f.problems.push(`trial ${trial}: ${text}`);
  };
  const rand = seededRandom(seed);
  try {
    // A full, unkilled build tells how long a run takes, so kills can land anywhere inside one.
    const full = await runCli(opts.cli, ["index", vault, ...embedArgs, "--json"]);
    if (full.code !== 0) throw new Error(`the first full index failed: ${full.stderr}`);
    let window = Math.max(300, full.ms);
    for (let trial = 0; trial < opts.trials; trial++) {
      mutateVault(vault, seed + trial, trial);
      const rebuild = trial % 5 === 4;
      const manifestBefore = fileHash(path.join(indexDir, "manifest.json"));
      // Half the kills land at a uniformly random time; the other half right after the n-th temporary
      // file appears, so that many land inside a save (between write, fsync and rename).
      const watcher = rand() < 0.5 ? killDuringWrite(indexDir, 1 + Math.floor(rand() * 3), Math.floor(rand() * 6)) : null;
      const run = await runCli(opts.cli, ["index", vault, ...embedArgs, "--json", ...(rebuild ? ["--rebuild"] : [])], {
        killAfterMs: watcher ? undefined : Math.floor(rand() * window),
        killOn: watcher?.fired,
        timeoutMs: 120_000,
      });
      watcher?.close();
      f.trials++;
      if (run.signal === null && run.code === 0) f.finishedBeforeKill++;
      if (run.signal !== "SIGKILL" && run.code !== 0) {
        f.crashes++;
        problem(trial, `index exited with code ${String(run.code)} before the kill: ${run.stderr.slice(-300)}`);
      }
      if (STACK_LINE.test(run.stderr)) problem(trial, `stack trace on stderr: ${run.stderr.slice(0, 300)}`);
      const temps = readdirSync(indexDir).filter((n) => TEMP.test(n));
      if (temps.length > 0) f.killedMidWrite++;
      if (temps.length > 0 || hasUnnamedGeneration(indexDir)) f.killedMidSave++;
      else if (fileHash(path.join(indexDir, "manifest.json")) === manifestBefore) f.killedBeforeFirstSave++;
      f.maxTempFiles = Math.max(f.maxTempFiles, temps.length);

      const before = f.problems.length;
      await checkIndex(vault, indexDir, server, opts.sampleFiles ?? 12, rand, f, (t) => problem(trial, t));
      const search = await runCli(opts.cli, ["search", vault, "gradient descent", "--json", "--k", "5", ...embedArgs]);
      if (search.code !== 0) problem(trial, `search failed after the kill: ${search.stderr.slice(-300)}`);
      else if (!Array.isArray(parseJson<{ passages: unknown[] }>(search).passages)) problem(trial, "search printed no passages list");

      // The next run completes, and its totals agree with the files in the vault.
      const next = await runCli(opts.cli, ["index", vault, ...embedArgs, "--json"], { timeoutMs: 180_000 });
      if (next.code !== 0) problem(trial, `the next index failed: ${next.stderr.slice(-300)}`);
      else {
        const report = parseJson<IndexReport>(next);
        const onDisk = listFilesRecursive(vault).filter((p) => /\.(md|pdf)$/i.test(p));
        const reported = report.files.map((x) => x.path).sort();
        if (JSON.stringify(reported) !== JSON.stringify(onDisk)) problem(trial, `the next run reported ${reported.length} files, the vault has ${onDisk.length}`);
        if (report.totals.failed > 0) problem(trial, `the next run failed ${report.totals.failed} files: ${report.files.find((x) => x.status === "failed")?.reason ?? ""}`);
        if (report.totals.indexed + report.totals.unchanged !== onDisk.length) problem(trial, "indexed + unchanged does not equal the vault's files");
        const { index } = await ScholiaIndex.open(new NodeIndexStorage(indexDir), {});
        if (index.chunkCount !== report.totals.chunks) problem(trial, `the report says ${report.totals.chunks} chunks, the index holds ${index.chunkCount}`);
        const left = readdirSync(indexDir).filter((n) => TEMP.test(n));
        if (left.length > 0) problem(trial, `temporary files survive a completed run: ${left.join(", ")}`);
        window = Math.max(300, Math.round((window + next.ms * 2) / 2));
      }
      if (f.problems.length > before) f.inconsistencies++;
      opts.onTrial?.(trial, f);
    }
  } finally {
    await server.close();
  }
  f.ms = Date.now() - started;
  return f;
}

/** Resolves `delayMs` after the `nth` temporary file shows up in the index folder. */
function killDuringWrite(dir: string, nth: number, delayMs: number): { fired: Promise<void>; close(): void } {
  mkdirSync(dir, { recursive: true });
  let seen = 0;
  let fire: () => void = () => undefined;
  const fired = new Promise<void>((resolve) => (fire = resolve));
  const w = watch(dir, (_event, name) => {
    if (name && TEMP.test(name) && ++seen === nth) setTimeout(fire, delayMs);
  });
  return { fired, close: () => w.close() };
}

/** True when a data file is newer than the generation the manifest names. */
function hasUnnamedGeneration(dir: string): boolean {
  let manifestGeneration = 0;
  try {
    const text = readFileSync(path.join(dir, "manifest.json"), "utf8");
    manifestGeneration = (JSON.parse(text.slice(text.indexOf("\n") + 1)) as { generation: number }).generation;
  } catch {
    // no manifest yet: every data file is unnamed
  }
  return readdirSync(dir).some((n) => {
    const m = DATA_FILE_PATTERN.exec(n);
    return m !== null && !TEMP.test(n) && Number(m[1]) > manifestGeneration;
  });
}

function fileHash(p: string): string | null {
  try {
    return createHash("sha256").update(readFileSync(p)).digest("hex");
  } catch {
    return null;
  }
}

/** Opens the index as the CLI does and checks that its parts agree with each other and with the vault. */
async function checkIndex(vault: string, indexDir: string, server: FakeOpenAiServer, sample: number, rand: () => number, f: CrashFigures, problem: (t: string) => void): Promise<void> {
  let opened;
  try {
    opened = await ScholiaIndex.open(new NodeIndexStorage(indexDir), {});
  } catch (e) {
    problem(`the index does not open: ${(e as Error).message}`);
    return;
  }
  const { index, notice } = opened;
  if (notice) problem(`the index opened with a notice: ${notice}`);
  const files = index.listFiles();
  const total = files.reduce((n, x) => n + x.chunks, 0);
  if (total !== index.chunkCount) problem(`files claim ${total} chunks, the chunk table has ${index.chunkCount}`);
  if (index.chunkCount > 0 && index.modelId !== `fake-model@127.0.0.1:${server.port}`) problem(`unexpected model ${String(index.modelId)}`);
  const byPath = new Map<string, { ordinal: number; text: string; id: string }[]>();
  const ids = new Set<string>();
  for (let o = 0; o < index.chunkCount; o++) {
    const c = index.getChunk(o);
    f.chunksChecked++;
    if (ids.has(c.id)) problem(`duplicate chunk id ${c.id}`);
    ids.add(c.id);
    const v = index.getVector(o);
    if (!v || v.length !== EMBED_DIMS) problem(`chunk ${c.id} has no ${EMBED_DIMS}-d vector`);
    const list = byPath.get(c.path) ?? [];
    list.push({ ordinal: o, text: c.text, id: c.id });
    byPath.set(c.path, list);
  }
  for (const x of files) {
    const got = byPath.get(x.path)?.length ?? 0;
    if (got !== x.chunks) problem(`${x.path}: file table says ${x.chunks} chunks, chunk table has ${got}`);
  }
  // Files whose bytes are unchanged since they were indexed must hold exactly what ingestion makes
  // of them now, each chunk with the vector its embedding text gets.
  const current = files.filter((x) => x.status === "indexed" && x.chunks > 0);
  for (let i = 0; i < Math.min(sample, current.length); i++) {
    const file = current[Math.floor(rand() * current.length)];
    let bytes: Buffer;
    try {
      bytes = readFileSync(path.join(vault, file.path));
    } catch {
      continue; // deleted since; the next run drops it
    }
    if (createHash("sha256").update(bytes).digest("hex") !== file.hash) continue;
    const doc = await ingestFile(file.path, new Uint8Array(bytes), { pdfjs: loadNodePdfJs });
    const stored = (byPath.get(file.path) ?? []).sort((a, b) => Number(a.id.split("#").pop()) - Number(b.id.split("#").pop()));
    if (stored.length !== doc.chunks.length) {
      problem(`${file.path}: ${stored.length} chunks stored, ingestion makes ${doc.chunks.length}`);
      continue;
    }
    doc.chunks.forEach((c, j) => {
      if (stored[j].text !== c.text) problem(`${file.path}: chunk ${j} text differs from the file`);
      const v = index.getVector(stored[j].ordinal);
      const want = deterministicEmbedding(c.embedText ?? c.text, EMBED_DIMS);
      let dot = 0;
      for (let d = 0; d < EMBED_DIMS; d++) dot += (v?.[d] ?? 0) * want[d];
      f.vectorsChecked++;
      if (dot < 0.97) problem(`${file.path}: chunk ${j}'s vector does not belong to its text (cosine ${dot.toFixed(3)})`);
    });
  }
}
