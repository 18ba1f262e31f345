// The full torture run behind RELIABILITY.md: the bad-input corpus with 100 random truncations and a
// 2,000-page PDF (peak RSS measured on the child process), 200+ SIGKILL trials of `scholia index`, and
// the LLM/embeddings fault matrix, all through the real CLI. Prints markdown tables and writes the
// figures to artifacts/torture.json.
//
//   npm run build && node dist/torture.js [--trials 200] [--pages 2000] [--truncations 100] [--skip bad,crash,faults]
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { makeBadCorpus, writeCorpus } from "../tests/reliability/bad-corpus";
import { indexBadCorpus, outcomeTable } from "../tests/reliability/bad-input-check";
import { buildCli, REPO_ROOT, runCli, TMP_ROOT, type IndexReport } from "../tests/reliability/cli-harness";
import { runCrashTrials } from "../tests/reliability/crash-trials";
import { runEmbeddingMatrix, runLlmMatrix, type FaultRow } from "../tests/reliability/fault-matrix";
import { makeManyPagesPdf } from "../tests/fixtures/pdf-fixtures";

const { values } = parseArgs({
  options: {
    trials: { type: "string", default: "200" },
    pages: { type: "string", default: "2000" },
    truncations: { type: "string", default: "100" },
    skip: { type: "string", default: "" },
  },
});
const trials = Number(values.trials);
const pages = Number(values.pages);
const truncations = Number(values.truncations);
const skip = new Set((values.skip ?? "").split(",").filter(Boolean));

const mb = (kb: number | undefined) => (kb === undefined ? "n/a" : `${(kb / 1024).toFixed(0)} MB`);
const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

async function badInputs(cli: string, work: string): Promise<Record<string, unknown>> {
  console.error(`bad inputs: generating the corpus (${truncations} truncations, a ${pages}-page PDF)…`);
  const vault = path.join(work, "bad");
  const files = writeCorpus(vault, await makeBadCorpus({ seed: 20261125, truncations, longPdfPages: pages }));
  const result = await indexBadCorpus(cli, vault, files, { measureRss: true, timeoutMs: 1_800_000 });

  // The long PDF alone, so its peak memory is not mixed with the 10 MB note's.
  const solo = path.join(work, "long-pdf");
  mkdirSync(solo, { recursive: true });
  writeFileSync(path.join(solo, `long-${pages}.pdf`), await makeManyPagesPdf(pages));
  const long = await runCli(cli, ["index", solo, "--no-embeddings", "--json"], { measureRss: true, timeoutMs: 1_800_000 });
  const longReport = long.code === 0 ? (JSON.parse(long.stdout) as IndexReport) : null;

  // The 10 MB note alone: the heaviest input for the chunk table and the keyword index.
  const noteVault = path.join(work, "big-note");
  const note = files.find((f) => f.kind === "10 MB note");
  mkdirSync(noteVault, { recursive: true });
  if (note) writeFileSync(path.join(noteVault, "big.md"), note.bytes);
  const big = await runCli(cli, ["index", noteVault, "--no-embeddings", "--json"], { measureRss: true, timeoutMs: 1_800_000 });
  const bigReport = big.code === 0 ? (JSON.parse(big.stdout) as IndexReport) : null;

  console.log(`\n## Bad inputs\n`);
  console.log(`Files tried: ${files.length}. Crashes: ${result.crashed ? 1 : 0}. Violations: ${result.violations.length}. Whole corpus: ${(result.run.ms / 1000).toFixed(1)} s, peak RSS ${mb(result.run.maxRssKb)}.`);
  console.log(`${pages}-page PDF alone: ${longReport ? `${longReport.totals.chunks} chunks` : `failed (${long.stderr.trim()})`}, ${(long.ms / 1000).toFixed(1)} s, peak RSS ${mb(long.maxRssKb)}.`);
  console.log(`10 MB note alone: ${bigReport ? `${bigReport.totals.chunks} chunks` : `failed (${big.stderr.trim()})`}, ${(big.ms / 1000).toFixed(1)} s, peak RSS ${mb(big.maxRssKb)}.\n`);
  for (const v of result.violations) console.log(`- VIOLATION: ${v}`);
  console.log("| input | files | outcome (reason) |\n|---|---:|---|");
  for (const row of outcomeTable(result.rows)) console.log(`| ${cell(row.kind)} | ${row.files} | ${cell(row.outcome)} |`);
  return {
    filesTried: files.length,
    crashes: result.crashed ? 1 : 0,
    violations: result.violations,
    corpusMs: result.run.ms,
    corpusPeakRssKb: result.run.maxRssKb,
    longPdf: { pages, chunks: longReport?.totals.chunks ?? null, ms: long.ms, peakRssKb: long.maxRssKb, exit: long.code },
    bigNote: { chunks: bigReport?.totals.chunks ?? null, ms: big.ms, peakRssKb: big.maxRssKb, exit: big.code },
    outcomes: outcomeTable(result.rows),
  };
}

async function crashes(cli: string, work: string): Promise<Record<string, unknown>> {
  console.error(`crash safety: ${trials} trials…`);
  const f = await runCrashTrials({
    cli,
    work,
    trials,
    notes: 400,
    pdfs: 3,
    pdfPages: 40,
    onTrial: (t, fig) => {
      if ((t + 1) % 10 === 0) console.error(`  ${t + 1}/${trials} trials, ${fig.trials - fig.finishedBeforeKill} kills, ${fig.killedMidSave} inside a save, ${fig.problems.length} problems`);
    },
  });
  console.log(`\n## Crash safety (SIGKILL during \`scholia index\`)\n`);
  console.log("| trials | kills | inside a save | mid-file (temp left) | before first save | finished first | crashes | inconsistent | max temp files | chunks checked | vectors checked | time |");
  console.log("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
  console.log(`| ${f.trials} | ${f.trials - f.finishedBeforeKill} | ${f.killedMidSave} | ${f.killedMidWrite} | ${f.killedBeforeFirstSave} | ${f.finishedBeforeKill} | ${f.crashes} | ${f.inconsistencies} | ${f.maxTempFiles} | ${f.chunksChecked} | ${f.vectorsChecked} | ${(f.ms / 1000).toFixed(0)} s |`);
  for (const p of f.problems) console.log(`- PROBLEM: ${p}`);
  return { ...f };
}

async function faults(cli: string, work: string): Promise<FaultRow[]> {
  console.error("fault matrix…");
  const rows = [...(await runLlmMatrix(cli, work)), ...(await runEmbeddingMatrix(cli, work))];
  console.log(`\n## Fault matrix\n`);
  console.log("| endpoint | fault | command | exit | requests | what the user sees | vault | index |\n|---|---|---|---:|---:|---|---|---|");
  for (const r of rows) {
    const seen = r.messages.length ? r.messages.join(" / ").replace(/^scholia: /, "").replace(/127\.0\.0\.1:\d+/g, "127.0.0.1:PORT") : r.exit === 0 ? "(answer)" : "(nothing)";
    const vault = r.vaultChanges.length ? r.vaultChanges.join(", ") : "unchanged";
    const index = r.indexChanges.length ? `${r.indexChanges.length} files changed` : "unchanged";
    console.log(`| ${r.endpoint} | ${cell(r.fault)} | ${r.command} | ${String(r.exit)} | ${r.requests} | ${cell(seen)}${r.leaked ? " **KEY LEAKED**" : ""}${r.stackTrace ? " **STACK**" : ""} | ${cell(vault)} | ${index} |`);
  }
  return rows;
}

async function main(): Promise<void> {
  const started = Date.now();
  const cli = await buildCli("cli-torture.js");
  mkdirSync(TMP_ROOT, { recursive: true });
  const work = mkdtempSync(path.join(TMP_ROOT, "torture-"));
  const figures: Record<string, unknown> = { date: new Date().toISOString(), node: process.version, cpus: (await import("node:os")).cpus().length };
  try {
    if (!skip.has("bad")) figures.badInputs = await badInputs(cli, work);
    if (!skip.has("crash")) figures.crashSafety = await crashes(cli, work);
    if (!skip.has("faults")) figures.faultMatrix = await faults(cli, work);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  figures.totalMs = Date.now() - started;
  const out = path.join(REPO_ROOT, "artifacts", "torture.json");
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(figures, null, 2));
  console.error(`\nfigures written to ${path.relative(process.cwd(), out)} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.stack ?? e.message : String(e));
  process.exitCode = 1;
});
