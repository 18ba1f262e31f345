// On the shared development corpus (real papers, outside the repository): every question's quote
// must lie inside the chunks of one of its answer pages, and every chunk's selection must lead back
// to its text. A fresh clone has no ../shared; then these tests are skipped, visibly.
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadNodePdfJs } from "../../src/cli/pdfjs-node";
import { extractPdfDocument } from "../../src/core/ingest/pdf/extract-pdf";
import type { PdfJsApi } from "../../src/core/ingest/pdf/pdfjs-api";
import { selectionText } from "../../src/core/ingest/pdf/selection-text";
import type { IngestedDocument } from "../../src/core/types";
import { comparable } from "../ingest/pdf-text-normalize";

const CORPUS = resolve(__dirname, "..", "..", "..", "shared", "corpus");
const QA = resolve(CORPUS, "qa-dev.jsonl");
const present = existsSync(QA);

interface Question {
  id: string;
  file: string;
  pages: number[];
  quote: string;
}

const questions: Question[] = present
  ? readFileSync(QA, "utf8").split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l) as Question)
  : [];
const pdfQuestions = questions.filter((q) => q.file.toLowerCase().endsWith(".pdf"));

if (!present) {
  describe("PDF ingestion on ../shared/corpus", () => {
    it.skip(`skipped: ${QA} is absent (a fresh clone has no shared corpus)`, () => undefined);
  });
} else {
  describe("PDF ingestion on ../shared/corpus", () => {
    let pdfjs: PdfJsApi;
    const docs = new Map<string, IngestedDocument>();

    beforeAll(async () => {
      pdfjs = await loadNodePdfJs();
      for (const file of new Set(pdfQuestions.map((q) => q.file))) {
        const data = new Uint8Array(readFileSync(resolve(CORPUS, file)));
        docs.set(file, await extractPdfDocument(file, data, pdfjs));
      }
    }, 180_000);

    it(`finds every question's quote in the chunks of one of its pages (${pdfQuestions.length} questions)`, () => {
      const misses: string[] = [];
      for (const q of pdfQuestions) {
        const doc = docs.get(q.file);
        const onPage = (p: number) => comparable((doc?.chunks ?? []).filter((c) => c.page === p).map((c) => c.text).join(" "));
        if (!q.pages.some((p) => onPage(p).includes(comparable(q.quote)))) misses.push(`${q.id} (pages ${q.pages.join(",")}): ${q.quote}`);
      }
      expect(misses).toEqual([]);
      expect(pdfQuestions.length).toBeGreaterThanOrEqual(22);
    });

    it("re-extracts each chunk's text from its selection with pdf.js", async () => {
      const failures: string[] = [];
      let verbatim = 0;
      let total = 0;
      for (const [file, doc] of docs) {
        const pdf = await pdfjs.getDocument({ data: new Uint8Array(readFileSync(resolve(CORPUS, file))) }).promise;
        try {
          for (let p = 1; p <= pdf.numPages; p++) {
            const page = await pdf.getPage(p);
            const { items } = await page.getTextContent({ includeMarkedContent: true, disableNormalization: true });
            for (const chunk of doc.chunks.filter((c) => c.page === p)) {
              const selected = comparable(selectionText(items, chunk.selection ?? [0, 0, 0, 0]));
              const text = comparable(chunk.text);
              // Chunk text is in reading order; the selection runs in content-stream order, which on
              // real pages can place a superscript or an equation elsewhere. Every word of the chunk
              // must lie inside the range (nearly every word is found whole; equations assembled from
              // scattered sub- and superscripts are the known exception), and most re-extract verbatim.
              if (selected.includes(text)) verbatim++;
              const words = chunk.text.split(/\s+/).map(comparable).filter(Boolean);
              const ok = words.filter((w) => selected.includes(w)).length >= 0.9 * words.length;
              total++;
              if (!ok) failures.push(`${chunk.id} p${p}: ${chunk.text.slice(0, 60)}`);
            }
            page.cleanup();
          }
        } finally {
          await pdf.destroy();
        }
      }
      process.stderr.write(`pdf corpus: ${verbatim} of ${total} chunks re-extract verbatim from their selection\n`);
      expect(failures.length, failures.join("\n")).toBeLessThanOrEqual(Math.floor(total * 0.05));
      expect(verbatim).toBeGreaterThanOrEqual(Math.floor(total * 0.6));
    }, 180_000);
  });
}
