import { describe, expect, it } from "vitest";
import { createLinkBuilder } from "../../src/core/answer/links";
import { citation, detectTimestampStyle, detectVideoId, fileLink } from "../../src/core/concepts/citations";
import { checkOutFolder, MAX_NAME_LENGTH, notePathIn, PathAllocator, sanitizeFileStem } from "../../src/core/concepts/file-names";
import { MentionLinker } from "../../src/core/concepts/linker";
import type { Chunk } from "../../src/core/types";

describe("file names from titles", () => {
  it("remove path and reserved characters, control characters, dot runs and leading dots", () => {
    expect(sanitizeFileStem("../../etc/passwd")).toBe("etc passwd");
    expect(sanitizeFileStem('A/B\\C: D* E? "F" <G> |H| #I ^J [K]')).toBe("A B C D E F G H I J K");
    expect(sanitizeFileStem("Tab\there\u0000\u001f\u007f")).toBe("Tab here");
    expect(sanitizeFileStem(".hidden")).toBe("hidden");
    expect(sanitizeFileStem("ends with dots...")).toBe("ends with dots");
    expect(sanitizeFileStem("..")).toBe("Untitled concept");
    expect(sanitizeFileStem("   ")).toBe("Untitled concept");
    expect(sanitizeFileStem("nul")).toBe("nul (concept)");
    expect(sanitizeFileStem("Café au lait")).toBe("Café au lait");
  });

  it("are bounded, cutting at a word where one is near", () => {
    const long = sanitizeFileStem("word ".repeat(60));
    expect(long.length).toBeLessThanOrEqual(MAX_NAME_LENGTH);
    expect(long.endsWith("word")).toBe(true);
    expect(sanitizeFileStem("x".repeat(500)).length).toBe(MAX_NAME_LENGTH);
  });

  it("are unique case-insensitively and reuse the spelling of a file that exists", () => {
    const alloc = new PathAllocator("Concepts", ["Concepts/dropout.md", "Concepts/Adam 2.md"], ["Concepts/Source.md"]);
    expect(alloc.allocate("Dropout")).toBe("Concepts/dropout.md");
    expect(alloc.allocate("DROPOUT")).toBe("Concepts/DROPOUT 2.md");
    expect(alloc.allocate("A:B")).toBe("Concepts/A B.md");
    expect(alloc.allocate("A/B")).toBe("Concepts/A B 2.md");
    expect(alloc.allocate("source")).toBe("Concepts/source 2.md");
  });

  it("stay in the chosen folder, which itself must stay in the vault", () => {
    expect(checkOutFolder("Concepts/ML/")).toBe("Concepts/ML");
    expect(checkOutFolder("")).toBe("");
    expect(() => checkOutFolder("a/../../b")).toThrow(/inside the vault/);
    expect(() => checkOutFolder("C:\\Users")).toThrow(/not an absolute path/);
    expect(() => notePathIn("Concepts", "../x")).toThrow(/not inside/);
    expect(notePathIn("", "Top")).toBe("Top.md");
  });
});

describe("mention links", () => {
  const render = (p: string, asWritten: string) => fileLink(createLinkBuilder(), p, asWritten);
  const linker = new MentionLinker(
    [
      { path: "Concepts/Batch normalization.md", terms: ["Batch normalization", "BN"] },
      { path: "Concepts/Normalization.md", terms: ["Normalization"] },
      { path: "Notes/Neural network.md", terms: ["neural network", "NN"] },
      { path: "Notes/Io.md", terms: ["io"] },
    ],
    render,
  );

  it("link the longest title or alias, as written, once per section, never the note itself", () => {
    const used = new Set<string>();
    expect(linker.linkify("Batch Normalization helps; batch normalization again.", "x.md", used)).toBe(
      "[[Concepts/Batch normalization|Batch Normalization]] helps; batch normalization again.",
    );
    expect(linker.linkify("Normalization alone.", "Concepts/Normalization.md", new Set())).toBe("Normalization alone.");
  });

  it("match whole words only, plurals included, and short abbreviations only in capitals", () => {
    expect(linker.linkify("Deep neural networks win.", "x.md", new Set())).toBe("Deep [[Notes/Neural network|neural networks]] win.");
    expect(linker.linkify("Renormalization is not normalizationally linked.", "x.md", new Set())).toBe("Renormalization is not normalizationally linked.");
    expect(linker.linkify("The bn layer and the BN layer.", "x.md", new Set())).toBe("The bn layer and the [[Concepts/Batch normalization|BN]] layer.");
    // Terms shorter than three letters that are not abbreviations are never linked.
    expect(linker.linkify("io bound", "x.md", new Set())).toBe("io bound");
  });

  it("leave code and existing links alone", () => {
    expect(linker.linkify("`batch normalization` and [[Other|normalization]]", "x.md", new Set())).toBe("`batch normalization` and [[Other|normalization]]");
  });
});

describe("citations", () => {
  const links = createLinkBuilder();
  const pdf: Chunk = { id: "p#0", path: "Papers/a b.pdf", kind: "pdf", text: "x", page: 7 };
  const talk: Chunk = { id: "t#0", path: "Talks/nn.md", kind: "transcript", text: "x", start: 205, headings: ["Part 1: Intro"], video: "https://youtu.be/aircAruvnKk" };
  const note: Chunk = { id: "n#0", path: "Notes/x.md", kind: "markdown", text: "x", headings: ["Methods"], title: "X" };

  it("name the page of a PDF", () => {
    expect(citation(links, pdf, "heading-link")).toBe("[[Papers/a b.pdf#page=7|p. 7]]");
  });
  it("give the moment of a transcript in the style asked for", () => {
    expect(citation(links, talk, "yt-anchor")).toBe('<a class="yt-timestamp" data-t="00:03:25">[00:03:25]</a>');
    expect(citation(links, talk, "youtube-link")).toBe("[00:03:25](https://www.youtube.com/watch?v=aircAruvnKk&t=205)");
    expect(citation(links, talk, "heading-link")).toBe("[[Talks/nn#Part 1 Intro|00:03:25]]");
  });
  it("name the heading of a note", () => {
    expect(citation(links, note, "heading-link")).toBe("[[Notes/x#Methods|X › Methods]]");
  });
  it("follow the transcript's own timestamp style", () => {
    expect(detectTimestampStyle('x <a class="yt-timestamp" data-t="00:01:02">[00:01:02]</a>')).toBe("yt-anchor");
    expect(detectTimestampStyle("[01:02](https://www.youtube.com/watch?v=aircAruvnKk&t=62) x")).toBe("youtube-link");
    expect(detectTimestampStyle("[00:01:02] x")).toBe("heading-link");
    expect(detectVideoId("---\nvideoId: aircAruvnKk\n---\n", [])).toBe("aircAruvnKk");
    expect(detectVideoId("no frontmatter", [talk])).toBe("aircAruvnKk");
  });
});
