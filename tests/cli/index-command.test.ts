// `scholia index <vault> [--model …|--no-embeddings] [--index-dir DIR] [--json]`: the report's exact
// shape, incremental updates, bad files reported without stopping the run, and where the index lives.
import { existsSync, rmSync, statSync, utimesSync } from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildStaticModel, staticModelAvailable, STATIC_MODEL_SKIP_MESSAGE } from "../fixtures/static-model";
import { makeImageOnlyPdf, makePasswordProtectedPdf, makeRandomBytes, makeTruncatedPdf } from "../fixtures/pdf-fixtures";
import { buildCli, removeTemporaryFiles, describeRun, expectOneLineFailure, parseJson, runCli, tempDir, type CliRun } from "./helpers/cli";
import { changes, DEMO_FILES, DEMO_NOTE, DEMO_PDF_PATH, indexDirOf, makeDemoVault, put, read, snapshot, vaultFiles } from "./helpers/vault-files";

interface FileRow {
  path: string;
  status: "indexed" | "unchanged" | "skipped" | "failed";
  chunks: number;
  reason?: string;
}
interface IndexReport {
  files: FileRow[];
  totals: { indexed: number; unchanged: number; skipped: number; failed: number; chunks: number };
  model: string | null;
}

const HAVE_MODEL = staticModelAvailable();
let cli: string;
let model: string | null = null;

beforeAll(async () => {
  cli = await buildCli("index");
  if (HAVE_MODEL) model = await buildStaticModel(path.join(tempDir("index-model"), "glove-test"));
  else console.warn(STATIC_MODEL_SKIP_MESSAGE);
});
afterAll(removeTemporaryFiles);

async function index(vault: string, ...flags: string[]): Promise<{ run: CliRun; report: IndexReport }> {
  const run = await runCli(cli, ["index", vault, "--json", ...flags]);
  expect(run.code, describeRun(run)).toBe(0);
  return { run, report: parseJson<IndexReport>(run) };
}

function row(report: IndexReport, p: string): FileRow {
  const r = report.files.find((f) => f.path === p);
  if (!r) throw new Error(`${p} is not in the report: ${JSON.stringify(report.files.map((f) => f.path))}`);
  return r;
}

function statuses(report: IndexReport): Record<string, string> {
  return Object.fromEntries(report.files.map((f) => [f.path, f.status]));
}

describe("the report of a first run", () => {
  let vault: string;
  let run: CliRun;
  let report: IndexReport;

  beforeAll(async () => {
    vault = await makeDemoVault(tempDir("index-shape"));
    put(vault, "Deep/Nested/Folder/Deep note.md", "# Deep note\n\nA note three folders down talks about gradient clipping.\n");
    put(vault, ".trash/Deleted note.md", "# Deleted\n\nObsidian's trash is not part of the vault.\n");
    put(vault, "Attachments/diagram.png", makeRandomBytes(512));
    ({ run, report } = await index(vault, ...(model ? ["--model", model] : ["--no-embeddings"])));
  });

  it("prints exactly one JSON document with files, totals and model", () => {
    expect(run.stdout.trim().split("\n")).toHaveLength(1);
    expect(Object.keys(report).sort()).toEqual(["files", "model", "totals"]);
    expect(Object.keys(report.totals).sort()).toEqual(["chunks", "failed", "indexed", "skipped", "unchanged"]);
    for (const f of report.files) {
      expect(Object.keys(f).filter((k) => !["path", "status", "chunks", "reason"].includes(k))).toEqual([]);
      expect(typeof f.path).toBe("string");
      expect(Number.isInteger(f.chunks) && f.chunks >= 0).toBe(true);
      expect(["indexed", "unchanged", "skipped", "failed"]).toContain(f.status);
      if ("reason" in f) expect(typeof f.reason).toBe("string");
    }
  });

  it("lists every note, paper and transcript once, by vault-relative forward-slash path", () => {
    const paths = report.files.map((f) => f.path);
    expect(new Set(paths).size).toBe(paths.length);
    expect(paths).toEqual(expect.arrayContaining([...DEMO_FILES, "Deep/Nested/Folder/Deep note.md"]));
    for (const p of paths) {
      expect(p).not.toContain("\\");
      expect(path.isAbsolute(p)).toBe(false);
      expect(p.startsWith("./")).toBe(false);
      expect(existsSync(path.join(vault, ...p.split("/")))).toBe(true);
    }
  });

  it("leaves dot-folders out of the vault", () => {
    expect(report.files.map((f) => f.path).filter((p) => p.startsWith(".") || p.includes("/."))).toEqual([]);
  });

  it("indexes each source into chunks and counts them in the totals", () => {
    for (const p of [...DEMO_FILES, "Deep/Nested/Folder/Deep note.md"]) {
      expect(row(report, p).status).toBe("indexed");
      expect(row(report, p).chunks).toBeGreaterThan(0);
    }
    expect(row(report, DEMO_PDF_PATH).chunks).toBeGreaterThanOrEqual(5); // at least one per page
    const count = (s: FileRow["status"]) => report.files.filter((f) => f.status === s).length;
    expect(report.totals).toEqual({
      indexed: count("indexed"),
      unchanged: count("unchanged"),
      skipped: count("skipped"),
      failed: count("failed"),
      chunks: report.files.reduce((n, f) => n + f.chunks, 0),
    });
  });

  it("writes the index into the plugin's folder inside the vault", () => {
    expect(existsSync(path.join(indexDirOf(vault), "manifest.json"))).toBe(true);
  });

  it("keeps progress on stderr, never on stdout", () => {
    expect(run.stdout).not.toMatch(/Indexing/);
  });

  it.runIf(HAVE_MODEL)("records the model folder's name as the model", () => {
    expect(report.model).toBe("glove-test");
  });
});

describe("human output", () => {
  it("prints a summary on stdout and keeps progress on stderr", async () => {
    const vault = await makeDemoVault(tempDir("index-human"));
    put(vault, "Empty.md", "");
    const run = await runCli(cli, ["index", vault, "--no-embeddings"]);
    expect(run.code, describeRun(run)).toBe(0);
    expect(run.stdout).toMatch(/Indexed 5, unchanged 0, skipped 1, failed 0/);
    expect(run.stdout).toMatch(/skipped: Empty\.md — \S/);
    expect(run.stdout).not.toMatch(/Indexing:/);
    expect(() => JSON.parse(run.stdout) as unknown).toThrow();
  });
});

describe("files that cannot be indexed are reported and the run goes on", () => {
  let vault: string;
  let first: IndexReport;
  let second: IndexReport;
  const bad = {
    truncated: "Papers/truncated download.pdf",
    junkPdf: "Papers/error page saved as.pdf",
    locked: "Papers/locked.pdf",
    scanned: "Papers/scan without text.pdf",
    empty: "Notes/Empty.md",
    binaryMd: "Notes/binary junk.md",
    emptyPdf: "Papers/zero.pdf",
  };

  beforeAll(async () => {
    vault = await makeDemoVault(tempDir("index-bad"));
    put(vault, bad.truncated, await makeTruncatedPdf());
    put(vault, bad.junkPdf, makeRandomBytes(4096, 7));
    put(vault, bad.locked, makePasswordProtectedPdf());
    put(vault, bad.scanned, await makeImageOnlyPdf());
    put(vault, bad.empty, "");
    put(vault, bad.emptyPdf, "");
    put(vault, bad.binaryMd, makeRandomBytes(8192, 42));
    first = (await index(vault, "--no-embeddings")).report;
    second = (await index(vault, "--no-embeddings")).report;
  });

  it("exits 0 and still indexes every good file", () => {
    for (const p of DEMO_FILES) expect(row(first, p).status).toBe("indexed");
  });

  it.each(Object.entries(bad))("%s: not indexed, with a specific reason", (_what, p) => {
    const r = row(first, p);
    expect(["skipped", "failed"]).toContain(r.status);
    expect(r.chunks).toBe(0);
    expect(r.reason?.trim().length ?? 0).toBeGreaterThan(3);
    expect(r.reason).not.toMatch(/\n|^\s+at /);
  });

  it("says what is wrong with each kind of bad file", () => {
    expect(row(first, bad.empty).reason).toMatch(/empty/i);
    expect(row(first, bad.emptyPdf).reason).toMatch(/empty/i);
    expect(row(first, bad.locked).reason).toMatch(/password|encrypt/i);
    expect(row(first, bad.scanned).reason).toMatch(/text/i);
  });

  it("counts them in the totals", () => {
    expect(first.totals.skipped + first.totals.failed).toBe(Object.keys(bad).length);
    expect(first.totals.indexed).toBe(DEMO_FILES.length);
  });

  it("a second run keeps the good files unchanged and reports the bad ones again with their reasons", () => {
    for (const p of DEMO_FILES) expect(row(second, p).status).toBe("unchanged");
    for (const p of Object.values(bad)) {
      expect(["skipped", "failed"]).toContain(row(second, p).status);
      expect(row(second, p).reason).toBeTruthy();
    }
    expect(second.totals.chunks).toBe(first.totals.chunks);
  });
});

describe("incremental updates", () => {
  let vault: string;
  let first: IndexReport;
  const flags = () => (model ? ["--model", model] : ["--no-embeddings"]);

  beforeAll(async () => {
    vault = await makeDemoVault(tempDir("index-incremental"));
    first = (await index(vault, ...flags())).report;
  });

  it("a second run reports every file unchanged and rewrites nothing in the index", async () => {
    const before = snapshot(indexDirOf(vault), { rewrites: true });
    const { report } = await index(vault, ...flags());
    expect(new Set(report.files.map((f) => f.status))).toEqual(new Set(["unchanged"]));
    expect(report.files.map((f) => [f.path, f.chunks])).toEqual(first.files.map((f) => [f.path, f.chunks]));
    expect(report.totals).toMatchObject({ indexed: 0, unchanged: DEMO_FILES.length, skipped: 0, failed: 0, chunks: first.totals.chunks });
    expect(report.model).toBe(first.model);
    expect(changes(before, snapshot(indexDirOf(vault), { rewrites: true }))).toEqual([]);
  });

  it("a run without --model keeps the model that built the index", async () => {
    const { report } = await index(vault);
    expect(report.model).toBe(first.model);
    expect(report.totals.indexed).toBe(0);
  });

  it("editing one note re-indexes only that note, and its new text is searchable", async () => {
    put(vault, DEMO_NOTE, read(vault, DEMO_NOTE) + "\n## Later\n\nGradient zephyrine clipping kept the loss finite.\n");
    const { report } = await index(vault, ...flags());
    expect(statuses(report)).toEqual({ ...Object.fromEntries(DEMO_FILES.map((p) => [p, "unchanged"])), [DEMO_NOTE]: "indexed" });
    const search = await runCli(cli, ["search", vault, "zephyrine", "--json", "--mode", "keyword"]);
    expect(parseJson<{ passages: { path: string }[] }>(search).passages[0]?.path).toBe(DEMO_NOTE);
  });

  it("touching a file without changing its bytes keeps it unchanged", async () => {
    const p = path.join(vault, "Notes", "Batch normalization.md");
    const later = new Date(Date.now() + 60_000);
    utimesSync(p, later, later);
    const { report } = await index(vault, ...flags());
    expect(row(report, "Notes/Batch normalization.md").status).toBe("unchanged");
    expect(report.totals.indexed).toBe(0);
  });

  it("a deleted file leaves the index and its passages are no longer found", async () => {
    const gone = "Notes/Learning rate warmup.md";
    const before = (await index(vault, ...flags())).report;
    rmSync(path.join(vault, ...gone.split("/")));
    const { report } = await index(vault, ...flags());
    expect(report.files.map((f) => f.path)).not.toContain(gone);
    expect(report.totals.chunks).toBe(before.totals.chunks - row(before, gone).chunks);
    const search = await runCli(cli, ["search", vault, "warmup raises the learning rate gradually", "--json", "--k", "20"]);
    const paths = parseJson<{ passages: { path: string }[] }>(search).passages.map((p) => p.path);
    expect(paths).not.toContain(gone);
  });

  it("a file whose size and modification time did not change is not read again", async () => {
    // Same length, same mtime, other bytes: only a re-read could notice, and unchanged files are not re-read.
    const p = path.join(vault, "Notes", "Batch normalization.md");
    const { mtime, atime } = statSync(p);
    const text = read(vault, "Notes/Batch normalization.md");
    put(vault, "Notes/Batch normalization.md", text.replace("noisy", "NOISY"));
    utimesSync(p, atime, mtime);
    const { report } = await index(vault, ...flags());
    expect(row(report, "Notes/Batch normalization.md").status).toBe("unchanged");
  });
});

describe("--index-dir", () => {
  it("keeps the index outside the vault and leaves the vault untouched", async () => {
    const vault = await makeDemoVault(tempDir("index-dir-vault"));
    const dir = path.join(tempDir("index-dir-out"), "my index");
    const before = snapshot(vault);
    const { report } = await index(vault, "--no-embeddings", "--index-dir", dir);
    expect(report.totals.indexed).toBe(DEMO_FILES.length);
    expect(existsSync(path.join(dir, "manifest.json"))).toBe(true);
    expect(changes(before, snapshot(vault))).toEqual([]);

    const found = await runCli(cli, ["search", vault, "four days", "--json", "--index-dir", dir]);
    expect(found.code, describeRun(found)).toBe(0);
    expect(parseJson<{ passages: unknown[] }>(found).passages.length).toBeGreaterThan(0);
    // The vault's own index folder is still empty, so a search without the flag finds none.
    expect(expectOneLineFailure(await runCli(cli, ["search", vault, "four days", "--json"]))).toMatch(/No index found/);
    const again = (await index(vault, "--no-embeddings", "--index-dir", dir)).report;
    expect(again.totals.unchanged).toBe(DEMO_FILES.length);
    expect(vaultFiles(vault)).toEqual(DEMO_FILES);
  });
});

describe("the embedding model", () => {
  it("--no-embeddings builds a keyword-only index and reports model null", async () => {
    const vault = await makeDemoVault(tempDir("index-keyword"));
    const { run, report } = await index(vault, "--no-embeddings");
    expect(report.model).toBeNull();
    expect(run.stdout).toMatch(/"model":null/);
  });

  it.runIf(HAVE_MODEL)("--model <folder> records the model, also when named by a relative path", async () => {
    const vault = await makeDemoVault(tempDir("index-model-rel"));
    const rel = path.relative(vault, model!);
    const run = await runCli(cli, ["index", ".", "--json", "--model", rel], { cwd: vault });
    expect(run.code, describeRun(run)).toBe(0);
    const report = parseJson<IndexReport>(run);
    expect(report.model).toBe("glove-test");
    expect(report.files.map((f) => f.path)).toEqual(DEMO_FILES);
  });

  it.runIf(HAVE_MODEL)("switching an index from keywords to a model rebuilds it, saying so on stderr", async () => {
    const vault = await makeDemoVault(tempDir("index-switch"));
    await index(vault, "--no-embeddings");
    const { run, report } = await index(vault, "--model", model!);
    expect(report.model).toBe("glove-test");
    expect(report.totals.indexed).toBe(DEMO_FILES.length);
    expect(run.stderr).toMatch(/rebuild/i);
  });
});
