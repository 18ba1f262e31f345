import { describe, expect, it } from "vitest";
import { loadNodePdfJs } from "../../src/cli/pdfjs-node";
import { extractPdfDocument } from "../../src/core/ingest/pdf/extract-pdf";
import { makeManyPagesPdf } from "../fixtures/pdf-fixtures";

describe("a 300-page PDF", () => {
  it("yields every page's text on its own page, without running header or page numbers", async () => {
    const pdfjs = await loadNodePdfJs();
    const doc = await extractPdfDocument("long.pdf", await makeManyPagesPdf(300), pdfjs);
    expect(doc.pageCount).toBe(300);
    const byPage = new Map<number, string>();
    for (const c of doc.chunks) byPage.set(c.page ?? 0, `${byPage.get(c.page ?? 0) ?? ""}\n${c.text}`);
    expect(byPage.size).toBe(300);
    for (let p = 1; p <= 300; p++) {
      const text = byPage.get(p) ?? "";
      expect(text).toContain(`marker-p${p} token`);
      expect(text).not.toContain("Internal");
      expect(text.trim().split("\n").pop()).toMatch(/page count without any page being empty\.$/);
    }
  });
});
