import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ingestMarkdown } from "../../src/core/ingest/markdown/ingest-markdown";
import { estimateTokens } from "../../src/core/util/tokens";

describe("notes with unusual text", () => {
  const oddities: Array<[string, string]> = [
    ["right-to-left override", "# Title \u202Egnp.exe\u202C\n\nText with \u202Ereversed\u202C words and \u200F marks."],
    ["combining marks", "# Zalgo\n\nZ\u0351\u0352\u0353a\u0354\u0355l\u0356\u0357g\u0358o text with e\u0301 and n\u0303."],
    ["emoji and ZWJ sequences", "# 🧠 Notes\n\nFamily 👨‍👩‍👧‍👦 and flags 🇯🇵. Skin tones 👋🏽! #🔥tag and #émoji"],
    ["NUL and control characters", "# Nul\n\nBefore\u0000after\u0001\u0002 and a bell \u0007."],
    ["lone surrogates", "# S\n\nBroken \uD800 pair \uDC00 here."],
    ["CJK without spaces", `# 中文\n\n${"深度学习是机器学习的一个分支。".repeat(200)}`],
    ["mixed line endings", "# A\r\nline one\rline two\nline three\r\n\r\n## B\r\ntext"],
  ];

  for (const [name, text] of oddities) {
    it(`indexes a note with ${name} without crashing`, () => {
      const doc = ingestMarkdown(`odd/${name}.md`, text, { chunkTokens: 40 });
      expect(doc.chunks.length).toBeGreaterThan(0);
      for (const c of doc.chunks) {
        expect(text).toContain(c.text);
        expect(c.text.trim()).not.toBe("");
      }
    });
  }

  it("splits long text with no sentence punctuation (CJK) into pieces within budget", () => {
    const doc = ingestMarkdown("cjk.md", "深度学习".repeat(3000), { chunkTokens: 50 });
    for (const c of doc.chunks) expect(estimateTokens(c.text)).toBeLessThanOrEqual(50);
  });

  it("never throws, and every chunk is a non-empty slice of the note within budget (property)", () => {
    const piece = fc.oneof(
      fc.constantFrom("# ", "## ", "####### ", "```\n", "~~~\n", "| a | b |\n|---|---|\n", "- ", "> ", "^id", " ^blk-1", "---\n", "\n", "\n\n", "#tag ", ". ", "! "),
      fc.string({ unit: "grapheme", maxLength: 30 }),
      fc.string({ maxLength: 30 }),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 60 }), fc.integer({ min: 8, max: 120 }), (parts, budget) => {
        const text = parts.join("");
        const doc = ingestMarkdown("prop.md", text, { chunkTokens: budget });
        for (const c of doc.chunks) {
          expect(text).toContain(c.text);
          expect(c.text.trim()).not.toBe("");
          expect(estimateTokens(c.text)).toBeLessThanOrEqual(budget);
          expect(c.line).toBeGreaterThanOrEqual(0);
        }
      }),
      { numRuns: 300 },
    );
  });
});
