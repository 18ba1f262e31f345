// Indexes a bad vault through the CLI and compares what happened to each file with what a user should
// see. Returns violations as sentences instead of asserting, so the test and scripts/torture.ts share
// one definition of "handled correctly" and the script can print figures even when something breaks.
import type { BadFile, Outcome } from "./bad-corpus";
import { parseJson, runCli, STACK_LINE, type CliRun, type IndexReport } from "./cli-harness";

export interface OutcomeRow {
  path: string;
  kind: string;
  status: Outcome | "missing";
  chunks: number;
  reason?: string;
}

export interface BadCorpusRun {
  run: CliRun;
  rows: OutcomeRow[];
  /** A process that died by a signal or exited with something other than 0. */
  crashed: boolean;
  violations: string[];
}

interface ChunkLine {
  path: string;
  text: string;
}

export async function indexBadCorpus(cli: string, vault: string, files: BadFile[], opts: { measureRss?: boolean; timeoutMs?: number } = {}): Promise<BadCorpusRun> {
  const run = await runCli(cli, ["index", vault, "--no-embeddings", "--json"], { measureRss: opts.measureRss, timeoutMs: opts.timeoutMs ?? 300_000 });
  const violations: string[] = [];
  const crashed = run.code !== 0 || run.signal !== null;
  if (crashed) violations.push(`index exited with ${run.signal ?? `code ${String(run.code)}`}: ${run.stderr.slice(-500)}`);
  if (STACK_LINE.test(run.stderr)) violations.push(`index printed a stack trace: ${run.stderr.slice(0, 500)}`);
  let report: IndexReport | null = null;
  try {
    report = parseJson<IndexReport>(run);
  } catch (e) {
    violations.push((e as Error).message);
  }
  const byPath = new Map((report?.files ?? []).map((f) => [f.path.normalize("NFC"), f]));
  const rows: OutcomeRow[] = [];
  for (const f of files) {
    const got = byPath.get(f.path.normalize("NFC"));
    if (!got) {
      rows.push({ path: f.path, kind: f.kind, status: "missing", chunks: 0 });
      violations.push(`${f.path}: no outcome in the report`);
      continue;
    }
    rows.push({ path: f.path, kind: f.kind, status: got.status as Outcome, chunks: got.chunks, reason: got.reason });
    const allowed = Array.isArray(f.expect.status) ? f.expect.status : [f.expect.status];
    if (!allowed.includes(got.status as Outcome)) violations.push(`${f.path}: ${got.status} (${got.reason ?? "no reason"}), expected ${allowed.join(" or ")}`);
    if (got.status === "failed" || got.status === "skipped") {
      if (!got.reason?.trim()) violations.push(`${f.path}: ${got.status} without a reason`);
      else if (f.expect.reason && !f.expect.reason.test(got.reason)) violations.push(`${f.path}: reason "${got.reason}" does not match ${String(f.expect.reason)}`);
      if (got.reason && STACK_LINE.test(got.reason)) violations.push(`${f.path}: the reason carries a stack trace`);
    }
    if (got.status === "indexed" && f.expect.minChunks !== undefined && got.chunks < f.expect.minChunks) {
      violations.push(`${f.path}: ${got.chunks} chunks, expected at least ${f.expect.minChunks}`);
    }
  }
  if (report && report.files.length !== files.length) violations.push(`the report lists ${report.files.length} files, the vault has ${files.length}`);

  const wanted = files.filter((f) => f.expect.contains !== undefined);
  if (wanted.length > 0 && !crashed) {
    const chunks = await runCli(cli, ["chunks", vault, "--json"], { timeoutMs: opts.timeoutMs ?? 300_000 });
    if (chunks.code !== 0) violations.push(`chunks exited with code ${String(chunks.code)}: ${chunks.stderr.slice(-300)}`);
    const textOf = new Map<string, string[]>();
    for (const line of chunks.stdout.split("\n")) {
      if (!line) continue;
      const c = JSON.parse(line) as ChunkLine;
      const key = c.path.normalize("NFC");
      textOf.set(key, [...(textOf.get(key) ?? []), c.text]);
    }
    for (const f of wanted) {
      const texts = textOf.get(f.path.normalize("NFC")) ?? [];
      if (!texts.some((t) => t.includes(f.expect.contains!))) violations.push(`${f.path}: no chunk contains "${f.expect.contains!}"`);
    }
  }
  return { run, rows, crashed, violations };
}

/** Rows grouped by kind of input and outcome, for RELIABILITY.md. */
export function outcomeTable(rows: OutcomeRow[]): { kind: string; files: number; outcome: string }[] {
  const groups = new Map<string, { kind: string; files: number; outcome: string }>();
  for (const r of rows) {
    const reason = r.reason ? r.reason.replace(/cut-at-\d+/g, "").replace(/\d+ (caption cue|page)/g, "N $1") : "";
    const outcome = r.status === "indexed" ? `indexed${reason ? ` (${reason})` : ""}` : `${r.status}: ${reason || "no reason"}`;
    const key = `${r.kind}\u0000${outcome}`;
    const g = groups.get(key) ?? { kind: r.kind, files: 0, outcome };
    g.files++;
    groups.set(key, g);
  }
  return [...groups.values()];
}
