// Transcripts are cited at the moment a claim is spoken, in the timestamp style the transcript uses.
import { describe, expect, it } from "vitest";
import { generateConceptNotes } from "../../src/core/concepts";
import { ingestFile } from "../../src/core/ingest/ingest-file";
import { conceptReply, danglingLinks, FIXED_NOW, MemoryVault, ScriptedLlm, TRANSCRIPT_ANCHORS, TRANSCRIPT_PREFIXES } from "./helpers";

const enc = (s: string) => new TextEncoder().encode(s);

const NEURON = [
  {
    title: "Activation",
    aliases: ["activations"],
    claims: [
      { text: "A neuron's activation is the number between zero and one it holds.", cue: "called its activation" },
      { text: "Activations of one layer determine those of the next through weights and a bias.", cue: "determine the activations" },
    ],
  },
  {
    title: "Sigmoid function",
    aliases: ["sigmoid"],
    claims: [
      { text: "The sigmoid squishes a weighted sum into the range between zero and one.", cue: "squishes" },
      { text: "Modern networks often use ReLU instead.", cue: "ReLU" },
    ],
  },
];

async function runOn(path: string, text: string, llm?: ScriptedLlm) {
  const vault = new MemoryVault({ [path]: text });
  const source = await ingestFile(path, enc(text));
  const result = await generateConceptNotes({ source, llm, vault, existingNotes: [], outFolder: "Concepts", now: FIXED_NOW });
  return { vault, source, result };
}

describe("concept notes from a transcript", () => {
  it("cites `[hh:mm:ss]` transcripts with a heading link labelled with the moment", async () => {
    const path = "Talks/What is a neural network.md";
    const { vault, source, result } = await runOn(path, TRANSCRIPT_PREFIXES, new ScriptedLlm([conceptReply(NEURON)]));
    expect(source.kind).toBe("transcript");
    expect(result.plan.timestampStyle).toBe("heading-link");
    const note = vault.files.get("Concepts/Activation.md")!;
    expect(note).toMatch(/^From: \[\[Talks\/What is a neural network\]\]$/m);
    expect(note).toMatch(/weights and a bias \[\[Talks\/What is a neural network#What is a neural network\|00:0[01]:\d\d\]\]\./);
    expect(note).not.toContain("videoId");
    expect(danglingLinks(note, vault.files.keys())).toEqual([]);
  });

  it("writes yt-timestamp anchors, and the videoId they play, when the transcript uses anchors", async () => {
    const path = "Talks/nn-anchored.md";
    const spec = [
      {
        title: "Neuron",
        claims: [
          { text: "A neuron holds a number between zero and one.", cue: "holds a number" },
          { text: "Networks are organised in layers.", cue: "organised in layers" },
        ],
      },
    ];
    const { vault, result } = await runOn(path, TRANSCRIPT_ANCHORS, new ScriptedLlm([conceptReply(spec)]));
    expect(result.plan.timestampStyle).toBe("yt-anchor");
    const note = vault.files.get("Concepts/Neuron.md")!;
    expect(note).toMatch(/^videoId: aircAruvnKk$/m);
    expect(note).toContain('A neuron holds a number between zero and one <a class="yt-timestamp" data-t="00:00:04">[00:00:04]</a>.');
    expect(note).toMatch(/Networks are organised in layers <a class="yt-timestamp" data-t="00:0[01]:\d\d">\[00:0[01]:\d\d\]<\/a>\./);
  });

  it("writes YouTube links at the second when the transcript links its timestamps to YouTube", async () => {
    const path = "Talks/nn-linked.md";
    const text = `# Talk\n\n[00:04](https://www.youtube.com/watch?v=aircAruvnKk&t=4) A neuron is a thing that holds a number between zero and one.\n\n[01:30](https://www.youtube.com/watch?v=aircAruvnKk&t=90) The network is organised in layers of neurons.\n`;
    const spec = [{ title: "Neuron", claims: [{ text: "A neuron holds a number.", cue: "holds a number" }, { text: "Layers organise the network.", cue: "organised in layers" }] }];
    const { vault, result } = await runOn(path, text, new ScriptedLlm([conceptReply(spec)]));
    expect(result.plan.timestampStyle).toBe("youtube-link");
    const note = vault.files.get("Concepts/Neuron.md")!;
    expect(note).toContain("A neuron holds a number [00:00:04](https://www.youtube.com/watch?v=aircAruvnKk&t=4).");
    expect(note).toContain("Layers organise the network [00:01:30](https://www.youtube.com/watch?v=aircAruvnKk&t=90).");
  });

  it("offline, quotes the transcript's sentences cited at the paragraph each is spoken in", async () => {
    const path = "Talks/What is a neural network.md";
    const { vault, result } = await runOn(path, TRANSCRIPT_PREFIXES);
    expect(result.plan.mode).toBe("extractive");
    expect(result.notes.length).toBeGreaterThan(0);
    const all = [...vault.files.entries()].filter(([p]) => p.startsWith("Concepts/"));
    // Mentions of other concepts are linked inside the quotes; read the quotes without those links.
    const text = all.map(([, t]) => t.replace(/\[\[Concepts\/[^\]|]*\|([^\]]*)\]\]/g, "$1")).join("\n");
    expect(text).toContain("> [!quote] Extracted from the source without an LLM");
    // The ReLU sentence is in the paragraph marked 00:03:10, not at its chunk's first mark.
    expect(text).toMatch(/Modern networks often use the ReLU activation instead of the sigmoid function \[\[[^\]]*\|00:03:10\]\]\./);
    expect(text).not.toMatch(/\[00:0\d:\d\d\] /);
    for (const [, t] of all) expect(danglingLinks(t, vault.files.keys())).toEqual([]);
  });
});
