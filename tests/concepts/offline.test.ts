// Without a model: key phrases weighed against the rest of the vault, and the source's own sentences
// quoted with their citations, plainly labelled as extracts.
import { beforeAll, describe, expect, it } from "vitest";
import { loadNodePdfJs } from "../../src/cli/pdfjs-node";
import { backgroundFromChunks, buildBackgroundStats, generateConceptNotes } from "../../src/core/concepts";
import { extractKeyphrases, mentions } from "../../src/core/concepts/keyphrases";
import { splitSentences } from "../../src/core/concepts/sentences";
import { ingestFile } from "../../src/core/ingest/ingest-file";
import type { Chunk, IngestedDocument } from "../../src/core/types";
import { makePaperPdf } from "../fixtures/pdf-fixtures";
import { bodyOf, citedPages, danglingLinks, FIXED_NOW, MemoryVault, paperDocument } from "./helpers";

const chunk = (text: string, i = 0, path = "doc.md"): Chunk => ({ id: `${path}#${i}`, path, kind: "markdown", text });

describe("key phrase extraction", () => {
  it("finds the source's recurring noun phrases, not stopwords, numbers or its reference list", () => {
    const phrases = extractKeyphrases(paperDocument().chunks, 6).map((p) => p.key);
    expect(phrases).toContain("dropout");
    expect(phrases).toContain("batch normalization");
    for (const p of phrases) {
      expect(p).not.toMatch(/^(?:the|of|and|with|we|is|this)\b|\b(?:the|of|and)$/);
      expect(p).not.toMatch(/\d/);
      expect(p).not.toMatch(/hinton|srivastava|ioffe|arxiv|proceedings/);
    }
  });

  it("keeps a defined abbreviation as an alias of its long form", () => {
    const [bn] = extractKeyphrases(paperDocument().chunks, 6).filter((p) => p.key === "batch normalization");
    expect(bn.aliases).toEqual(["BN"]);
  });

  it("prefers what is specific to the source over what the whole vault talks about", () => {
    const text = Array.from({ length: 6 }, () => "The training network uses gradient clipping. The training network is deep.").join(" ");
    const source = [chunk(text)];
    const alone = extractKeyphrases(source, 1).map((p) => p.key);
    const vault = buildBackgroundStats(Array.from({ length: 20 }, (_, i) => `Doc ${i}: a training network of some kind is described.`));
    const weighed = extractKeyphrases(source, 1, vault).map((p) => p.key);
    expect(alone).toEqual(["training network"]);
    expect(weighed).toEqual(["gradient clipping"]);
  });

  it("matches mentions as whole words, ignoring case and plural", () => {
    const [phrase] = extractKeyphrases([chunk("Hidden units matter. A hidden unit is a unit. Hidden units again and hidden units.")], 1);
    expect(phrase.key).toBe("hidden unit");
    expect(mentions("Many HIDDEN UNITS fire.", phrase)).toBe(true);
    expect(mentions("The unhidden unitary thing.", phrase)).toBe(false);
  });

  it("builds the vault background from other files only, never the source or the output folder", () => {
    const chunks = [
      chunk("gradient clipping everywhere", 0, "a.md"),
      chunk("gradient clipping here too", 0, "Concepts/Gradient clipping.md"),
      chunk("gradient clipping in the source", 0, "src.md"),
    ];
    const stats = backgroundFromChunks(chunks, { sourcePath: "src.md", outFolder: "Concepts" });
    expect(stats.docCount).toBe(1);
    expect(stats.docFreq("gradient clipping")).toBe(1);
  });
});

describe("sentence splitting", () => {
  it("does not break at abbreviations and drops timestamps", () => {
    expect(splitSentences("[00:00:04] As shown in Fig. 3, e.g. the net works. It is (et al. 2012) fine! Next one?")).toEqual([
      "As shown in Fig. 3, e.g. the net works.",
      "It is (et al. 2012) fine!",
      "Next one?",
    ]);
  });

  it("ends a sentence before a footnote that follows it in the same passage", () => {
    expect(splitSentences("It naturally performs a form of step size annealing. ∗Equal contribution. †Work done at a lab.")).toEqual([
      "It naturally performs a form of step size annealing.",
      "∗Equal contribution.",
      "†Work done at a lab.",
    ]);
  });
});

describe("offline concept notes from a generated paper", () => {
  let paper: IngestedDocument;
  beforeAll(async () => {
    paper = await ingestFile("Papers/pocketnet.pdf", (await makePaperPdf()).bytes, { pdfjs: loadNodePdfJs });
  });

  async function run(vault: MemoryVault) {
    return generateConceptNotes({ source: paper, vault, existingNotes: [], outFolder: "Concepts", now: FIXED_NOW });
  }

  it("writes labelled extracts, every sentence cited to a page the PDF has, every link resolving", async () => {
    const vault = new MemoryVault({ "Papers/pocketnet.pdf": "(pdf)" });
    const result = await run(vault);
    expect(result.plan.mode).toBe("extractive");
    expect(result.notes.length).toBeGreaterThanOrEqual(3);
    const titles = result.notes.map((n) => n.title.toLowerCase());
    expect(titles).toContain("pocketnet");
    for (const n of result.notes) {
      expect(n.action).toBe("created");
      const text = vault.files.get(n.path)!;
      expect(bodyOf(text)).toMatch(/^From: \[\[Papers\/pocketnet.pdf\]\]\n\n> \[!quote\] Extracted from the source without an LLM\n/);
      const pages = citedPages(text);
      expect(pages.length).toBeGreaterThan(0);
      expect(pages.every((p) => p >= 1 && p <= paper.pageCount!)).toBe(true);
      expect(danglingLinks(text, vault.files.keys())).toEqual([]);
      // Every quoted line ends with its citation.
      for (const line of bodyOf(text).split("\n").filter((l) => l.startsWith("- "))) {
        expect(line).toMatch(/\[\[Papers\/pocketnet\.pdf#page=\d+[^\]]*\|p\. \d+\]\][.!?]["')\]]*$/);
      }
    }
  });

  it("quotes the source verbatim (apart from links to other concepts)", async () => {
    const vault = new MemoryVault({ "Papers/pocketnet.pdf": "(pdf)" });
    const result = await run(vault);
    const sourceText = paper.chunks.map((c) => c.text).join(" ").replace(/\s+/g, " ");
    for (const n of result.notes) {
      for (const line of bodyOf(vault.files.get(n.path)!).split("\n").filter((l) => l.startsWith("- "))) {
        const quote = line
          .slice(2)
          .replace(/ \[\[Papers[^\]]*\]\]/g, "")
          .replace(/\[\[[^\]|]*\|([^\]]*)\]\]/g, "$1");
        expect(sourceText).toContain(quote.replace(/[.!?]$/, ""));
      }
    }
  });

  it("changes nothing on a second run", async () => {
    const vault = new MemoryVault({ "Papers/pocketnet.pdf": "(pdf)" });
    await run(vault);
    const before = vault.snapshot();
    const again = await run(vault);
    expect(again.notes.every((n) => n.action === "skipped" && n.reason === "unchanged")).toBe(true);
    expect(vault.snapshot()).toEqual(before);
  });
});
