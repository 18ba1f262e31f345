import { beforeAll, describe, expect, it } from "vitest";
import { loadNodePdfJs } from "../../src/cli/pdfjs-node";
import { extractPdfDocument } from "../../src/core/ingest/pdf/extract-pdf";
import type { PdfJsApi } from "../../src/core/ingest/pdf/pdfjs-api";
import { selectionText } from "../../src/core/ingest/pdf/selection-text";
import type { Chunk, IngestedDocument } from "../../src/core/types";
import { estimateTokens } from "../../src/core/util/tokens";
import { DEMO_PAPER_TITLE, DEMO_RUNNING_HEADER, makePaperPdf } from "../fixtures/pdf-fixtures";
import type { TypesetPaper } from "../../scripts/paper-pdf";
import { comparable } from "./pdf-text-normalize";

let pdfjs: PdfJsApi;
let paper: TypesetPaper;
let doc: IngestedDocument;

const pageText = (d: IngestedDocument, page: number) =>
  d.chunks.filter((c) => c.page === page).map((c) => c.text).join("\n");

beforeAll(async () => {
  pdfjs = await loadNodePdfJs();
  paper = await makePaperPdf();
  doc = await extractPdfDocument("Papers/paper.pdf", paper.bytes, pdfjs);
});

describe("extractPdfDocument on a generated paper", () => {
  it("reports every page and keeps each chunk on one 1-based page", () => {
    expect(doc.kind).toBe("pdf");
    expect(doc.pageCount).toBe(5);
    expect(new Set(doc.chunks.map((c) => c.page))).toEqual(new Set([1, 2, 3, 4, 5]));
    expect(pageText(doc, 1)).toContain("We report what it takes to train a small convolutional neural network");
    expect(pageText(doc, 3)).toContain("Training the final model took four days on a single laptop");
    expect(pageText(doc, 4)).toContain("PocketNet reaches 91.4 percent top-1 accuracy");
  });

  it("gives chunks stable ids, kind, title and an embed text prefixed with the title", () => {
    doc.chunks.forEach((c, i) => {
      expect(c.id).toBe(`Papers/paper.pdf#${i}`);
      expect(c.path).toBe("Papers/paper.pdf");
      expect(c.kind).toBe("pdf");
      expect(c.title).toBe(DEMO_PAPER_TITLE);
      expect(c.embedText).toBe(`${DEMO_PAPER_TITLE}\n${c.text}`);
    });
  });

  it("drops the running header, the footers and the page numbers", () => {
    const all = doc.chunks.map((c) => c.text).join("\n");
    expect(all).not.toContain(DEMO_RUNNING_HEADER);
    expect(all).not.toMatch(/Page \d+ of \d+/);
    expect(all).not.toMatch(/Preprint/);
  });

  it("joins words hyphenated at line ends", () => {
    expect(paper.hyphenated.length).toBeGreaterThan(5);
    const all = doc.chunks.map((c) => c.text).join("\n");
    for (const word of paper.hyphenated) expect(all).toMatch(new RegExp(`\\b${word}\\b`));
    expect(all).not.toMatch(/\p{L}- \p{Ll}/u);
  });

  it("keeps real hyphens inside compounds", () => {
    const all = doc.chunks.map((c) => c.text).join("\n");
    expect(all).toContain("State-of-the-art systems");
    expect(all).toContain("mini-batch");
    expect(all).toContain("wall-clock time");
    expect(all).toContain("eight-gigabyte consumer graphics card");
  });

  it("reads a two-column page column by column", () => {
    const text = pageText(doc, 3).replace(/\s+/g, " ");
    // A sentence that runs over several lines of the left column is read whole...
    expect(text).toContain(
      "PocketNet stacks four convolutional stages with 32, 64, 128 and 256 channels. Each stage applies two three-by-three convolutions, batch normalization and a rectified linear unit, followed by max pooling.",
    );
    // ...and the left column is finished before the right one starts.
    const leftEnd = text.indexOf("made a mini-batch of 64 images possible.");
    const rightStart = text.indexOf("We trained with stochastic gradient descent");
    expect(leftEnd).toBeGreaterThan(0);
    expect(rightStart).toBeGreaterThan(leftEnd);
  });

  it("finds the same reading order when the content stream interleaves the two columns", async () => {
    const interleaved = await makePaperPdf({ interleaveColumns: true });
    const other = await extractPdfDocument("Papers/paper.pdf", interleaved.bytes, pdfjs);
    expect(comparable(pageText(other, 3))).toBe(comparable(pageText(doc, 3)));
  });

  it("keeps headings with the text they introduce", () => {
    const heading = doc.chunks.find((c) => c.text.includes("1 Introduction"));
    expect(heading?.text.startsWith("1 Introduction")).toBe(true);
  });

  it("splits long text at sentence boundaries within a smaller budget", async () => {
    const small = await extractPdfDocument("p.pdf", paper.bytes, pdfjs, { chunkTokens: 60 });
    expect(small.chunks.length).toBeGreaterThan(doc.chunks.length);
    for (const c of small.chunks) expect(estimateTokens(c.text)).toBeLessThanOrEqual(60);
    const fact = "Training the final model took four days on a single laptop with an eight-gigabyte consumer graphics card, running for 120 epochs.";
    expect(small.chunks.some((c) => c.text.replace(/\s+/g, " ").includes(fact))).toBe(true);
    for (const c of small.chunks) expect(c.text).toMatch(/[.?!\]]$|^\d[\d.]* [A-Z]|^References/);
  });

  it("records a selection that re-extracts exactly the chunk's text with pdf.js", async () => {
    await expectSelectionsMatch(paper.bytes, doc.chunks, "exact");
  });

  it("records selections that cover the chunk's text when stream order differs from reading order", async () => {
    const interleaved = await makePaperPdf({ interleaveColumns: true });
    const other = await extractPdfDocument("p.pdf", interleaved.bytes, pdfjs);
    await expectSelectionsMatch(interleaved.bytes, other.chunks, "covers");
  });

  it("leaves the caller's bytes intact (pdf.js detaches the buffer it is given)", () => {
    expect(paper.bytes.byteLength).toBeGreaterThan(1000);
    expect(new TextDecoder().decode(paper.bytes.subarray(0, 5))).toBe("%PDF-");
  });
});

describe("PDF titles", () => {
  it("uses the metadata title when it is a real title", () => {
    expect(doc.title).toBe(DEMO_PAPER_TITLE);
  });

  it("ignores a placeholder metadata title and reads the first page's largest lines", async () => {
    const { bytes } = await makePaperPdf({ metadataTitle: "Microsoft Word - draft_v3.docx" });
    const d = await extractPdfDocument("Papers/draft.pdf", bytes, pdfjs);
    expect(d.title).toBe(DEMO_PAPER_TITLE);
  });

  it("reads the first page when there is no metadata title", async () => {
    const { bytes } = await makePaperPdf({ metadataTitle: null });
    const d = await extractPdfDocument("Papers/draft.pdf", bytes, pdfjs);
    expect(d.title).toBe(DEMO_PAPER_TITLE);
  });

  it("falls back to the file name when the first page has no larger type", async () => {
    const { bytes } = await makePaperPdf({
      metadataTitle: null,
      pages: [{ blocks: [{ kind: "paragraph", text: "Plain memo text in one size only, with nothing that looks like a title at all." }] }],
    });
    const d = await extractPdfDocument("Inbox/memo 2024.pdf", bytes, pdfjs);
    expect(d.title).toBe("memo 2024");
  });
});

describe("cancellation", () => {
  it("stops when the signal is aborted", async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(extractPdfDocument("p.pdf", paper.bytes, pdfjs, { signal: controller.signal })).rejects.toThrow(/abort/i);
  });
});

async function expectSelectionsMatch(bytes: Uint8Array, chunks: Chunk[], mode: "exact" | "covers"): Promise<void> {
  const pdf = await pdfjs.getDocument({ data: bytes.slice() }).promise;
  try {
    for (const chunk of chunks) {
      const page = await pdf.getPage(chunk.page ?? 0);
      const { items } = await page.getTextContent({ includeMarkedContent: true, disableNormalization: true });
      const [bi, bo, ei, eo] = chunk.selection ?? [0, 0, 0, 0];
      expect(bi * 1e6 + bo).toBeLessThan(ei * 1e6 + eo);
      const selected = comparable(selectionText(items, [bi, bo, ei, eo]));
      const text = comparable(chunk.text);
      if (mode === "exact") expect(selected, `chunk ${chunk.id}`).toBe(text);
      else for (const ch of new Set(text)) expect(selected, `chunk ${chunk.id}`).toContain(ch);
      page.cleanup();
    }
  } finally {
    await pdf.destroy();
  }
}
