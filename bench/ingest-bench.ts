// PDF ingestion speed on the shared corpus (../shared/corpus/papers), in pages per second, and the
// memory a 2,000-page generated PDF needs. Benchmarks, not tests: they measure, they do not assert.
//   npm run build && node dist/bench.js      (bench/run.ts calls these)
import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { loadNodePdfJs } from "../src/cli/pdfjs-node";
import { extractPdfDocument } from "../src/core/ingest/pdf/extract-pdf";
import { typesetPaper } from "../scripts/paper-pdf";

export interface IngestBenchResult {
  pages_per_second: number;
  pages: number;
  seconds: number;
  files: number;
  chunks: number;
}

export function sharedCorpusPapers(root = process.cwd()): string {
  return resolve(root, "..", "shared", "corpus", "papers");
}

/** Extracts every PDF of the shared corpus once (after one warm-up file). Null when it is absent. */
export async function runIngestBench(dir = sharedCorpusPapers()): Promise<IngestBenchResult | null> {
  if (!existsSync(dir)) return null;
  const names = (await readdir(dir)).filter((n) => n.toLowerCase().endsWith(".pdf")).sort();
  if (names.length === 0) return null;
  const pdfjs = await loadNodePdfJs();
  const files = await Promise.all(names.map(async (n) => ({ name: n, data: new Uint8Array(await readFile(join(dir, n))) })));
  // Warm-up: module load, JIT and font caches would otherwise count against the first file.
  await extractPdfDocument(files[0].name, files[0].data, pdfjs);
  let pages = 0;
  let chunks = 0;
  const start = performance.now();
  for (const f of files) {
    const doc = await extractPdfDocument(`papers/${f.name}`, f.data, pdfjs);
    pages += doc.pageCount ?? 0;
    chunks += doc.chunks.length;
  }
  const seconds = (performance.now() - start) / 1000;
  return { pages_per_second: round(pages / seconds), pages, seconds: round(seconds), files: files.length, chunks };
}

export interface LargePdfBenchResult {
  pages: number;
  seconds: number;
  pages_per_second: number;
  /** Peak resident set size during extraction, minus the size before it started. */
  peak_rss_growth_mb: number;
  peak_heap_used_mb: number;
  pdf_mb: number;
}

/** Generates an N-page PDF (default 2,000) and extracts it, sampling memory while it runs. */
export async function runLargePdfBench(pageCount = 2000): Promise<LargePdfBenchResult> {
  const { bytes } = await typesetPaper({
    metadataTitle: "Large generated report",
    header: () => "Large generated report · Benchmark",
    footer: (page) => `${page}`,
    pages: Array.from({ length: pageCount }, (_, i) => ({
      blocks: [
        { kind: "heading" as const, text: `Chapter ${i + 1}` },
        ...Array.from({ length: 4 }, (_, k) => ({
          kind: "paragraph" as const,
          text: `Paragraph ${k + 1} of page ${i + 1}. Benchmarks need realistic pages, so this one holds several sentences of ordinary prose about measurement, memory and throughput. Long documents such as theses and manuals reach thousands of pages, and an indexer must read them one page at a time.`,
        })),
      ],
    })),
  });
  const pdfjs = await loadNodePdfJs();
  (globalThis as { gc?: () => void }).gc?.();
  const baseline = process.memoryUsage().rss;
  let peakRss = baseline;
  let peakHeap = 0;
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 25);
  const start = performance.now();
  try {
    await extractPdfDocument("large.pdf", bytes, pdfjs);
  } finally {
    clearInterval(timer);
  }
  const seconds = (performance.now() - start) / 1000;
  const mb = (n: number) => round(n / 1024 / 1024);
  return {
    pages: pageCount,
    seconds: round(seconds),
    pages_per_second: round(pageCount / seconds),
    peak_rss_growth_mb: mb(peakRss - baseline),
    peak_heap_used_mb: mb(peakHeap),
    pdf_mb: mb(bytes.length),
  };
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
