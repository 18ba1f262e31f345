// The bad vault, indexed through the real `scholia` command: broken, hostile and merely odd files each
// get an outcome with a specific reason, nothing crashes, and the index still loads afterwards.
// scripts/torture.ts runs the same corpus with 100 truncations and a 2,000-page PDF and prints figures.
import { mkdtempSync, renameSync, rmSync } from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeBadCorpus, writeCorpus, type BadFile } from "./bad-corpus";
import { indexBadCorpus, type BadCorpusRun } from "./bad-input-check";
import { buildCli, indexDirOf, listFilesRecursive, parseJson, runCli, seededRandom, STACK_LINE, TMP_ROOT, type IndexReport } from "./cli-harness";
import { generateVault } from "./vault-gen";

let cli: string;
let work: string;
let vault: string;
let files: BadFile[];
let first: BadCorpusRun;

beforeAll(async () => {
  cli = await buildCli("cli-bad-input.js");
  work = mkdtempSync(path.join(TMP_ROOT, "bad-input-"));
  vault = path.join(work, "vault");
  files = writeCorpus(vault, await makeBadCorpus({ seed: 7, truncations: 12, longPdfPages: 120 }));
  first = await indexBadCorpus(cli, vault, files);
}, 120_000);

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe("indexing a vault of bad inputs", () => {
  it("finishes without crashing and without a stack trace", () => {
    expect(first.crashed).toBe(false);
    expect(first.run.stderr).not.toMatch(STACK_LINE);
  });

  it("gives every file the expected outcome, and every skipped or failed file a specific reason", () => {
    expect(first.violations).toEqual([]);
    expect(first.rows).toHaveLength(files.length);
    const reasons = new Set(first.rows.filter((r) => r.status !== "indexed").map((r) => r.reason));
    // Distinct causes get distinct reasons, not one catch-all message.
    expect(reasons.size).toBeGreaterThanOrEqual(5);
  });

  it("leaves an index that loads and answers searches, including for odd file names", async () => {
    for (const [query, file] of [
      ["hash-name-marker", "odd names/with spaces and #hash.md"],
      ["unicode-name-marker", "odd names/Ünïcödé 日本語 ✓.md"],
      ["needle-at-the-end", "notes/big-10mb.md"],
      ["marker-p120", "pdf/long-120-pages.pdf"],
    ]) {
      const run = await runCli(cli, ["search", vault, query, "--json", "--k", "3"]);
      expect(run.code, run.stderr).toBe(0);
      const out = parseJson<{ passages: { path: string; link: string }[] }>(run);
      expect(out.passages[0]?.path).toBe(file);
      // A link to a file whose name a wiki-link cannot hold is still one well-formed link.
      expect(out.passages[0].link).toMatch(/^(\[\[[^[\]]+\]\]|\[[^\n]*\]\([^\s()]+\))$/u);
    }
  });

  it("reports the same outcomes on the next run without re-reading unchanged files", async () => {
    const run = await runCli(cli, ["index", vault, "--no-embeddings", "--json"]);
    expect(run.code, run.stderr).toBe(0);
    const report = parseJson<IndexReport>(run);
    expect(report.totals.indexed).toBe(0);
    const before = new Map(first.rows.map((r) => [r.path.normalize("NFC"), r]));
    for (const f of report.files) {
      const was = before.get(f.path.normalize("NFC"))!;
      if (was.status === "indexed") expect(f.status).toBe("unchanged");
      else {
        expect(f.status).toBe(was.status);
        expect(f.reason).toBe(was.reason);
      }
    }
  });
});

describe("notes renamed and deleted while the indexer runs", () => {
  it("never crashes; the next run leaves an index that matches the vault exactly", async () => {
    const live = path.join(work, "live");
    await generateVault(live, { seed: 99, notes: 1200, pdfs: 2, pdfPages: 40 });
    const rand = seededRandom(5);
    let renamed = 0;
    let deleted = 0;
    let turn = 0;
    // Change the vault under the running indexer every few milliseconds until it exits.
    let running = true;
    const mutate = async (): Promise<void> => {
      while (running) {
        const notes = listFilesRecursive(path.join(live, "Notes"));
        const victim = path.join(live, "Notes", notes[Math.floor(rand() * notes.length)]);
        try {
          if (turn++ % 2 === 0) {
            renameSync(victim, victim.replace(/\.md$/, `-r${turn}.md`));
            renamed++;
          } else {
            rmSync(victim);
            deleted++;
          }
        } catch {
          // the file went already
        }
        await new Promise((r) => setTimeout(r, 5));
      }
    };
    const pending = mutate();
    const run = await runCli(cli, ["index", live, "--no-embeddings", "--json"]);
    running = false;
    await pending;
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).not.toMatch(STACK_LINE);
    const report = parseJson<IndexReport>(run);
    expect(renamed + deleted).toBeGreaterThan(20);
    for (const f of report.files) {
      if (f.status === "failed") expect(f.reason).toMatch(/Could not read the file|no such file|ENOENT/i);
    }
    // The next run catches up with every change: the index then holds exactly the vault's files.
    const next = parseJson<IndexReport>(await runCli(cli, ["index", live, "--no-embeddings", "--json"]));
    expect(next.totals.failed).toBe(0);
    const onDisk = listFilesRecursive(live).filter((p) => /\.(md|pdf)$/i.test(p));
    expect(next.files.map((f) => f.path).sort()).toEqual(onDisk);
    expect(next.totals.indexed + next.totals.unchanged).toBe(onDisk.length);
    const { ScholiaIndex } = await import("../../src/core/index/scholia-index");
    const { NodeIndexStorage } = await import("../../src/cli/node-index-storage");
    const { index, notice } = await ScholiaIndex.open(new NodeIndexStorage(indexDirOf(live)), {});
    expect(notice).toBeUndefined();
    expect(index.listFiles().map((f) => f.path).sort()).toEqual(onDisk);
    expect(index.chunkCount).toBe(next.totals.chunks);
  }, 120_000);
});
