import { describe, expect, it } from "vitest";
import type { PdfTextItem, PdfTextMarkedContent } from "../../src/core/ingest/pdf/pdfjs-api";
import { selectionText } from "../../src/core/ingest/pdf/selection-text";
import { looksLikePageNumber } from "../../src/core/ingest/pdf/running-lines";
import { metadataTitle } from "../../src/core/ingest/pdf/pdf-title";
import { HyphenVocabulary } from "../../src/core/ingest/pdf/paragraphs";
import { toTextRuns } from "../../src/core/ingest/pdf/text-runs";

const item = (str: string, hasEOL = false): PdfTextItem => ({ str, transform: [10, 0, 0, 10, 72, 700], width: str.length * 5, height: 10, hasEOL });

describe("selection indexes count text items the way the viewer's text layer does", () => {
  const items: Array<PdfTextItem | PdfTextMarkedContent> = [
    { type: "beginMarkedContentProps", id: "p1_mc0", tag: "P" },
    item("Hello "),
    item("", true),
    { type: "endMarkedContent" },
    item("world of PDFs"),
  ];

  it("skips marked content and counts empty items", () => {
    expect(selectionText(items, [0, 0, 2, 5])).toBe("Hello \nworld");
    expect(selectionText(items, [2, 6, 2, 8])).toBe("of");
    expect(toTextRuns(items).map((r) => [r.index, r.str])).toEqual([[0, "Hello "], [2, "world of PDFs"]]);
  });
});

describe("page numbers", () => {
  it.each(["12", "Page 3", "page 3 of 10", "3 / 10", "– 7 –", "xiv"])("recognises %s", (t) => expect(looksLikePageNumber(t)).toBe(true));
  it.each(["Table 3", "3 Results", "Figure 2: errors"])("does not take %s for one", (t) => expect(looksLikePageNumber(t)).toBe(false));
});

describe("metadata titles", () => {
  it.each(["Microsoft Word - thesis_final.docx", "untitled", "paper.pdf", "C:\\\\tmp\\\\x.tex", "", "ab"])("rejects %j", (t) =>
    expect(metadataTitle({ Title: t }, "paper")).toBeNull());
  it("accepts a real title", () => expect(metadataTitle({ Title: "  Deep Residual  Learning " }, "x")).toBe("Deep Residual Learning"));
});

describe("hyphenation vocabulary", () => {
  it("keeps the hyphen of compounds the document writes with one", () => {
    const v = new HyphenVocabulary();
    v.add("a small mini-batch helps; see the state-of-the-art example");
    expect(v.keepsHyphen("mini", "batch")).toBe(true);
    expect(v.keepsHyphen("exam", "ple")).toBe(false);
  });
  it("joins when the document also writes the word solid", () => {
    const v = new HyphenVocabulary();
    v.add("mini-batch and minibatch");
    expect(v.keepsHyphen("mini", "batch")).toBe(false);
  });
});
