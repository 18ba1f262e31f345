// `npm run bench`: speed and memory figures of the whole pipeline, printed as a table and written to
// bench/results.json. Uses ../shared (corpus, glove model) when present; synthetic data otherwise.
// Pass names to run a subset: `node dist/bench.js ingest embed index large-pdf`.
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { benchTexts, runEmbedBench, runMiniLmEmbedBench } from "./embed-bench";
import { runIndexBench } from "./index-bench";
import { runIngestBench, runLargePdfBench } from "./ingest-bench";

type Row = [string, string, string];

async function main(): Promise<void> {
  const only = new Set(process.argv.slice(2));
  const want = (name: string) => only.size === 0 || only.has(name);
  const results: Record<string, unknown> = {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model ?? "unknown", memory_gb: Math.round(totalmem() / 2 ** 30), node: process.version },
  };
  const rows: Row[] = [];
  const fmt = (n: number, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : String(n));

  if (want("ingest")) {
    const ingest = await runIngestBench();
    results.ingest = ingest;
    if (ingest) rows.push(["ingest_pages_per_s (shared corpus)", fmt(ingest.pages_per_second, 1), "—"]);
    else rows.push(["ingest_pages_per_s", "skipped (no ../shared)", "—"]);
  }
  if (want("large-pdf")) {
    const large = await runLargePdfBench(2000);
    results.large_pdf = large;
    rows.push(["2,000-page PDF: pages/s", fmt(large.pages_per_second, 1), "—"]);
    rows.push(["2,000-page PDF: peak RSS growth MB", fmt(large.peak_rss_growth_mb, 0), "bounded"]);
  }
  if (want("embed")) {
    const embed = await runEmbedBench(await benchTexts(2000));
    results.embed = embed;
    results.pipeline_vs_raw = embed.pipeline_vs_raw;
    results.pipeline_vs_naive = embed.pipeline_vs_naive;
    rows.push(["embeddings/s raw onnxruntime", fmt(embed.raw_per_s, 0), "—"]);
    rows.push(["embeddings/s pipeline", fmt(embed.pipeline_per_s, 0), "—"]);
    rows.push(["pipeline_vs_raw", fmt(embed.pipeline_vs_raw), "≥ 0.85"]);
    rows.push(["pipeline_vs_naive", fmt(embed.pipeline_vs_naive), "≥ 3"]);
    if (embed.pipeline_padded_vs_raw !== undefined) {
      rows.push(["pipeline_vs_raw without token lookup", fmt(embed.pipeline_padded_vs_raw), "—"]);
    }
    // A static model is a table lookup, so text handling dominates; a real transformer shows the
    // pipeline's overhead where inference dominates. Fetched by scripts/fetch-minilm.py, if at all.
    const minilm = await runMiniLmEmbedBench((await benchTexts(200)).slice(0, 200));
    results.embed_minilm = minilm;
    if (minilm) {
      rows.push(["MiniLM embeddings/s raw", fmt(minilm.raw_per_s, 1), "—"]);
      rows.push(["MiniLM embeddings/s pipeline", fmt(minilm.pipeline_per_s, 1), "—"]);
      rows.push(["MiniLM pipeline_vs_raw", fmt(minilm.pipeline_vs_raw), "≥ 0.85"]);
      rows.push(["MiniLM pipeline_vs_naive", fmt(minilm.pipeline_vs_naive), "≥ 3"]);
    } else {
      rows.push(["MiniLM", "skipped (python3 scripts/fetch-minilm.py)", "—"]);
    }
  }
  if (want("index")) {
    const index = await runIndexBench((line) => process.stderr.write(line + "\n"));
    results.index = index;
    results.query_p95_ms = index.query_p95_ms;
    results.bytes_per_chunk = index.bytes_per_chunk;
    results.vector_bytes_per_chunk = index.vector_bytes_per_chunk;
    results.load_ms_100k = index.load_ms_100k;
    results.rss_mb_100k = index.rss_mb_100k;
    rows.push(["query_p95_ms 10k", fmt(index.query_p95_ms["10k"]), "—"]);
    rows.push(["query_p95_ms 100k", fmt(index.query_p95_ms["100k"]), "≤ 30"]);
    rows.push(["query_p95_ms 1M", fmt(index.query_p95_ms["1M"]), "≤ 10 × 100k"]);
    rows.push(["keyword_p95_ms 100k", fmt(index.keyword_p95_ms["100k"]), "—"]);
    rows.push(["vector bytes per chunk", fmt(index.vector_bytes_per_chunk, 0), "≤ 512"]);
    rows.push(["bytes per chunk on disk (all files)", fmt(index.bytes_per_chunk, 0), "—"]);
    rows.push(["load_ms_100k", fmt(index.load_ms_100k, 0), "≤ 300"]);
    rows.push(["rss_mb_100k", fmt(index.rss_mb_100k, 0), "—"]);
    rows.push(["save_ms_100k (sliced, in the background)", fmt(index.save_ms_100k, 0), "—"]);
    rows.push(["longest main-thread block during a 100k save, ms", fmt(index.save_longest_block_ms_100k, 1), "≤ 50"]);
  }

  const w0 = Math.max(...rows.map((r) => r[0].length), 6);
  const w1 = Math.max(...rows.map((r) => r[1].length), 5);
  console.log(`${"metric".padEnd(w0)}  ${"value".padStart(w1)}  target`);
  for (const [m, v, t] of rows) console.log(`${m.padEnd(w0)}  ${v.padStart(w1)}  ${t}`);
  mkdirSync("bench", { recursive: true });
  writeFileSync("bench/results.json", JSON.stringify(results, null, 2) + "\n");
  console.log("\nWrote bench/results.json");
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.stack ?? e.message : String(e));
  process.exitCode = 1;
});
