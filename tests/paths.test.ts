import { describe, expect, it } from "vitest";
import { basename, dirname, extname, isInFolder, normalizeVaultPath, stem } from "../src/core/util/paths";
import { estimateTokens } from "../src/core/util/tokens";

describe("vault paths", () => {
  it("are forward-slashed and relative whatever the platform gave", () => {
    expect(normalizeVaultPath("\\Papers\\\\adam.pdf")).toBe("Papers/adam.pdf");
    expect(normalizeVaultPath("./notes/a.md/")).toBe("notes/a.md");
  });
  it("split into folder, name and extension", () => {
    expect(dirname("a/b/c.PDF")).toBe("a/b");
    expect(basename("a/b/c.PDF")).toBe("c.PDF");
    expect(extname("a/b/c.PDF")).toBe("pdf");
    expect(stem("a/b/my.paper.pdf")).toBe("my.paper");
    expect(extname(".hidden")).toBe("");
  });
  it("know folder membership without matching name prefixes", () => {
    expect(isInFolder("Papers/a.pdf", "Papers")).toBe(true);
    expect(isInFolder("PapersOld/a.pdf", "Papers")).toBe(false);
  });
});

describe("token estimate", () => {
  it("grows with the text and counts punctuation", () => {
    expect(estimateTokens("")).toBe(0);
    expect(estimateTokens("one two three")).toBeGreaterThanOrEqual(3);
    expect(estimateTokens("word ".repeat(100))).toBeGreaterThan(estimateTokens("word ".repeat(10)));
  });
});
