// The bad vault: every kind of input a real vault holds that could crash or hang an indexer, generated
// from a seed so a failure can be replayed. Each file carries the outcome a user should see for it —
// the status and the words its reason must contain — so the suite checks the reason, not just "no crash".
import { mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { makeImageOnlyPdf, makeManyPagesPdf, makePaperPdf, makePasswordProtectedPdf, makeRandomBytes } from "../fixtures/pdf-fixtures";
import { seededRandom } from "./cli-harness";

export type Outcome = "indexed" | "skipped" | "failed";

export interface Expectation {
  /** The acceptable outcomes (a PDF cut after its last page may still be readable). */
  status: Outcome | Outcome[];
  /** A skipped or failed file's reason must match this (and must never be missing). */
  reason?: RegExp;
  /** Indexed files: at least this many chunks. */
  minChunks?: number;
  /** Text that must be findable in the file's chunks (via `chunks --json`). */
  contains?: string;
}

export interface BadFile {
  path: string;
  /** What kind of bad input this is, for the outcomes table. */
  kind: string;
  bytes: Uint8Array;
  expect: Expectation;
}

export interface BadCorpusOptions {
  seed?: number;
  /** How many random truncation points of a valid PDF. */
  truncations?: number;
  /** Pages of the long PDF (2,000 in scripts/torture.ts, fewer in CI). */
  longPdfPages?: number;
  /** Size of the big note in bytes. */
  bigNoteBytes?: number;
}

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const CORRUPT = /corrupt or truncated PDF/;
const NOT_A_PDF = /no PDF header — another kind of file saved as \.pdf\?/;

export async function makeBadCorpus(opts: BadCorpusOptions = {}): Promise<BadFile[]> {
  const rand = seededRandom(opts.seed ?? 20261125);
  const files: BadFile[] = [];
  const add = (p: string, kind: string, bytes: Uint8Array | string, expect: Expectation) =>
    files.push({ path: p, kind, bytes: typeof bytes === "string" ? utf8(bytes) : bytes, expect });

  // PDFs cut at random points. A cut that leaves the whole body but loses the trailer may still open
  // (pdf.js rebuilds the cross-reference table), so either a clean reading or a specific reason is right.
  const paper = (await makePaperPdf()).bytes;
  const cuts = new Set<number>();
  while (cuts.size < (opts.truncations ?? 12)) cuts.add(1 + Math.floor(rand() * (paper.length - 1)));
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    add(`pdf/truncated/cut-at-${String(cut).padStart(6, "0")}.pdf`, "PDF truncated at a random byte", paper.slice(0, cut), { status: ["failed", "indexed"], reason: CORRUPT });
  }
  add("pdf/random-4k.pdf", "random bytes named .pdf", makeRandomBytes(4096, 1 + Math.floor(rand() * 1e9)), { status: "failed", reason: NOT_A_PDF });
  add("pdf/random-1-byte.pdf", "random bytes named .pdf", Uint8Array.of(0x25), { status: "failed", reason: NOT_A_PDF });
  add("pdf/header-then-junk.pdf", "PDF header followed by junk", new Uint8Array([...utf8("%PDF-1.7\n"), ...makeRandomBytes(20_000, 77)]), { status: "failed", reason: CORRUPT });
  add("pdf/html-error-page.pdf", "HTML error page saved as .pdf", "<!doctype html><html><body><h1>403 Forbidden</h1></body></html>", { status: "failed", reason: NOT_A_PDF });
  add("pdf/password-protected.pdf", "password-protected PDF", makePasswordProtectedPdf(), { status: "skipped", reason: /password/i });
  add("pdf/image-only-scan.pdf", "image-only PDF (scan without OCR)", await makeImageOnlyPdf(3), { status: "skipped", reason: /no text|OCR|scanned/i });
  const pages = opts.longPdfPages ?? 120;
  add(`pdf/long-${pages}-pages.pdf`, `${pages}-page PDF`, await makeManyPagesPdf(pages), { status: "indexed", minChunks: pages, contains: `marker-p${pages} token` });
  add("pdf/empty.pdf", "zero-byte file", new Uint8Array(0), { status: "skipped", reason: /empty/ });

  add("notes/empty.md", "zero-byte file", new Uint8Array(0), { status: "skipped", reason: /empty/ });
  add("captions/empty.srt", "zero-byte file", new Uint8Array(0), { status: "skipped", reason: /empty/ });
  add("notes/binary-junk.md", "binary junk named .md", makeRandomBytes(50_000, 4242), { status: "failed", reason: /not a text file/ });
  add("captions/binary-junk.vtt", "binary junk named .vtt", makeRandomBytes(10_000, 99), { status: "failed", reason: /not a text file/ });
  add("captions/no-cues.srt", "captions without a single cue", "this is not a subtitle file\nat all\n", { status: "failed", reason: /caption cues/ });
  add("notes/big-10mb.md", "10 MB note", bigNote(opts.bigNoteBytes ?? 10 * 1024 * 1024), { status: "indexed", minChunks: 100, contains: "needle-at-the-end" });
  add("notes/one-long-word.md", "one 2 MB word without spaces", `# Long\n\n${"x".repeat(2 * 1024 * 1024)}\n\nclosing-marker sentence.\n`, { status: "indexed", minChunks: 1, contains: "closing-marker" });
  add("notes/headings-40-levels.md", "headings 40 levels of #", deepHeadings(40), { status: "indexed", minChunks: 1, contains: "level-40-body" });
  add("notes/nested-quotes.md", "10,000 nested quote markers", `${">".repeat(10_000)} deep quote text\n\nafter-the-quote paragraph.\n`, { status: "indexed", contains: "after-the-quote" });
  add("notes/unclosed-frontmatter.md", "broken frontmatter (never closed)", "---\ntitle: Unclosed\ntags: [a, b\n\n# Body\n\nbody-of-unclosed text here.\n", { status: "indexed", contains: "body-of-unclosed" });
  add("notes/invalid-yaml.md", "broken frontmatter (invalid YAML)", "---\ntitle: [unbalanced\n  : : :\n\tbad: tab\n---\n\ninvalid-yaml-body text.\n", { status: "indexed", contains: "invalid-yaml-body" });
  add("notes/frontmatter-only.md", "frontmatter and nothing else", "---\ntitle: Only frontmatter\n---\n", { status: "indexed" });
  add("notes/yaml-bomb.md", "frontmatter with a YAML alias bomb", yamlBomb(), { status: "indexed", contains: "after-bomb" });
  add("notes/rtl-override.md", "Unicode: right-to-left override", "# Report \u202Egnp.exe\u202C\n\nThe file \u202Etxt.exe\u202C is harmless; rtl-marker text.\n", { status: "indexed", contains: "rtl-marker" });
  add("notes/combining-marks.md", "Unicode: stacked combining marks", `# Z\u0351\u0352\u0353algo\n\n${"e\u0301\u0302\u0303\u0304\u0305".repeat(2000)} combining-marker.\n`, { status: "indexed", contains: "combining-marker" });
  add("notes/emoji.md", "Unicode: emoji, ZWJ sequences, flags", "# 🧪 Lab 👩‍🔬\n\nResults 🇩🇪🇯🇵 👨‍👩‍👧‍👦 emoji-marker sentence 🎉.\n", { status: "indexed", contains: "emoji-marker" });
  add("notes/nul-bytes.md", "NUL characters inside text", "# Nul\n\nbefore\u0000after nul-marker text.\n", { status: "indexed", contains: "nul-marker" });
  // A real note with a few broken bytes (a bad copy-paste) is still a note.
  const prose = "Plain prose that a person wrote and saved with an editor that mangled a few bytes. ".repeat(20);
  add("notes/invalid-utf8.md", "invalid UTF-8 sequences in a note", new Uint8Array([...utf8(`# Bad UTF-8\n\n${prose}`), 0xed, 0xa0, 0x80, 0xc3, ...utf8(" utf8-marker end.\n")]), { status: "indexed", contains: "utf8-marker" });
  add("notes/utf16.md", "UTF-16 LE with BOM", utf16le("# UTF-16\n\nutf16-marker text in a Windows note.\n"), { status: "indexed", contains: "utf16-marker" });
  add("notes/crlf-and-cr.md", "CRLF and lone CR line ends", "# Windows\r\n\r\nline one\r\nline two crlf-marker\rold mac line\r\n", { status: "indexed", contains: "crlf-marker" });
  add("notes/zero-width.md", "zero-width and bidi marks", "# \u200B\u200C\u200D\uFEFF\u2066\u2069\n\nzero\u200Bwidth-marker text.\n", { status: "indexed", contains: "width-marker" });
  // Odd file names: Obsidian allows them, and links to them must still work.
  add("odd names/with spaces and #hash.md", "file name with spaces and #", "# Hash\n\nhash-name-marker text.\n", { status: "indexed", contains: "hash-name-marker" });
  add("odd names/caret^and[bracket].md", "file name with ^ and [", "# Caret\n\ncaret-name-marker text.\n", { status: "indexed", contains: "caret-name-marker" });
  add("odd names/pipe|name.md", "file name with |", "# Pipe\n\npipe-name-marker text.\n", { status: "indexed", contains: "pipe-name-marker" });
  add("odd names/Ünïcödé 日本語 ✓.md", "file name in Unicode", "# Unicode\n\nunicode-name-marker text.\n", { status: "indexed", contains: "unicode-name-marker" });
  add("odd names/e\u0301-decomposed.md", "file name in NFD", "# NFD\n\nnfd-name-marker text.\n", { status: "indexed", contains: "nfd-name-marker" });
  add("odd names/\u202Emd.exe.md", "file name with an RTL override", "# RTL\n\nrtl-name-marker text.\n", { status: "indexed", contains: "rtl-name-marker" });
  add("odd names/UPPER.MD", "upper-case extension", "# Upper\n\nupper-ext-marker text.\n", { status: "indexed", contains: "upper-ext-marker" });
  add("transcripts/bad-timestamps.md", "transcript with impossible timestamps", "# Talk\n\n[99:99:99] first line\n[00:61] second\n[1:75:00] third\n[00:10] bad-ts-marker real line\n", { status: "indexed", contains: "bad-ts-marker" });
  add("captions/overlapping.srt", "captions with reversed and overlapping times", "1\n00:00:10,000 --> 00:00:05,000\nbackwards overlap-marker cue\n\n2\n00:00:01,000 --> 99:99:99,999\nimpossible end time\n", { status: "indexed", contains: "overlap-marker" });
  return files;
}

/** Writes the corpus into `dir`; returns the files that a file system accepted (all, on Linux). */
export function writeCorpus(dir: string, files: BadFile[]): BadFile[] {
  const written: BadFile[] = [];
  for (const f of files) {
    const abs = path.join(dir, f.path);
    mkdirSync(path.dirname(abs), { recursive: true });
    try {
      writeFileSync(abs, f.bytes);
      written.push(f);
    } catch {
      // A name this file system refuses (e.g. `|` on Windows) cannot be in a vault there either.
    }
  }
  return written;
}

function bigNote(bytes: number): string {
  const parts: string[] = ["---\ntitle: A very big note\ntags: [big]\n---\n"];
  let size = parts[0].length;
  for (let i = 0; size < bytes - 200; i++) {
    const block = i % 50 === 0 ? `\n## Section ${i / 50}\n\n` : `Paragraph ${i} of the big note talks about gradient descent, sparse retrieval and word ${i * 7919} in some depth.\n\n`;
    parts.push(block);
    size += block.length;
  }
  parts.push("The needle-at-the-end sentence closes the note.\n");
  return parts.join("");
}

function deepHeadings(levels: number): string {
  const lines: string[] = [];
  for (let l = 1; l <= levels; l++) lines.push(`${"#".repeat(l)} Level ${l}`, "", `level-${l}-body text at depth ${l}.`, "");
  return lines.join("\n");
}

function yamlBomb(): string {
  const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 0; i < 8; i++) {
    const prev = String.fromCharCode(97 + i);
    const next = String.fromCharCode(98 + i);
    lines.push(`${next}: &${next} [${Array(9).fill(`*${prev}`).join(",")}]`);
  }
  return `---\n${lines.join("\n")}\n---\n\nafter-bomb paragraph text.\n`;
}

function utf16le(s: string): Uint8Array {
  const out = new Uint8Array(2 + s.length * 2);
  out[0] = 0xff;
  out[1] = 0xfe;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out[2 + i * 2] = c & 0xff;
    out[3 + i * 2] = c >> 8;
  }
  return out;
}
