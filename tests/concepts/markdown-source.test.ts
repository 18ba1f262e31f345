// Concept notes from an ordinary note: claims cite the heading they come from, and the source's own
// links (which may point nowhere) never reach the generated notes as links.
import { describe, expect, it } from "vitest";
import { existingNotesFrom, generateConceptNotes } from "../../src/core/concepts";
import { ingestFile } from "../../src/core/ingest/ingest-file";
import { conceptReply, danglingLinks, MemoryVault, ScriptedLlm } from "./helpers";

const PATH = "Notes/Optimizers.md";
const NOTE = `---
title: Optimizers
aliases: [optimisers]
---

# Optimizers

## Momentum
Momentum accumulates an exponentially decaying average of past gradients, see [[Ghost note]]. Momentum speeds up stochastic gradient descent in directions of consistent gradient. ![[plot.png]]

## Adaptive methods
Adaptive methods such as [[Adam|the Adam optimizer]] scale each parameter's step by a running estimate of the gradient's magnitude. Adaptive methods often converge faster than stochastic gradient descent on sparse problems. Stochastic gradient descent with momentum is still a strong baseline for image classification.
`;

async function setup() {
  const vault = new MemoryVault({ [PATH]: NOTE, "Notes/SGD.md": "# SGD\n" });
  const source = await ingestFile(PATH, new TextEncoder().encode(NOTE));
  return { vault, source };
}

describe("concept notes from a markdown note", () => {
  it("cites the heading each claim comes from", async () => {
    const { vault, source } = await setup();
    const llm = new ScriptedLlm([
      conceptReply([
        {
          title: "Momentum",
          claims: [
            { text: "Momentum averages past gradients with exponential decay.", cue: "exponentially decaying" },
            { text: "It is a strong baseline together with stochastic gradient descent.", cue: "strong baseline" },
          ],
        },
      ]),
    ]);
    const result = await generateConceptNotes({
      source,
      llm,
      vault,
      existingNotes: existingNotesFrom([{ path: "Notes/SGD.md", title: "SGD", aliases: ["stochastic gradient descent"] }, source]),
      outFolder: "Concepts",
      now: new Date("2026-05-05T00:00:00Z"),
    });
    const note = vault.files.get(result.notes[0].path)!;
    expect(note).toContain("generated: 2026-05-05T00:00:00.000Z");
    expect(note).toContain("with exponential decay [[Notes/Optimizers#Momentum|Optimizers › Momentum]].");
    expect(note).toContain("together with [[Notes/SGD|stochastic gradient descent]] [[Notes/Optimizers#Adaptive methods|Optimizers › Adaptive methods]].");
    expect(danglingLinks(note, vault.files.keys())).toEqual([]);
  });

  it("offline, quotes sentences without the source's links or embeds, grouped under their headings", async () => {
    const { vault, source } = await setup();
    const result = await generateConceptNotes({ source, vault, existingNotes: [], outFolder: "Concepts", now: new Date("2026-05-05T00:00:00Z") });
    const texts = result.notes.map((n) => vault.files.get(n.path)!);
    const all = texts.join("\n");
    expect(all).toContain("> [!quote] Extracted from the source without an LLM");
    expect(all).not.toContain("Ghost note]]");
    expect(all).not.toContain("plot.png");
    expect(all).toMatch(/## (Momentum|Adaptive methods)/);
    expect(all).toMatch(/\[\[Notes\/Optimizers#(Momentum|Adaptive methods)\|Optimizers › (Momentum|Adaptive methods)\]\]/);
    for (const t of texts) expect(danglingLinks(t, vault.files.keys())).toEqual([]);
  });
});
