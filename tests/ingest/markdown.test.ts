import { describe, expect, it } from "vitest";
import { ingestMarkdown } from "../../src/core/ingest/markdown/ingest-markdown";
import { estimateTokens } from "../../src/core/util/tokens";

const note = `---
title: Residual learning, read closely
aliases: [ResNet notes, "He et al. 2015"]
tags:
  - papers/vision
  - deep-learning
---

# ResNet

Deep networks are hard to optimise: adding layers to a plain network raises training error. #degradation

## Method

### Shortcut connections

Each block learns a residual F(x) and outputs F(x) + x. Identity shortcuts add no parameters. ^shortcut-def

Projection shortcuts (1x1 convolutions) are used only when dimensions change.

\`\`\`python
def block(x):
    # a comment, not a heading
    return relu(f(x) + x)
\`\`\`

| depth | top-1 error |
|------:|------------:|
| 34    | 21.53       |
| 152   | 19.38       |

## Results

The 152-layer network won ILSVRC 2015 with 3.57 % top-5 error.
`;

describe("markdown notes", () => {
  const doc = ingestMarkdown("papers/resnet.md", note);
  const lines = note.split("\n");

  it("reads title, aliases and tags from frontmatter and inline tags from the body", () => {
    expect(doc.kind).toBe("markdown");
    expect(doc.title).toBe("Residual learning, read closely");
    expect(doc.aliases).toEqual(["ResNet notes", "He et al. 2015"]);
    expect(doc.tags).toEqual(["papers/vision", "deep-learning", "degradation"]);
    expect(doc.warnings).toBeUndefined();
  });

  it("gives every chunk its heading path and its 0-based start line", () => {
    const shortcut = doc.chunks.find((c) => c.text.startsWith("Each block learns"));
    expect(shortcut?.headings).toEqual(["ResNet", "Method", "Shortcut connections"]);
    const results = doc.chunks.find((c) => c.text.includes("3.57 %"));
    expect(results?.headings).toEqual(["ResNet", "Results"]);
    for (const c of doc.chunks) {
      const firstLine = c.text.split("\n")[0];
      expect(lines[c.line!]).toBe(firstLine);
    }
  });

  it("keeps stored text exactly as written and prefixes title and headings for the embedder", () => {
    for (const c of doc.chunks) expect(note).toContain(c.text);
    const shortcut = doc.chunks.find((c) => c.blockId === "shortcut-def")!;
    expect(shortcut.text).toBe("Each block learns a residual F(x) and outputs F(x) + x. Identity shortcuts add no parameters. ^shortcut-def");
    expect(shortcut.embedText).toBe(
      "Residual learning, read closely\nResNet > Method > Shortcut connections\n\nEach block learns a residual F(x) and outputs F(x) + x. Identity shortcuts add no parameters.",
    );
  });

  it("gives a paragraph with a block id its own chunk, so a ^link addresses exactly it", () => {
    const withId = doc.chunks.filter((c) => c.blockId !== undefined);
    expect(withId).toHaveLength(1);
    expect(withId[0].text).not.toContain("Projection shortcuts");
  });

  it("keeps code blocks and tables whole and does not read # inside code as a heading", () => {
    const code = doc.chunks.find((c) => c.text.includes("def block(x):"))!;
    expect(code.text).toContain("return relu(f(x) + x)\n```");
    expect(code.headings).toEqual(["ResNet", "Method", "Shortcut connections"]);
    const table = doc.chunks.find((c) => c.text.includes("| depth"))!;
    expect(table.text).toContain("| 152   | 19.38       |");
  });

  it("ids chunks by path and ordinal and tags them with the note title", () => {
    expect(doc.chunks.map((c) => c.id)).toEqual(doc.chunks.map((_, i) => `papers/resnet.md#${i}`));
    expect(new Set(doc.chunks.map((c) => c.title))).toEqual(new Set(["Residual learning, read closely"]));
  });
});

describe("titles", () => {
  it("falls back to the first H1, then to the file name", () => {
    expect(ingestMarkdown("a/b.md", "intro\n\n## Sub\n\n# Real title\n\ntext").title).toBe("Real title");
    expect(ingestMarkdown("notes/Attention is all you need.md", "## Only a subheading\n\ntext").title).toBe("Attention is all you need");
  });

  it("does not repeat an H1 equal to the title in the embed prefix", () => {
    const doc = ingestMarkdown("x.md", "# Dropout\n\nUnits are dropped at random.");
    expect(doc.chunks[0].embedText).toBe("Dropout\n\nUnits are dropped at random.");
  });
});

describe("frontmatter forms", () => {
  it("accepts tags and aliases as strings, and a singular tag key", () => {
    const doc = ingestMarkdown("n.md", "---\ntags: ml, optimisation  vision\naliases: Adam optimiser\ntag: [\"#extra\"]\n---\nBody.");
    expect(doc.tags).toEqual(["ml", "optimisation", "vision", "extra"]);
    expect(doc.aliases).toEqual(["Adam optimiser"]);
  });

  it("de-duplicates tags case-insensitively, keeping the first spelling", () => {
    const doc = ingestMarkdown("n.md", "---\ntags: [ML]\n---\nSee #ml and #Vision and #vision, not #2024 or `#code` or a url/#anchor.");
    expect(doc.tags).toEqual(["ML", "Vision"]);
  });

  it("reads broken YAML as body text and says so instead of failing", () => {
    const text = "---\ntitle: [unclosed\ntags: : :\n---\nThe body survives.";
    const doc = ingestMarkdown("broken.md", text);
    expect(doc.warnings?.[0]).toMatch(/^invalid frontmatter YAML/);
    expect(doc.title).toBe("broken");
    expect(doc.chunks.map((c) => c.text).join("\n")).toContain("The body survives.");
  });

  it("warns when frontmatter is not a mapping", () => {
    const doc = ingestMarkdown("list.md", "---\n- a\n- b\n---\ntext");
    expect(doc.warnings).toEqual(["frontmatter is not a key: value mapping; read as body text"]);
  });

  it("treats an unclosed opening --- as a thematic break, not frontmatter", () => {
    const doc = ingestMarkdown("hr.md", "---\ntitle: not frontmatter\n\nJust text.");
    expect(doc.warnings).toBeUndefined();
    expect(doc.chunks.map((c) => c.text).join("\n")).toContain("title: not frontmatter");
  });

  it("counts frontmatter lines in chunk.line and handles CRLF", () => {
    const doc = ingestMarkdown("crlf.md", "---\r\ntitle: T\r\n---\r\n\r\n# H\r\n\r\nFirst para.\r\n");
    expect(doc.chunks[0].line).toBe(6);
    expect(doc.chunks[0].text).toBe("First para.");
    expect(doc.chunks[0].headings).toEqual(["H"]);
  });
});

describe("headings", () => {
  it("treats 7 or more #s as text, not as a heading", () => {
    const hashes = "#".repeat(40);
    const doc = ingestMarkdown("h.md", `# Top\n\n####### seven\n\n${hashes}\n\n###### Six\n\nUnder six.`);
    const all = doc.chunks.map((c) => c.text).join("\n");
    expect(all).toContain("####### seven");
    expect(all).toContain(hashes);
    expect(doc.chunks.find((c) => c.text === "Under six.")?.headings).toEqual(["Top", "Six"]);
  });

  it("pops the heading path when a shallower heading follows", () => {
    const doc = ingestMarkdown("h.md", "# A\n## B\n### C\ntext c\n## D\ntext d\n# E\ntext e");
    expect(doc.chunks.map((c) => c.headings)).toEqual([["A", "B", "C"], ["A", "D"], ["E"]]);
  });

  it("strips closing #s from a heading", () => {
    const doc = ingestMarkdown("h.md", "## Closed ##\n\ntext");
    expect(doc.chunks[0].headings).toEqual(["Closed"]);
  });
});

describe("block ids", () => {
  it("takes an id on its own line after a list or table", () => {
    const doc = ingestMarkdown("b.md", "- one\n- two\n\n^list-id\n\n| a | b |\n|---|---|\n| 1 | 2 |\n^table-id\n");
    expect(doc.chunks.map((c) => c.blockId)).toEqual(["list-id", "table-id"]);
  });
});

describe("token budget", () => {
  const sentence = (i: number) => `Sentence number ${i} explains one more detail about batch normalisation statistics.`;
  const long = Array.from({ length: 80 }, (_, i) => sentence(i)).join(" ");

  it("splits a long paragraph at sentence ends, every piece within the budget", () => {
    const doc = ingestMarkdown("long.md", `# Long\n\n${long}\n`, { chunkTokens: 60 });
    expect(doc.chunks.length).toBeGreaterThan(5);
    for (const c of doc.chunks) {
      expect(estimateTokens(c.text)).toBeLessThanOrEqual(60);
      expect(c.text).toMatch(/^Sentence number \d+/);
      expect(c.text).toMatch(/statistics\.$/);
      expect(c.line).toBe(2);
    }
    expect(doc.chunks.map((c) => c.text).join(" ")).toBe(long);
  });

  it("packs short paragraphs of one section together but never across headings", () => {
    const doc = ingestMarkdown("p.md", "# A\n\none.\n\ntwo.\n\nthree.\n\n# B\n\nfour.");
    expect(doc.chunks.map((c) => c.text)).toEqual(["one.\n\ntwo.\n\nthree.", "four."]);
  });

  it("splits an oversized code block at line boundaries with correct start lines", () => {
    const code = ["```js", ...Array.from({ length: 200 }, (_, i) => `const value${i} = compute(${i});`), "```"].join("\n");
    const doc = ingestMarkdown("c.md", `intro\n\n${code}\n`, { chunkTokens: 50 });
    const lines = `intro\n\n${code}\n`.split("\n");
    expect(doc.chunks.length).toBeGreaterThan(3);
    for (const c of doc.chunks) {
      expect(lines[c.line!]).toBe(c.text.split("\n")[0]);
      expect(estimateTokens(c.text)).toBeLessThanOrEqual(50);
    }
  });

  it("repeats a split table's header for the embedder but not in the stored text", () => {
    const rows = Array.from({ length: 60 }, (_, i) => `| model ${i} | ${i}.5 |`).join("\n");
    const doc = ingestMarkdown("t.md", `| model | error |\n|---|---|\n${rows}\n`, { chunkTokens: 60 });
    expect(doc.chunks.length).toBeGreaterThan(1);
    const second = doc.chunks[1];
    expect(second.text.startsWith("| model")).toBe(true);
    expect(second.text).not.toContain("|---|---|");
    expect(second.embedText).toContain("| model | error |\n|---|---|\n");
  });

  it("cuts text without spaces into fixed slices rather than one huge chunk", () => {
    const blob = "A".repeat(20_000);
    const doc = ingestMarkdown("blob.md", blob, { chunkTokens: 100 });
    expect(doc.chunks.length).toBeGreaterThan(10);
    expect(doc.chunks.map((c) => c.text).join("")).toBe(blob);
    for (const c of doc.chunks) expect(estimateTokens(c.text)).toBeLessThanOrEqual(100);
  });
});

describe("embed text", () => {
  it("shows wiki-link aliases and targets without brackets", () => {
    const doc = ingestMarkdown("w.md", "# W\n\nSee [[Batch normalization|BN]] and [[Dropout#Method]] and ![[figure.png]].");
    expect(doc.chunks[0].embedText).toBe("W\n\nSee BN and Dropout Method and figure.png.");
    expect(doc.chunks[0].text).toBe("See [[Batch normalization|BN]] and [[Dropout#Method]] and ![[figure.png]].");
  });
});

describe("empty and near-empty notes", () => {
  it("yields no chunks for a note with only frontmatter or headings", () => {
    expect(ingestMarkdown("e.md", "---\ntitle: x\n---\n").chunks).toEqual([]);
    expect(ingestMarkdown("e.md", "# Only\n## Headings\n").chunks).toEqual([]);
    expect(ingestMarkdown("e.md", "   \n\n\t\n").chunks).toEqual([]);
  });
});
