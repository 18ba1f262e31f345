// `scholia chunks <vault> --json`: JSON Lines, one chunk per line, with the fields each kind of source
// promises — PDF page and a pdf.js selection that re-extracts the chunk, note headings, transcript
// seconds and the video — and the same chunks the indexer stores.
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTruncatedPdf } from "../fixtures/pdf-fixtures";
import { buildCli, removeTemporaryFiles, describeRun, parseJson, parseJsonLines, runCli, tempDir, type CliRun } from "./helpers/cli";
import { DEMO_FILES, DEMO_NOTE, DEMO_PDF_PATH, DEMO_TRANSCRIPT, makeDemoVault, put } from "./helpers/vault-files";

interface ChunkLine {
  id: string;
  path: string;
  kind: "pdf" | "markdown" | "transcript";
  text: string;
  page?: number;
  selection?: [number, number, number, number];
  headings?: string[];
  start?: number;
  end?: number;
  video?: string;
}

const PLAIN_TRANSCRIPT = "Transcripts/Office hours.md";
const CAPTIONS = "Transcripts/Seminar.srt";
const BROKEN = "Papers/broken.pdf";

let vault: string;
let run: CliRun;
let chunks: ChunkLine[];

beforeAll(async () => {
  const cli = await buildCli("chunks");
  vault = await makeDemoVault(tempDir("chunks"));
  put(
    vault,
    PLAIN_TRANSCRIPT,
    "# Office hours\n\n[00:00:05] Today we answer questions about the exam.\n\n[00:02:10] The exam covers convolutions and pooling layers.\n\n[00:04:45] Bring a calculator and one page of notes.\n",
  );
  put(vault, CAPTIONS, "1\n00:00:01,000 --> 00:00:04,500\nWelcome to the seminar on optimizers.\n\n2\n00:00:04,500 --> 00:00:09,000\nMomentum smooths noisy gradient steps.\n");
  put(vault, BROKEN, await makeTruncatedPdf());
  run = await runCli(cli, ["chunks", vault, "--json"]);
  expect(run.code, describeRun(run)).toBe(0);
  chunks = parseJsonLines<ChunkLine>(run);

  // Cross-check against what the indexer stores, chunk count per file.
  const indexed = await runCli(cli, ["index", vault, "--json", "--no-embeddings"]);
  indexCounts = Object.fromEntries(parseJson<{ files: { path: string; chunks: number }[] }>(indexed).files.map((f) => [f.path, f.chunks]));
});
afterAll(removeTemporaryFiles);
let indexCounts: Record<string, number>;

const of = (p: string) => chunks.filter((c) => c.path === p);

describe("chunks --json output", () => {
  it("is JSON Lines: one chunk object per line, nothing else on stdout", () => {
    expect(run.stdout.endsWith("\n")).toBe(true);
    expect(run.stdout.split("\n").filter((l) => l.trim() === "")).toEqual([""]); // only the final newline
    expect(chunks.length).toBeGreaterThan(10);
    for (const c of chunks) expect(typeof c).toBe("object");
  });

  it("gives every chunk a unique id, a vault-relative path, a kind and its text", () => {
    expect(new Set(chunks.map((c) => c.id)).size).toBe(chunks.length);
    for (const c of chunks) {
      expect(typeof c.id).toBe("string");
      expect(c.path).not.toMatch(/\\|^\/|^\.\//);
      expect(["pdf", "markdown", "transcript"]).toContain(c.kind);
      expect(c.text.trim().length).toBeGreaterThan(0);
    }
  });

  it("covers every source in the vault, the same chunks per file the indexer reports", () => {
    const paths = [...new Set(chunks.map((c) => c.path))].sort();
    expect(paths).toEqual([...DEMO_FILES, PLAIN_TRANSCRIPT, CAPTIONS].sort());
    for (const p of paths) expect(of(p).length, p).toBe(indexCounts[p]);
  });

  it("reports a file it cannot read on stderr and goes on", () => {
    expect(of(BROKEN)).toEqual([]);
    expect(run.stderr).toContain(BROKEN);
  });
});

describe("PDF chunks", () => {
  it("carry the 1-based physical page and never markdown or transcript fields", () => {
    const pdf = of(DEMO_PDF_PATH);
    expect(pdf.length).toBeGreaterThanOrEqual(5);
    for (const c of pdf) {
      expect(c.kind).toBe("pdf");
      expect(Number.isInteger(c.page) && c.page! >= 1 && c.page! <= 5).toBe(true);
      expect(c.start).toBeUndefined();
      expect(c.video).toBeUndefined();
    }
    expect(new Set(pdf.map((c) => c.page))).toEqual(new Set([1, 2, 3, 4, 5]));
  });

  it("put a fact on the page where the paper prints it", () => {
    // The demo paper states the optimizer (SGD with momentum 0.9) in section 4.1 on page 3.
    expect(of(DEMO_PDF_PATH).find((c) => c.text.includes("momentum 0.9"))?.page).toBe(3);
  });

  it("carry a selection of four non-negative integers that re-extracts the chunk's text with pdf.js", async () => {
    const pdfjs = await import("pdfjs-dist/legacy/build/pdf.mjs");
    const data = new Uint8Array(readFileSync(path.join(vault, ...DEMO_PDF_PATH.split("/"))));
    const doc = await pdfjs.getDocument({ data, disableFontFace: true, isEvalSupported: false, verbosity: 0 }).promise;
    try {
      for (const c of of(DEMO_PDF_PATH)) {
        expect(c.selection).toHaveLength(4);
        for (const n of c.selection!) expect(Number.isInteger(n) && n >= 0).toBe(true);
        const [bi, bo, ei, eo] = c.selection!;
        expect(bi < ei || (bi === ei && bo < eo), `selection of ${c.id}`).toBe(true);
        const page = await doc.getPage(c.page!);
        const content = await page.getTextContent({ includeMarkedContent: true, disableNormalization: true });
        const items = content.items.filter((i): i is { str: string; hasEOL: boolean } & typeof i => "str" in i);
        let selected = "";
        for (let i = bi; i <= ei && i < items.length; i++) selected += items[i].str.slice(i === bi ? bo : 0, i === ei ? eo : undefined);
        expect(comparable(selected), `${c.id} on page ${c.page}`).toBe(comparable(c.text));
      }
    } finally {
      await doc.destroy();
    }
  });
});

describe("markdown chunks", () => {
  it("carry the heading path from the top of the note", () => {
    const note = of(DEMO_NOTE);
    expect(note.every((c) => c.kind === "markdown")).toBe(true);
    const budget = note.find((c) => c.text.includes("four days on one laptop GPU"));
    expect(budget?.headings).toEqual(["Training small CNNs", "Training budget"]);
    for (const c of note) {
      expect(c.page).toBeUndefined();
      expect(c.selection).toBeUndefined();
      expect(c.start).toBeUndefined();
    }
  });
});

describe("transcript chunks", () => {
  it("carry start and end in seconds and the video named by the frontmatter's videoId", () => {
    const lecture = of(DEMO_TRANSCRIPT);
    expect(lecture.length).toBeGreaterThan(0);
    for (const c of lecture) {
      expect(c.kind).toBe("transcript");
      expect(Number.isFinite(c.start)).toBe(true);
      expect(c.end === undefined || c.end > c.start!).toBe(true);
      expect(c.video).toMatch(/dQw4w9WgXcQ/);
      expect(() => new URL(c.video!)).not.toThrow();
    }
    // "[00:01:41] In the PocketNet paper the full run took four days…"
    expect(lecture.find((c) => c.text.includes("full run took four days"))?.start).toBe(101);
  });

  it("have no video when the note names none", () => {
    const plain = of(PLAIN_TRANSCRIPT);
    expect(plain.length).toBeGreaterThan(0);
    for (const c of plain) {
      expect(c.kind).toBe("transcript");
      expect(c.video).toBeUndefined();
    }
    expect(plain.find((c) => c.text.includes("calculator"))?.start).toBe(285);
  });

  it("read .srt captions with their cue times", () => {
    const cues = of(CAPTIONS);
    expect(cues.length).toBeGreaterThan(0);
    expect(cues[0].kind).toBe("transcript");
    expect(cues[0].start).toBe(1);
    expect(cues.at(-1)!.end).toBe(9);
  });
});

/** Text compared across extractors: compatibility forms, dashes, hyphens and whitespace unified. */
function comparable(text: string): string {
  return text
    .normalize("NFKC")
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[\u201c\u201d]/g, '"')
    .replace(/[-\u00ad\u2010-\u2014\u2212]/g, "")
    .replace(/\s+/g, "");
}
