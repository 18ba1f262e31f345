import { describe, expect, it } from "vitest";
import { acronymIn, contentTerms, keywordQuery, queryTerms, stem, stemSet, termIn, wordTokens } from "../../src/core/search/query-terms";

describe("query preprocessing", () => {
  it("keeps what a question is about and drops question words and stopwords", () => {
    expect(contentTerms("How long did AlexNet take to train, and on what hardware?")).toEqual(["long", "alexnet", "take", "train", "hardware"]);
    expect(keywordQuery("What is the global minimum of the virtual training criterion C(G)?")).toBe("global minimum virtual training criterion");
  });

  it("keeps numbers, versions and hyphenated names whole", () => {
    expect(contentTerms("How much did ResNet-101 improve over VGG-16 in Table 2?")).toEqual(["resnet-101", "improve", "vgg-16", "table", "2"]);
    expect(wordTokens("k = 2, alpha = 0.75.")).toEqual(["k", "2", "alpha", "0.75"]);
  });

  it("falls back to the whole query when nothing specific is left", () => {
    expect(keywordQuery("  what is this?  ")).toBe("what is this?");
  });

  it("does not repeat a term in another word form", () => {
    expect(contentTerms("training trained trains")).toEqual(["training"]);
  });

  it("marks names, acronyms and numbers but not a capital at the start of a sentence", () => {
    const terms = queryTerms("Which learning rate did the Transformer paper use? Dropout in GPT-3 and AlexNet's 2 GPUs");
    const named = Object.fromEntries(terms.map((t) => [t.term, t.named]));
    expect(named).toMatchObject({ learning: false, rate: false, transformer: true, dropout: false, "gpt-3": true, alexnet: true, "2": true, gpus: true });
  });
});

describe("term matching", () => {
  it("matches word forms without conflating different words", () => {
    expect(stem("training")).toBe(stem("trains"));
    expect(stem("normalization")).toBe(stem("normalized"));
    expect(stem("images")).toBe(stem("image"));
    expect(stem("transformer")).not.toBe(stem("transformation"));
  });

  it("finds hyphenated terms whole or by all their parts", () => {
    const set = stemSet("We compare ResNet-101 with a GPT model trained on 3 GPUs.");
    expect(termIn("resnet", set)).toBe(true);
    expect(termIn("resnet-101", set)).toBe(true);
    expect(termIn("gpt-4", set)).toBe(false);
  });

  it("recognizes an acronym spelled out by consecutive initials", () => {
    expect(acronymIn("GAN", wordTokens("we train a generative adversarial network on MNIST"))).toBe(true);
    expect(acronymIn("GAN", wordTokens("generative models and adversarial examples"))).toBe(false);
  });
});
