import { describe, expect, it } from "vitest";
import type { Chunk } from "../../src/core/types";
import { createLinkBuilder, formatHms, safeAlias, safeHeading, videoUrlAt, type LinkTarget } from "../../src/core/answer/links";
import { byId } from "./fixtures";

const links = createLinkBuilder();

describe("links to the places passages come from", () => {
  it("PDF with a selection: page and selection in the subpath, title and page as alias", () => {
    expect(links.forChunk(byId("papers/lindqvist2021_sparse_gating.pdf#4")).link).toBe(
      "[[papers/lindqvist2021_sparse_gating.pdf#page=5&selection=3,0,41,17|Sparse Gating for Efficient Vision Transformers, p. 5]]",
    );
  });

  it("PDF without a selection links the page alone", () => {
    expect(links.forChunk(byId("papers/lindqvist2021_sparse_gating.pdf#11")).link).toBe(
      "[[papers/lindqvist2021_sparse_gating.pdf#page=11|Sparse Gating for Efficient Vision Transformers, p. 11]]",
    );
  });

  it("note: deepest heading as subpath, without .md, with title › heading as alias", () => {
    expect(links.forChunk(byId("notes/Reading log.md#2")).link).toBe("[[notes/Reading log#Gating routing vs. pruning|Reading log › Gating: routing vs. pruning]]");
  });

  it("note with a block id links the block", () => {
    const chunk: Chunk = { ...byId("notes/Reading log.md#2"), blockId: "routing-1" };
    expect(links.forChunk(chunk).link).toBe("[[notes/Reading log#^routing-1|Reading log › Gating: routing vs. pruning]]");
  });

  it("transcript: heading link with the time as alias, plus the video at that second", () => {
    const l = links.forChunk(byId("lectures/Attention explained.md#3"));
    expect(l.link).toBe("[[lectures/Attention explained#Attention explained Lecture 4|00:12:34]]");
    expect(l.videoUrl).toBe("https://www.youtube.com/watch?v=abcdefghijk&t=754");
    expect(l.videoLink).toBe("[00:12:34 ▶](https://www.youtube.com/watch?v=abcdefghijk&t=754)");
  });

  it("escapes what would break a wiki-link in aliases and headings", () => {
    expect(safeAlias("A | B [draft]]")).toBe("A – B (draft))");
    expect(safeHeading("Results: #1 | part ^2 [x]")).toBe("Results 1 part 2 x");
    const chunk: Chunk = { id: "n#0", path: "n.md", kind: "markdown", text: "t", title: "Q&A | Week [3]", headings: ["C# vs. F#: tips ^"] };
    const link = links.forChunk(chunk).link;
    expect(link).toBe("[[n#C vs. F tips|Q&A – Week (3) › C# vs. F#: tips ^]]");
    // Exactly one alias separator and one closing pair.
    expect(link.match(/\|/g)).toHaveLength(1);
    expect(link.match(/\]\]/g)).toHaveLength(1);
  });

  it("falls back to a markdown link for file names a wiki-link cannot hold", () => {
    const chunk: Chunk = { id: "p#0", path: "papers/draft [v2] #3.pdf", kind: "pdf", text: "t", page: 2 };
    expect(links.forChunk(chunk).link).toBe("[draft (v2) #3, p. 2](papers/draft%20%5Bv2%5D%20%233.pdf#page=2)");
  });

  it("uses the file name when there is no title", () => {
    const chunk: Chunk = { id: "p#0", path: "inbox/scan_0042.pdf", kind: "pdf", text: "t", page: 1 };
    expect(links.forChunk(chunk).link).toBe("[[inbox/scan_0042.pdf#page=1|scan_0042, p. 1]]");
  });

  it("lets the plugin render every link its own way (generateMarkdownLink)", () => {
    const seen: LinkTarget[] = [];
    const custom = createLinkBuilder((t) => {
      seen.push(t);
      return `[${t.alias ?? ""}](${encodeURI(t.path)}${t.subpath ?? ""})`;
    });
    expect(custom.forChunk(byId("papers/lindqvist2021_sparse_gating.pdf#4")).link).toBe(
      "[Sparse Gating for Efficient Vision Transformers, p. 5](papers/lindqvist2021_sparse_gating.pdf#page=5&selection=3,0,41,17)",
    );
    expect(custom.withAlias(byId("notes/Reading log.md#2"), "2")).toBe("[2](notes/Reading%20log.md#Gating routing vs. pruning)");
    expect(seen[1]).toEqual({ path: "notes/Reading log.md", subpath: "#Gating routing vs. pruning", alias: "2" });
  });

  it("formats times and video URLs", () => {
    expect(formatHms(0)).toBe("00:00:00");
    expect(formatHms(3725.9)).toBe("01:02:05");
    expect(videoUrlAt("https://youtu.be/abcdefghijk", 90)).toBe("https://www.youtube.com/watch?v=abcdefghijk&t=90");
    expect(videoUrlAt("https://www.youtube.com/watch?v=abcdefghijk&t=5", 90)).toBe("https://www.youtube.com/watch?v=abcdefghijk&t=90");
    expect(videoUrlAt("abcdefghijk", 61)).toBe("https://www.youtube.com/watch?v=abcdefghijk&t=61");
    expect(videoUrlAt("https://vimeo.com/12345", 61)).toBe("https://vimeo.com/12345#t=61s");
    expect(videoUrlAt("https://example.org/talk.mp4", 61)).toBe("https://example.org/talk.mp4#t=61");
  });
});
