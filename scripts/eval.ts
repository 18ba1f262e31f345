// `npm run eval`: retrieval and answer quality on the development corpus in ../shared, through the real
// pipeline (ingestion, embedder, index store, retriever, answerer). Prints one table — page-hit@1,
// page-hit@5 and MRR on qa-dev.jsonl and eval/qa-extra.jsonl, time-hit@5 on the transcript questions
// and place-hit@5 over all of them, for keyword, vector and hybrid — the refusal rates at
// REFUSAL_THRESHOLD, the offline `ask` figures (answers citing an expected page or second, answerable
// questions refused, unanswerable ones refused; through the Engine as `scholia ask` runs it), and the
// fusion variants that were compared; writes eval/results.json. Exits cleanly when ../shared is
// absent (a fresh clone has no corpus).
//
//   node dist/eval.js [--shared DIR] [--model DIR]... [--reuse-index]
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as nodePath from "node:path";
import { loadNodePdfJs } from "../src/cli/pdfjs-node";
import { NodeIndexStorage } from "../src/cli/node-index-storage";
import { NodeVault } from "../src/cli/node-vault";
import { createEmbedder, type EmbedderConfig } from "../src/core/embed/create-embedder";
import { Engine } from "../src/core/engine";
import type { Embedder } from "../src/core/embed/embedder";
import { runIndex } from "../src/core/index/indexer";
import { ScholiaIndex } from "../src/core/index/scholia-index";
import { ingestFile, isIndexablePath } from "../src/core/ingest/ingest-file";
import { REFUSAL_THRESHOLD } from "../src/core/search/confidence";
import {
  citesPage,
  citesTime,
  firstPageHit,
  firstTimeHit,
  parseSeconds,
  rankMetrics,
  TIME_TOLERANCE_S,
  type PageQuestion,
  type RankMetrics,
  type TimeQuestion,
} from "../src/core/search/eval-metrics";
import { DEFAULT_FUSION, type FusionOptions } from "../src/core/search/fusion";
import { Retriever, type RetrieverConfig } from "../src/core/search/retriever";
import type { SearchMode } from "../src/core/types";

const ROOT = nodePath.resolve(__dirname, "..");
const K = 10;
/** `scholia ask` retrieves 8 passages by default; refusals are measured as it sees them. */
const ASK_K = 8;
const MODES: SearchMode[] = ["keyword", "vector", "hybrid"];

interface Args {
  shared: string;
  models: string[];
  reuseIndex: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { shared: nodePath.resolve(ROOT, "../shared"), models: [], reuseIndex: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--shared" && argv[i + 1]) args.shared = nodePath.resolve(argv[++i]);
    else if (a === "--model" && argv[i + 1]) args.models.push(nodePath.resolve(argv[++i]));
    else if (a === "--reuse-index") args.reuseIndex = true;
    else {
      process.stderr.write(`eval: unknown argument "${a}". Usage: node dist/eval.js [--shared DIR] [--model DIR]... [--reuse-index]\n`);
      process.exit(2);
    }
  }
  if (args.models.length === 0) {
    for (const m of [nodePath.join(args.shared, "models/glove-static-100d"), nodePath.join(ROOT, "bench/models/all-MiniLM-L6-v2")]) {
      if (existsSync(nodePath.join(m, "config.json"))) args.models.push(m);
    }
  }
  return args;
}

/** Parses a JSON Lines file, keeping the lines `accept` recognizes and reporting the others. */
function readJsonl<T>(file: string, accept: (o: Record<string, unknown>) => T | null): T[] {
  if (!existsSync(file)) return [];
  const out: T[] = [];
  readFileSync(file, "utf8")
    .split("\n")
    .forEach((line, i) => {
      if (!line.trim()) return;
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        process.stderr.write(`eval: ${nodePath.relative(ROOT, file)} line ${i + 1} is not valid JSON; skipped.\n`);
        return;
      }
      const item = parsed && typeof parsed === "object" ? accept(parsed as Record<string, unknown>) : null;
      if (item) out.push(item);
      else process.stderr.write(`eval: ${nodePath.relative(ROOT, file)} line ${i + 1} lacks required fields; skipped.\n`);
    });
  return out;
}

const str = (v: unknown): string | null => (typeof v === "string" && v.trim() ? v : null);

function pageQuestion(o: Record<string, unknown>): PageQuestion | null {
  const id = str(o.id);
  const file = str(o.file);
  const question = str(o.question);
  const pages = Array.isArray(o.pages) ? o.pages.filter((p): p is number => typeof p === "number") : [];
  return id && file && question && pages.length ? { id, file, question, pages } : null;
}

function timeQuestion(o: Record<string, unknown>): TimeQuestion | null {
  const id = str(o.id);
  const file = str(o.file);
  const question = str(o.question);
  const time = parseSeconds(o.time);
  return id && file && question && Number.isFinite(time) ? { id, file: file.replace(/^\.?\/?corpus\//u, ""), question, time } : null;
}

function plainQuestion(o: Record<string, unknown>): { id: string; question: string } | null {
  const id = str(o.id);
  const question = str(o.question);
  return id && question ? { id, question } : null;
}

interface ModeResult {
  pages: RankMetrics;
  time: RankMetrics;
  /** eval/qa-extra.jsonl: paraphrased questions that do not name their paper. */
  extra: RankMetrics;
  /** eval/qa-heldout.jsonl: written without looking at any ranking and never used to choose a
   *  setting; it checks that what was tuned on the other sets generalizes. */
  heldout: RankMetrics;
  /** Every answerable question together: page hits and time hits. */
  all: RankMetrics;
}

interface Refusal {
  mode: SearchMode;
  answerableRefused: number;
  answerable: number;
  transcriptRefused: number;
  transcript: number;
  extraRefused: number;
  extra: number;
  unanswerableRefused: number;
  unanswerable: number;
  refusedAnswerableIds: string[];
  acceptedUnanswerableIds: string[];
}

/** Offline `ask` (extractive, no LLM) through the Engine exactly as `scholia ask` composes it. */
interface AskFigures {
  mode: SearchMode;
  /** qa-dev questions answered with a citation on one of the expected pages. */
  pageCited: number;
  pages: number;
  extraCited: number;
  extra: number;
  heldoutCited: number;
  heldout: number;
  timeCited: number;
  times: number;
  answerableRefused: number;
  answerable: number;
  unanswerableRefused: number;
  unanswerable: number;
  /** Answerable questions (any set) answered without a citation on an expected place. */
  missedIds: string[];
  refusedAnswerableIds: string[];
  acceptedUnanswerableIds: string[];
}

interface Variant extends ModeResult {
  name: string;
  config: RetrieverConfig;
}

interface QuestionSets {
  pages: PageQuestion[];
  extra: PageQuestion[];
  heldout: PageQuestion[];
  times: TimeQuestion[];
  unanswerable: { id: string; question: string }[];
}

interface QuestionDetail {
  id: string;
  mode: SearchMode;
  /** 0-based rank of the first hit, -1 when none of the k passages hits. */
  rank: number;
  confidence: number;
  missingTerms: string[];
  namedFiles: string[];
}

async function evaluateModes(retriever: Retriever, sets: QuestionSets, modes: SearchMode[], details?: QuestionDetail[]): Promise<Record<string, ModeResult>> {
  const out: Record<string, ModeResult> = {};
  for (const mode of modes) {
    const pageRanks: number[] = [];
    const timeRanks: number[] = [];
    const extraRanks: number[] = [];
    const heldoutRanks: number[] = [];
    const ask = async (id: string, question: string, hit: (r: Awaited<ReturnType<Retriever["searchDetailed"]>>) => number, ranks: number[]) => {
      const r = await retriever.searchDetailed(question, { k: K, mode });
      const rank = hit(r);
      ranks.push(rank);
      details?.push({ id, mode, rank, confidence: Number(r.confidence.toFixed(3)), missingTerms: r.signals.missingTerms, namedFiles: r.namedFiles });
    };
    for (const q of sets.pages) await ask(q.id, q.question, (r) => firstPageHit(r.passages, q), pageRanks);
    for (const q of sets.times) await ask(q.id, q.question, (r) => firstTimeHit(r.passages, q), timeRanks);
    for (const q of sets.extra) await ask(q.id, q.question, (r) => firstPageHit(r.passages, q), extraRanks);
    for (const q of sets.heldout) await ask(q.id, q.question, (r) => firstPageHit(r.passages, q), heldoutRanks);
    out[mode] = {
      pages: rankMetrics(pageRanks),
      time: rankMetrics(timeRanks),
      extra: rankMetrics(extraRanks),
      heldout: rankMetrics(heldoutRanks),
      all: rankMetrics([...pageRanks, ...extraRanks, ...timeRanks]),
    };
  }
  return out;
}

async function refusal(retriever: Retriever, sets: QuestionSets, mode: SearchMode): Promise<Refusal> {
  const refused = async (q: string) => (await retriever.search(q, { k: ASK_K, mode })).confidence < REFUSAL_THRESHOLD;
  const r: Refusal = {
    mode,
    answerableRefused: 0,
    answerable: sets.pages.length,
    transcriptRefused: 0,
    transcript: sets.times.length,
    extraRefused: 0,
    extra: sets.extra.length,
    unanswerableRefused: 0,
    unanswerable: sets.unanswerable.length,
    refusedAnswerableIds: [],
    acceptedUnanswerableIds: [],
  };
  for (const q of sets.pages) {
    if (!(await refused(q.question))) continue;
    r.answerableRefused++;
    r.refusedAnswerableIds.push(q.id);
  }
  for (const q of sets.times) {
    if (!(await refused(q.question))) continue;
    r.transcriptRefused++;
    r.refusedAnswerableIds.push(q.id);
  }
  for (const q of sets.extra) {
    if (!(await refused(q.question))) continue;
    r.extraRefused++;
    r.refusedAnswerableIds.push(q.id);
  }
  for (const q of sets.unanswerable) {
    if (await refused(q.question)) r.unanswerableRefused++;
    else r.acceptedUnanswerableIds.push(q.id);
  }
  return r;
}

const fusion = (method: FusionOptions["method"], vectorWeight: number): RetrieverConfig => ({ fusion: { method, vectorWeight, rrfK: 60 } });

/** The alternatives the defaults were chosen against, re-measured on every run. */
const VARIANTS: { name: string; config: RetrieverConfig }[] = [
  { name: "rrf, vector weight 0.5", config: fusion("rrf", 0.5) },
  { name: "rrf, vector weight 0.3", config: fusion("rrf", 0.3) },
  { name: "score, vector weight 0.5", config: fusion("score", 0.5) },
  { name: "score, vector weight 0.4", config: fusion("score", 0.4) },
  { name: "score, vector weight 0.3", config: fusion("score", 0.3) },
  { name: "score, vector weight 0.2", config: fusion("score", 0.2) },
  // Score completion (fusion.ts), off by default: "union floor" puts the cosine's zero at the
  // union's lowest instead of the vector ranker's cut-off.
  { name: "completion", config: { fusion: { completeScores: true } } },
  { name: "completion, rrf 0.3", config: { fusion: { method: "rrf", vectorWeight: 0.3, completeScores: true } } },
  { name: "completion, union floor, weight 0.3", config: { fusion: { completeScores: true, vectorFloor: "union" } } },
  { name: "completion, union floor, weight 0.4", config: { fusion: { completeScores: true, vectorFloor: "union", vectorWeight: 0.4 } } },
  { name: "completion, union floor, weight 0.5", config: { fusion: { completeScores: true, vectorFloor: "union", vectorWeight: 0.5 } } },
  { name: "pools of 40", config: { candidates: 40 } },
  { name: "pools of 100", config: { candidates: 100 } },
  { name: "no named-file boost", config: { namedFileBoost: 1 } },
  { name: "named-file boost x3", config: { namedFileBoost: 3 } },
  { name: "no stopword stripping", config: { stripStopwords: false } },
  { name: "no diversity", config: { diversity: false } },
];

interface ModelReport {
  model: string;
  files: number;
  failed: { path: string; reason?: string }[];
  chunks: number;
  indexSeconds: number;
  notice?: string;
  modes: Record<string, ModeResult>;
  refusal: Refusal[];
  ask: AskFigures[];
  variants: Variant[];
  questions: QuestionDetail[];
  /** Wall time of one hybrid search (embedding the query included), over all questions. */
  searchMs: { mean: number; p95: number };
}

/** Runs offline `ask` on every question through an Engine opened on the eval's index the way the CLI
 *  opens one for a query: `embedder` is the model for hybrid, `{ kind: "none" }` for keyword only. */
async function evaluateAsk(indexDir: string, corpus: string, embedder: EmbedderConfig, sets: QuestionSets): Promise<AskFigures> {
  const engine = await Engine.open(
    {
      storage: new NodeIndexStorage(indexDir),
      vault: new NodeVault(corpus),
      pdfjs: loadNodePdfJs,
      startEmbedder: (config, signal) => createEmbedder(config, { signal }),
    },
    { embedder },
  );
  const mode: SearchMode = engine.embedder ? "hybrid" : "keyword";
  const f: AskFigures = {
    mode,
    pageCited: 0,
    pages: sets.pages.length,
    extraCited: 0,
    extra: sets.extra.length,
    heldoutCited: 0,
    heldout: sets.heldout.length,
    timeCited: 0,
    times: sets.times.length,
    answerableRefused: 0,
    answerable: sets.pages.length + sets.extra.length + sets.heldout.length + sets.times.length,
    unanswerableRefused: 0,
    unanswerable: sets.unanswerable.length,
    missedIds: [],
    refusedAnswerableIds: [],
    acceptedUnanswerableIds: [],
  };
  try {
    const answer = (question: string) => engine.ask(question, { llm: null, k: ASK_K });
    const answerable = async (id: string, question: string, cites: (r: Awaited<ReturnType<typeof answer>>) => boolean): Promise<boolean> => {
      const r = await answer(question);
      if (r.refused) {
        f.answerableRefused++;
        f.refusedAnswerableIds.push(id);
      }
      const ok = !r.refused && cites(r);
      if (!ok && !r.refused) f.missedIds.push(id);
      return ok;
    };
    for (const q of sets.pages) if (await answerable(q.id, q.question, (r) => citesPage(r.citations, q))) f.pageCited++;
    for (const q of sets.extra) if (await answerable(q.id, q.question, (r) => citesPage(r.citations, q))) f.extraCited++;
    for (const q of sets.heldout) if (await answerable(q.id, q.question, (r) => citesPage(r.citations, q))) f.heldoutCited++;
    for (const q of sets.times) if (await answerable(q.id, q.question, (r) => citesTime(r.citations, q))) f.timeCited++;
    for (const q of sets.unanswerable) {
      if ((await answer(q.question)).refused) f.unanswerableRefused++;
      else f.acceptedUnanswerableIds.push(q.id);
    }
  } finally {
    await engine.close();
  }
  return f;
}

async function evaluateModel(modelDir: string, corpus: string, sets: QuestionSets, reuse: boolean): Promise<ModelReport | null> {
  const choice = await createEmbedder({ kind: "local", model: modelDir });
  const embedder: Embedder | null = choice.embedder;
  if (!embedder) {
    process.stderr.write(`eval: ${modelDir}: ${choice.notice ?? "the model could not be loaded"}; skipped.\n`);
    return null;
  }
  try {
    const indexDir = nodePath.join(ROOT, ".eval-cache", `index-${embedder.id.replace(/[^\w.-]+/gu, "_")}`);
    const { index } = await ScholiaIndex.open(new NodeIndexStorage(indexDir), { model: embedder.id, rebuild: !reuse });
    const started = performance.now();
    const run = await runIndex({
      vault: new NodeVault(corpus),
      index,
      embedder,
      ingest: (path, data, signal) => ingestFile(path, data, { pdfjs: loadNodePdfJs, signal }),
      isIndexable: isIndexablePath,
      include: ["papers", "transcripts"],
      onProgress: (p) => process.stderr.write(`\r  indexing ${p.filesDone}/${p.filesTotal} files, ${p.chunksDone} chunks   `),
    });
    process.stderr.write("\n");
    const indexSeconds = (performance.now() - started) / 1000;
    const failed = run.files.filter((f) => f.status === "failed" || f.status === "skipped").map((f) => ({ path: f.path, reason: f.reason }));

    const retriever = new Retriever(index, embedder);
    const questions: QuestionDetail[] = [];
    const times: number[] = [];
    for (const q of [...sets.pages, ...sets.extra, ...sets.times, ...sets.unanswerable]) {
      const t0 = performance.now();
      await retriever.search(q.question, { k: K, mode: "hybrid" });
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    const searchMs = {
      mean: Number((times.reduce((a, b) => a + b, 0) / Math.max(1, times.length)).toFixed(2)),
      p95: Number((times[Math.min(times.length - 1, Math.floor(times.length * 0.95))] ?? 0).toFixed(2)),
    };
    const modes = await evaluateModes(retriever, sets, MODES, questions);
    for (const q of sets.unanswerable) {
      const r = await retriever.searchDetailed(q.question, { k: K, mode: "hybrid" });
      questions.push({ id: q.id, mode: "hybrid", rank: -1, confidence: Number(r.confidence.toFixed(3)), missingTerms: r.signals.missingTerms, namedFiles: r.namedFiles });
    }
    const refusals = [await refusal(retriever, sets, "hybrid"), await refusal(retriever, sets, "keyword")];
    const asks = [await evaluateAsk(indexDir, corpus, { kind: "local", model: modelDir }, sets), await evaluateAsk(indexDir, corpus, { kind: "none" }, sets)];
    const variants: Variant[] = [];
    for (const v of VARIANTS) {
      const r = await evaluateModes(new Retriever(index, embedder, v.config), sets, ["hybrid"]);
      variants.push({ ...v, ...r.hybrid });
    }
    return {
      model: embedder.id,
      files: run.files.length,
      failed,
      chunks: index.chunkCount,
      indexSeconds,
      modes,
      refusal: refusals,
      ask: asks,
      variants,
      questions,
      searchMs,
    };
  } finally {
    await embedder.dispose();
  }
}

const f3 = (x: number) => x.toFixed(3);
const pct = (a: number, b: number) => `${b > 0 ? Math.round((100 * a) / b) : 0} %`;
const pad = (s: string, n: number) => s.padEnd(n);

function printReports(reports: ModelReport[], sets: QuestionSets): void {
  const out: string[] = [];
  const timeCol = sets.times.length > 0;
  out.push("");
  out.push(
    `Retrieval on ../shared/corpus, k = ${K}: page = ${sets.pages.length} qa-dev.jsonl questions; time = ${sets.times.length} transcript questions ` +
      `(a passage starting within ±${TIME_TOLERANCE_S} s); extra = ${sets.extra.length} paraphrased questions of eval/qa-extra.jsonl; ` +
      `held = ${sets.heldout.length} held-out questions of eval/qa-heldout.jsonl (never used for tuning); ` +
      `all = the ${sets.pages.length + sets.extra.length + sets.times.length} development questions together (a page or a second hit)`,
  );
  const head = ["model".padEnd(26), "mode    ", "page@1", "page@5", "MRR   ", "time@5", "extra@1", "extra@5", "extraMRR", "all@5 ", "held@1", "held@5", "heldMRR"];
  out.push(head.join("  "));
  for (const r of reports) {
    for (const mode of MODES) {
      const m = r.modes[mode];
      const cells = [
        pad(r.model, 26),
        pad(mode, 8),
        f3(m.pages.hitAt1),
        f3(m.pages.hitAt5),
        f3(m.pages.mrr),
        timeCol ? f3(m.time.hitAt5) : "  -  ",
        f3(m.extra.hitAt1),
        f3(m.extra.hitAt5),
        f3(m.extra.mrr),
        f3(m.all.hitAt5),
        f3(m.heldout.hitAt1),
        f3(m.heldout.hitAt5),
        f3(m.heldout.mrr),
      ];
      out.push(cells.map((c, i) => c.padEnd(head[i].length)).join("  "));
    }
  }
  for (const r of reports) {
    out.push("");
    out.push(`${r.model}: ${r.files} files, ${r.chunks} chunks, indexed in ${r.indexSeconds.toFixed(1)} s; hybrid search ${r.searchMs.mean} ms mean, ${r.searchMs.p95} ms p95${r.failed.length ? `; not indexed: ${r.failed.map((f) => `${f.path} (${f.reason ?? "?"})`).join(", ")}` : ""}`);
    for (const f of r.refusal) {
      out.push(
        `  refusal (${f.mode}, k = ${ASK_K}, confidence < ${REFUSAL_THRESHOLD}): answerable refused ${f.answerableRefused}/${f.answerable}` +
          (f.transcript ? `, transcript refused ${f.transcriptRefused}/${f.transcript}` : "") +
          (f.extra ? `, extra refused ${f.extraRefused}/${f.extra}` : "") +
          `; unanswerable refused ${f.unanswerableRefused}/${f.unanswerable}` +
          (f.refusedAnswerableIds.length ? `; wrongly refused: ${f.refusedAnswerableIds.join(" ")}` : "") +
          (f.acceptedUnanswerableIds.length ? `; wrongly answered: ${f.acceptedUnanswerableIds.join(" ")}` : ""),
      );
    }
    for (const a of r.ask) {
      out.push(
        `  offline ask (${a.mode}, k = ${ASK_K}): qa-dev cited on an expected page ${a.pageCited}/${a.pages} (${pct(a.pageCited, a.pages)})` +
          (a.extra ? `, extra ${a.extraCited}/${a.extra}` : "") +
          (a.heldout ? `, held-out ${a.heldoutCited}/${a.heldout}` : "") +
          (a.times ? `, transcript ${a.timeCited}/${a.times}` : "") +
          `; answerable refused ${a.answerableRefused}/${a.answerable}; unanswerable refused ${a.unanswerableRefused}/${a.unanswerable}` +
          (a.missedIds.length ? `; wrong place: ${a.missedIds.join(" ")}` : "") +
          (a.refusedAnswerableIds.length ? `; wrongly refused: ${a.refusedAnswerableIds.join(" ")}` : "") +
          (a.acceptedUnanswerableIds.length ? `; wrongly answered: ${a.acceptedUnanswerableIds.join(" ")}` : ""),
      );
    }
    out.push(`  fusion variants (hybrid)            page@1  page@5  MRR    time@5  extra@5  extraMRR`);
    for (const v of r.variants) {
      const f = v.config.fusion;
      const mark = f && f.method === DEFAULT_FUSION.method && f.vectorWeight === DEFAULT_FUSION.vectorWeight ? " (default)" : "";
      out.push(`  ${pad(v.name + mark, 36)}${[f3(v.pages.hitAt1), f3(v.pages.hitAt5), f3(v.pages.mrr), f3(v.time.hitAt5), f3(v.extra.hitAt5) + "  ", f3(v.extra.mrr)].join("   ")}`);
    }
  }
  process.stdout.write(out.join("\n") + "\n");
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const corpus = nodePath.join(args.shared, "corpus");
  const qaFile = nodePath.join(corpus, "qa-dev.jsonl");
  if (!existsSync(qaFile)) {
    process.stdout.write(`eval: no development corpus at ${corpus} (it lives outside the repository, in ../shared); nothing to evaluate.\n`);
    return;
  }
  if (args.models.length === 0) {
    process.stdout.write(`eval: no embedding model found (looked for ${nodePath.join(args.shared, "models/glove-static-100d")}); nothing to evaluate.\n`);
    return;
  }
  const sets: QuestionSets = {
    pages: readJsonl(qaFile, pageQuestion),
    extra: readJsonl(nodePath.join(ROOT, "eval/qa-extra.jsonl"), pageQuestion),
    heldout: readJsonl(nodePath.join(ROOT, "eval/qa-heldout.jsonl"), pageQuestion),
    times: readJsonl(nodePath.join(ROOT, "eval/transcript-questions.jsonl"), timeQuestion),
    unanswerable: readJsonl(nodePath.join(ROOT, "eval/unanswerable.jsonl"), plainQuestion),
  };
  if (sets.times.length === 0) process.stderr.write("eval: eval/transcript-questions.jsonl is missing or empty; time-hit is not measured.\n");

  const reports: ModelReport[] = [];
  for (const model of args.models) {
    process.stderr.write(`eval: ${model}\n`);
    const r = await evaluateModel(model, corpus, sets, args.reuseIndex);
    if (r) reports.push(r);
  }
  printReports(reports, sets);
  mkdirSync(nodePath.join(ROOT, "eval"), { recursive: true });
  const results = {
    generated: new Date().toISOString(),
    k: K,
    refusalThreshold: REFUSAL_THRESHOLD,
    timeToleranceSeconds: TIME_TOLERANCE_S,
    defaultFusion: DEFAULT_FUSION,
    questions: { pages: sets.pages.length, extra: sets.extra.length, heldout: sets.heldout.length, transcript: sets.times.length, unanswerable: sets.unanswerable.length },
    models: reports,
  };
  writeFileSync(nodePath.join(ROOT, "eval/results.json"), JSON.stringify(results, null, 2) + "\n");
  process.stdout.write(`\nWrote eval/results.json\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`eval: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
