import { describe, expect, it } from "vitest";
import type { Chunk, Passage } from "../../src/core/types";
import { extractAnswer, isAnswerSentence } from "../../src/core/answer/extractive";
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
