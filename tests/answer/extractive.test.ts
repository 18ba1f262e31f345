import { describe, expect, it } from "vitest";
import type { Chunk, Passage } from "../../src/core/types";
import { extractAnswer, extractiveText, isAnswerSentence } from "../../src/core/answer/extractive";
import { splitSentences } from "../../src/core/answer/sentences";
import { passagesOf } from "./fixtures";

function pdfPassage(page: number, text: string, rank: number): Passage {
  const chunk: Chunk = { id: `p.pdf#${page}`, path: "p.pdf", kind: "pdf", title: "P", page, text };
  return { chunk, score: 1 / rank, rank };
}

describe("offline extractive answers", () => {
  it("picks the sentences that answer, from the best passages, in reading order", () => {
    const r = extractAnswer("What learning rate and weight decay were used?", passagesOf("papers/lindqvist2021_sparse_gating.pdf#4", "papers/lindqvist2021_sparse_gating.pdf#7"));
    expect(r.sentences[0].text).toBe("We used the AdamW optimizer with a learning rate of 0.001, a weight decay of 0.05 and a batch size of 1024.");
    expect(r.sentences.length).toBeGreaterThanOrEqual(2);
    expect(r.sentences.length).toBeLessThanOrEqual(5);
  });

  it("skips reference-list entries, captions fragments and short fragments", () => {
    const r = extractAnswer("sparsely-gated mixture-of-experts layer outrageously large networks", passagesOf("papers/lindqvist2021_sparse_gating.pdf#11"));
    expect(r.sentences).toEqual([]);
    expect(isAnswerSentence("Figure 3: Top-1 accuracy.")).toBe(false);
    expect(isAnswerSentence("[2] N. Shazeer, A. Mirhoseini, and K. Maziarz. Outrageous networks. arXiv preprint, 2017.")).toBe(false);
    expect(isAnswerSentence("0.1 0.2 0.3 0.4 0.5 0.6 0.7 0.8 76.1 77.3 78.0 80.2")).toBe(false);
  });

  it("does not repeat itself when passages overlap", () => {
    const s = "The dropout rate for hidden units was set to 0.5 in all fully connected layers of the network.";
    const r = extractAnswer("What dropout rate was used for hidden units?", [
      pdfPassage(3, `${s} Other text about something unrelated follows here for a while.`, 1),
      pdfPassage(4, `As stated before, ${s.toLowerCase()}`, 2),
      pdfPassage(5, "Hidden units in the convolutional layers used no dropout at all, as the rate there was found harmful.", 3),
    ]);
    const texts = r.sentences.map((x) => x.text);
    expect(texts.filter((t) => t.includes("was set to 0.5"))).toHaveLength(1);
    expect(texts.some((t) => t.includes("convolutional layers used no dropout"))).toBe(true);
  });

  it("says a statement repeated on two pages once and cites both pages", () => {
    const r = extractAnswer("What weight decay and momentum were used to train the ImageNet models?", [
      pdfPassage(7, "For the small-image experiments we use a weight decay of 0.0001 and momentum of 0.9, and no dropout at all.", 1),
      pdfPassage(4, "Our implementation for ImageNet follows common practice. We use a weight decay of 0.0001 and a momentum of 0.9 for all models.", 2),
    ]);
    const decay = r.sentences.filter((x) => x.text.includes("weight decay of 0.0001"));
    expect(decay).toHaveLength(1);
    const cited = [decay[0].passage, ...(decay[0].alsoIn ?? [])].sort();
    expect(cited).toEqual([0, 1]);
    expect(extractiveText({ sentences: decay }, (i) => `S${i + 1}`)).toMatch(/\[S\d, S\d\]\.?$/);
  });

  it("never cites a page for a statement that differs there only in a number", () => {
    const r = extractAnswer("What are good default settings for the learning rate and the decay rates?", [
      pdfPassage(2, "Good default settings for the tested machine learning problems are α = 0.001, β1 = 0.9 and β2 = 0.999.", 1),
      pdfPassage(9, "Good default settings for the tested machine learning problems are α = 0.002, β1 = 0.9 and β2 = 0.999.", 2),
    ]);
    const first = r.sentences.find((x) => x.text.includes("α = 0.001"));
    expect(first).toBeDefined();
    expect(first!.alsoIn ?? []).not.toContain(1);
  });

  it("still merges a restatement whose only extra numbers are reference markers", () => {
    const r = extractAnswer("What weight decay and momentum were used?", [
      pdfPassage(4, "We use a weight decay of 0.0001 and a momentum of 0.9 for every model we train.", 1),
      pdfPassage(7, "We use a weight decay of 0.0001 and momentum of 0.9 for every model, and adopt the initialization in [13] and BN [16].", 2),
    ]);
    const decay = r.sentences.filter((x) => x.text.includes("weight decay of 0.0001"));
    expect(decay).toHaveLength(1);
    expect([decay[0].passage, ...(decay[0].alsoIn ?? [])].sort()).toEqual([0, 1]);
  });

  it("keeps merely similar sentences of other passages out of the citation", () => {
    const r = extractAnswer("What dropout rate was used for hidden units?", [
      pdfPassage(3, "The dropout rate for hidden units was set to 0.5 in all fully connected layers of the network.", 1),
      pdfPassage(9, "The dropout rate for input units was set to 0.2 in every experiment on the speech data sets.", 2),
    ]);
    for (const s of r.sentences) expect(s.alsoIn).toBeUndefined();
  });

  it("finds nothing for a question the passages do not touch", () => {
    expect(extractAnswer("Who composed the Brandenburg concertos?", passagesOf("papers/lindqvist2021_sparse_gating.pdf#4")).sentences).toEqual([]);
  });
});

describe("sentence splitting of paper text", () => {
  it("does not split at abbreviations, initials or decimals", () => {
    const text = "As shown by Krizhevsky et al. in Fig. 3, the rate was 0.75 (see Sec. 4.2). A. Smith disagreed. The end!";
    expect(splitSentences(text).map((s) => s.text)).toEqual(["As shown by Krizhevsky et al. in Fig. 3, the rate was 0.75 (see Sec. 4.2).", "A. Smith disagreed.", "The end!"]);
  });
});
