import { beforeEach, describe, expect, it, vi } from "vitest";
import type { PdfJsApi } from "../../src/core/ingest/pdf/pdfjs-api";
import { IngestError, type IngestedDocument } from "../../src/core/types";

// The PDF reader has its own tests; here only the dispatch to it matters.
const extractPdfDocument = vi.fn(
  async (path: string): Promise<IngestedDocument> => ({ path, kind: "pdf", title: "Mock PDF", chunks: [], pageCount: 3 }),
);
vi.mock("../../src/core/ingest/pdf/extract-pdf", () => ({ extractPdfDocument }));

const { ingestFile, isIndexablePath } = await import("../../src/core/ingest/ingest-file");

const enc = (s: string) => new TextEncoder().encode(s);
const reasonOf = async (p: Promise<unknown>) => {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(IngestError);
  const e = err as IngestError;
  return { reason: e.reason, status: e.status };
};

describe("isIndexablePath", () => {
  it("accepts pdf, md, srt and vtt in any case and nothing else", () => {
    for (const p of ["a.pdf", "notes/B.MD", "x/y.srt", "talk.VTT", "dir.with.dots/file.md"]) expect(isIndexablePath(p)).toBe(true);
    for (const p of ["a.txt", "a.pdf.bak", "md", ".md", "image.png", "folder/", "a.markdown", "noext"]) expect(isIndexablePath(p)).toBe(false);
  });
});

describe("ingestFile dispatch", () => {
  beforeEach(() => extractPdfDocument.mockClear());

  it("reads a plain note as markdown and a timestamped note as a transcript", async () => {
    expect((await ingestFile("n.md", enc("# Note\n\nJust prose."))).kind).toBe("markdown");
    expect((await ingestFile("t.md", enc("[00:01] one\n\n[00:40] two"))).kind).toBe("transcript");
    expect((await ingestFile("c.srt", enc("1\n00:00:01,000 --> 00:00:02,000\nhi\n"))).kind).toBe("transcript");
  });

  it("hands PDFs to the PDF reader with the loaded pdf.js and the options", async () => {
    const api = { getDocument: vi.fn() } as unknown as PdfJsApi;
    const signal = new AbortController().signal;
    const doc = await ingestFile("papers/p.pdf", enc("%PDF-1.7"), { pdfjs: async () => api, chunkTokens: 120, signal });
    expect(doc.title).toBe("Mock PDF");
    expect(extractPdfDocument).toHaveBeenCalledWith("papers/p.pdf", enc("%PDF-1.7"), api, { chunkTokens: 120, signal });
  });

  it("skips PDFs when no pdf.js is available and fails them when it cannot load", async () => {
    expect(await reasonOf(ingestFile("p.pdf", enc("%PDF")))).toEqual({ reason: "PDF reader (pdf.js) not available", status: "skipped" });
    const failing = ingestFile("p.pdf", enc("%PDF"), { pdfjs: () => Promise.reject(new Error("worker missing")) });
    expect(await reasonOf(failing)).toEqual({ reason: "PDF reader (pdf.js) failed to load: worker missing", status: "failed" });
    expect(extractPdfDocument).not.toHaveBeenCalled();
  });

  it("stops with the abort reason, not an IngestError, when the run is cancelled", async () => {
    const ctrl = new AbortController();
    ctrl.abort();
    await expect(ingestFile("n.md", enc("text"), { signal: ctrl.signal })).rejects.toMatchObject({ name: "AbortError" });
  });
});

describe("bad input", () => {
  it("skips a zero-byte file", async () => {
    expect(await reasonOf(ingestFile("empty.md", new Uint8Array(0)))).toEqual({ reason: "empty file", status: "skipped" });
    expect(await reasonOf(ingestFile("empty.pdf", new Uint8Array(0)))).toEqual({ reason: "empty file", status: "skipped" });
  });

  it("skips an unknown file type", async () => {
    expect(await reasonOf(ingestFile("photo.jpg", enc("xx")))).toEqual({ reason: "unsupported file type", status: "skipped" });
  });

  it("fails binary junk named .md", async () => {
    let seed = 42;
    const junk = Uint8Array.from({ length: 4096 }, () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) & 0xff);
    expect(await reasonOf(ingestFile("junk.md", junk))).toEqual({ reason: "not a text file (binary content)", status: "failed" });
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 1, 0, 0, 0, 1, 0, 8, 6, 0, 0, 0]);
    expect(await reasonOf(ingestFile("image.md", png))).toEqual({ reason: "not a text file (binary content)", status: "failed" });
    expect(await reasonOf(ingestFile("captions.vtt", junk))).toEqual({ reason: "not a text file (binary content)", status: "failed" });
  });

  it("indexes a note with a stray NUL, dropping the NUL", async () => {
    const doc = await ingestFile("nul.md", enc("# T\n\nalmost\u0000 clean text that is otherwise perfectly normal prose."));
    expect(doc.chunks[0].text).toBe("almost clean text that is otherwise perfectly normal prose.");
  });

  it("indexes a 10 MB note rather than refusing it", async () => {
    const para = (i: number) => `## Section ${i}\n\nParagraph ${i} discusses residual connections, batch statistics and learning rates in some depth. It has a second sentence too.\n\n`;
    const parts: string[] = [];
    let size = 0;
    for (let i = 0; size < 10 * 1024 * 1024; i++) {
      const p = para(i);
      parts.push(p);
      size += p.length;
    }
    const doc = await ingestFile("big.md", enc(parts.join("")));
    expect(doc.kind).toBe("markdown");
    expect(doc.chunks.length).toBe(parts.length);
    expect(doc.chunks[doc.chunks.length - 1].headings).toEqual([`Section ${parts.length - 1}`]);
  });

  it("indexes a 10 MB note that is a single line", async () => {
    const doc = await ingestFile("line.md", enc("word ".repeat(2 * 1024 * 1024)));
    expect(doc.chunks.length).toBeGreaterThan(1000);
  });
});

describe("text decoding", () => {
  it("drops a UTF-8 byte order mark so frontmatter is still recognised", async () => {
    const doc = await ingestFile("bom.md", enc("\uFEFF---\ntitle: With BOM\n---\nBody"));
    expect(doc.title).toBe("With BOM");
    expect(doc.chunks[0].line).toBe(3);
  });

  it("decodes UTF-16 files that carry a BOM", async () => {
    const text = "---\ntitle: Wide\n---\nÜbung macht den Meister.";
    const le = new Uint8Array(2 + text.length * 2);
    le.set([0xff, 0xfe]);
    for (let i = 0; i < text.length; i++) {
      le[2 + 2 * i] = text.charCodeAt(i) & 0xff;
      le[3 + 2 * i] = text.charCodeAt(i) >> 8;
    }
    const doc = await ingestFile("wide.md", le);
    expect(doc.title).toBe("Wide");
    expect(doc.chunks[0].text).toBe("Übung macht den Meister.");
  });

  it("keeps notes with invalid UTF-8 sequences here and there", async () => {
    const good = enc("# Caf\u00e9\n\nA mostly fine note about espresso extraction and grind size. ".repeat(20));
    const bytes = Uint8Array.from(good);
    bytes[30] = 0xff;
    const doc = await ingestFile("latin.md", bytes);
    expect(doc.chunks.length).toBeGreaterThan(0);
  });
});
