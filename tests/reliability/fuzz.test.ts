// Property tests with fast-check over the parsers and builders that see text from documents and models:
// they must never throw, never hang, round-trip where a round trip is defined, and never produce output
// that breaks its own syntax (a link that ends early, a file name that leaves its folder).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { resolveCitations } from "../../src/core/answer/citations";
import { createLinkBuilder } from "../../src/core/answer/links";
import { MAX_NAME_LENGTH, PathAllocator, sanitizeFileStem } from "../../src/core/concepts/file-names";
import { ingestFile } from "../../src/core/ingest/ingest-file";
import { formatTimestamp, parseTimestamp, timeInUrl, youtubeUrlAt } from "../../src/core/ingest/transcript/timestamps";
import { IngestError, type Chunk, type SourceKind } from "../../src/core/types";

const RUNS = Number(process.env.SCHOLIA_FUZZ_RUNS ?? "400");
// A failure prints its seed; SCHOLIA_FUZZ_SEED=<seed> replays it.
if (process.env.SCHOLIA_FUZZ_SEED) fc.configureGlobal({ seed: Number(process.env.SCHOLIA_FUZZ_SEED) });
/** No single call may take longer than this: a regular expression that backtracks would. */
const CASE_BUDGET_MS = 1_500;

/** No lone surrogate: half an emoji cannot be written as a file name. (String#isWellFormed is ES2024.) */
function wellFormed(s: string): boolean {
  return !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);
}

function timed<T>(f: () => T): T {
  const started = performance.now();
  const out = f();
  const ms = performance.now() - started;
  if (ms > CASE_BUDGET_MS) throw new Error(`took ${ms.toFixed(0)} ms`);
  return out;
}

/** Any string, including lone surrogates, controls and astral characters. */
const anyText = fc.string({ unit: "binary", maxLength: 200 });
/** Text built from the pieces that matter to a parser, mixed with anything. */
const pieces = (alphabet: string[]) => fc.array(fc.oneof(fc.constantFrom(...alphabet), anyText), { maxLength: 40 }).map((a) => a.join(""));

describe("timestamps", () => {
  it("parseTimestamp never throws and gives null or a finite, non-negative number of seconds", () => {
    fc.assert(
      fc.property(pieces(["1", "00", "59", "60", ":", ".", ",", "h", "m", "s", " ", "-", "999999999999999999999"]), (s) => {
        const v = timed(() => parseTimestamp(s));
        expect(v === null || (Number.isFinite(v) && v >= 0)).toBe(true);
      }),
      { numRuns: RUNS * 2 },
    );
  });

  it("formatTimestamp always writes mm:ss or h:mm:ss, even for NaN, infinities and negatives", () => {
    fc.assert(
      // Up to 10^15 s (31 million years); beyond 2^53 a second count has no exact value anyway.
      fc.property(fc.oneof(fc.double({ min: -1e15, max: 1e15 }), fc.constantFrom(NaN, Infinity, -Infinity, -0)), (x) => {
        expect(formatTimestamp(x)).toMatch(/^(\d+:)?\d{2}:\d{2}$/);
      }),
      { numRuns: RUNS },
    );
  });

  it("parseTimestamp(formatTimestamp(n)) === n for whole seconds, and clock fields read back", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), (n) => {
        expect(parseTimestamp(formatTimestamp(n))).toBe(n);
      }),
      { numRuns: RUNS },
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 59 }), fc.integer({ min: 0, max: 59 }), fc.integer({ min: 0, max: 999 }), (h, m, s, ms) => {
        const two = (n: number) => String(n).padStart(2, "0");
        expect(parseTimestamp(`${h}:${two(m)}:${two(s)}`)).toBe(h * 3600 + m * 60 + s);
        expect(parseTimestamp(`${two(h)}:${two(m)}:${two(s)},${String(ms).padStart(3, "0")}`)).toBeCloseTo(h * 3600 + m * 60 + s + ms / 1000, 6);
        expect(parseTimestamp(`${h}h${m}m${s}s`)).toBe(h * 3600 + m * 60 + s);
      }),
      { numRuns: RUNS },
    );
  });

  it("youtubeUrlAt never throws; for a video id the link plays from the floored second and reads back", () => {
    fc.assert(
      fc.property(anyText, fc.double(), (url, secs) => {
        const out = timed(() => youtubeUrlAt(url, secs));
        expect(typeof out).toBe("string");
      }),
      { numRuns: RUNS },
    );
    const idChar = fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-".split(""));
    fc.assert(
      fc.property(fc.array(idChar, { minLength: 11, maxLength: 11 }).map((a) => a.join("")), fc.integer({ min: 0, max: 1_000_000 }), fc.constantFrom("", "https://www.youtube.com/watch?v=", "https://youtu.be/", "https://m.youtube.com/shorts/"), (id, t, prefix) => {
        const url = youtubeUrlAt(`${prefix}${id}`, t + 0.9);
        expect(url).toBe(`https://www.youtube.com/watch?v=${id}&t=${t}`);
        expect(timeInUrl(url)).toBe(t);
      }),
      { numRuns: RUNS },
    );
  });
});

function chunk(i: number, kind: SourceKind, title: string, path: string, headings: string[]): Chunk {
  const c: Chunk = { id: `${path}#${i}`, path, kind, text: `Passage ${i} says something specific about topic ${i}.`, title, headings };
  if (kind === "pdf") c.page = i + 1;
  if (kind === "transcript") {
    c.start = i * 30;
    c.video = "https://www.youtube.com/watch?v=dQw4w9WgXcQ";
  }
  return c;
}

describe("citation ids from a model", () => {
  const idTokens = ["[S1]", "[S2]", "[S3]", "[S7]", "[S99]", "[S0]", "[S1-S40]", "[S3, S99]", "[Source 2]", "【S1】", "[Passage 3]", "[12]", "[S1][S2]", "[[x|y]]", "](", "```\n", "\n", ". ", "?", "[S", "]"];
  it("resolveCitations never throws and never emits an id that is not a passage", () => {
    fc.assert(
      fc.property(pieces(idTokens), fc.integer({ min: 0, max: 5 }), fc.boolean(), (text, n, strict) => {
        const passages = new Map<string, Chunk>();
        for (let i = 0; i < n; i++) passages.set(`S${i + 1}`, chunk(i, (["pdf", "markdown", "transcript"] as const)[i % 3], `Doc ${i}`, `folder/doc ${i}.${i % 3 === 0 ? "pdf" : "md"}`, [`H${i}`]));
        const r = timed(() => resolveCitations(text, { passages, links: createLinkBuilder(), stripNumericMarkers: strict, stripModelLinks: strict }));
        for (const c of r.citations) expect(passages.has(c.id)).toBe(true);
        expect(r.citations.map((c) => c.n)).toEqual(r.citations.map((_, i) => i + 1));
        for (const d of r.dropped) expect(passages.has(d)).toBe(false);
        // A model answer's links all come from code: they point only to the passages' own files.
        if (strict) for (const m of r.answer.matchAll(/\[\[([^\]|#]+)/g)) expect([...passages.values()].some((p) => p.path.replace(/\.md$/, "") === m[1])).toBe(true);
      }),
      { numRuns: RUNS * 2 },
    );
  });
});

describe("links built from document titles, headings and paths", () => {
  const nasty = ["|", "]]", "[[", "]", "[", "#", "^", "\n", "\\", ":", "%", "(", ")", " ", "../", "/", ".md", "\u202E", "\u0000", "`", "<img src=x onerror=alert(1)>"];
  const WIKI = /^\[\[[^[\]|\n]+(\|[^[\]|\n]*)?\]\]$/u;
  const MARKDOWN = /^\[(?:\\.|[^\\[\]\n])*\]\([^\s()]+\)$/u;
  it("forChunk never throws and always returns exactly one well-formed link whose alias cannot break out", () => {
    fc.assert(
      fc.property(
        pieces(nasty),
        fc.array(pieces(nasty), { maxLength: 4 }),
        pieces(nasty).map((p) => `${p || "x"}.${["pdf", "md", "srt"][p.length % 3]}`),
        fc.constantFrom<SourceKind>("pdf", "markdown", "transcript"),
        fc.option(fc.integer({ min: 0, max: 5000 })),
        fc.option(pieces(["^", "abc", "-", " "])),
        (title, headings, path, kind, page, blockId) => {
          const c: Chunk = { id: `${path}#0`, path, kind, text: "t", title, headings };
          if (page !== null) {
            c.page = page;
            c.start = page;
          }
          if (blockId !== null) c.blockId = blockId;
          const links = timed(() => createLinkBuilder().forChunk(c));
          expect(links.link).toMatch(links.link.startsWith("[[") ? WIKI : MARKDOWN);
          // The shown text never carries a tag: titles and headings come from documents.
          const shown = links.link.startsWith("[[") ? (/\|([^\]]*)\]\]$/.exec(links.link)?.[1] ?? "") : /^\[((?:\\.|[^\\\]])*)\]/.exec(links.link)![1].replace(/\\./g, "");
          expect(shown).not.toMatch(/[<>]/);
          expect(createLinkBuilder().withAlias(c, title)).toMatch(/^\[\[|^\[/);
        },
      ),
      { numRuns: RUNS * 2 },
    );
  });
});

describe("concept note file names from model-proposed titles", () => {
  const nasty = ["../", "..", "/", "\\", ":", "*", "?", '"', "<", ">", "|", "#", "^", "[", "]", ".", " ", "CON", "nul", "\u0000", "\u202E", "😀", "é", "\n", "C:\\", "/etc/passwd"];
  it("sanitizeFileStem never yields a separator, a reserved character, `..`, a control character or a broken surrogate, within the length bound", () => {
    fc.assert(
      fc.property(pieces(nasty), (title) => {
        const stem = timed(() => sanitizeFileStem(title));
        expect(stem).not.toMatch(/[/\\:*?"<>|]/);
        expect(stem).not.toContain("..");
        // eslint-disable-next-line no-control-regex -- asserting their absence
        expect(stem).not.toMatch(/[\u0000-\u001f\u007f]/);
        expect(stem.length).toBeGreaterThan(0);
        expect(stem.length).toBeLessThanOrEqual(MAX_NAME_LENGTH + " (concept)".length);
        expect(stem).not.toMatch(/^[. ]|[. ]$/);
        expect(wellFormed(stem)).toBe(true);
      }),
      // Astral characters across the length limit: a cut must not split a surrogate pair.
      { numRuns: RUNS * 2, examples: [["😀".repeat(120)], [`a${"𐀀".repeat(60)}`], [`${"x".repeat(99)}😀tail`]] },
    );
  });

  it("allocated note paths always sit directly inside the output folder", () => {
    fc.assert(
      fc.property(fc.array(pieces(nasty), { minLength: 1, maxLength: 8 }), fc.constantFrom("Concepts", "Notes/Concepts", ""), (titles, folder) => {
        const alloc = new PathAllocator(folder, []);
        titles.push(`${"y".repeat(98)}😀`, `${"y".repeat(98)}😀`);
        const seen = new Set<string>();
        for (const t of titles) {
          const p = timed(() => alloc.allocate(t));
          expect(p.endsWith(".md")).toBe(true);
          const parent = p.includes("/") ? p.slice(0, p.lastIndexOf("/")) : "";
          expect(parent).toBe(folder);
          expect(p.split("/")).not.toContain("..");
          expect(wellFormed(p)).toBe(true);
          expect(seen.has(p.toLowerCase())).toBe(false);
          seen.add(p.toLowerCase());
        }
      }),
      { numRuns: RUNS },
    );
  });
});

describe("ingesting arbitrary text as notes, transcripts and captions", () => {
  const md = ["---\n", "title: x\n", "tags: [a, b\n", "#", "# H\n", "###### ", "\n\n", "> ", "- ", "1. ", "```", "~~~", "[[link|alias]]", "^block-id", "$$", "<div>", "| a | b |\n", "[00:01]", "00:01 ", "[1:02:03](https://youtu.be/dQw4w9WgXcQ?t=3)", "\u0000", "\u202E", "\r\n", "\t", "  "];
  const captions = ["WEBVTT\n\n", "1\n", "00:00:01,000 --> 00:00:02,000\n", "00:00:01.000 --> 00:00:02.000 align:start\n", "-->", "99:99:99,999", "NOTE x\n\n", "<v Speaker>", "\n\n", "&amp;"];
  const encode = (s: string) => new TextEncoder().encode(s);
  const check = async (path: string, text: string) => {
    const started = performance.now();
    try {
      const doc = await ingestFile(path, encode(text));
      for (const c of doc.chunks) {
        expect(c.path).toBe(path);
        expect(typeof c.text).toBe("string");
      }
    } catch (e) {
      // Refusing input is fine, but only with a reason for the report; anything else is a crash.
      if (!(e instanceof IngestError)) throw e;
      expect(e.reason.length).toBeGreaterThan(0);
    }
    expect(performance.now() - started).toBeLessThan(CASE_BUDGET_MS);
  };
  it("markdown notes and transcript notes: no throw except a reasoned IngestError, no hang", async () => {
    await fc.assert(fc.asyncProperty(pieces(md), (text) => check("fuzz/note.md", text)), { numRuns: RUNS });
  });
  it("SRT and VTT captions: no throw except a reasoned IngestError, no hang", async () => {
    await fc.assert(fc.asyncProperty(pieces(captions), fc.constantFrom("fuzz/a.srt", "fuzz/a.vtt"), (text, path) => check(path, text)), { numRuns: RUNS });
  });
});
