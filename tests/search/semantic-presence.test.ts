import { describe, expect, it } from "vitest";
import { nearNeighbours, passageVocabulary, WordVectorCache } from "../../src/core/search/semantic-presence";
import { FakeEmbedder } from "./helpers/fake-embedder";

// Wide enough that unrelated words never share a hashed dimension.
async function wideEmbedder(): Promise<FakeEmbedder> {
  const e = new FakeEmbedder("fake-concepts-4096", { size: 4096 });
  await e.init();
  return e;
}

describe("synonyms through the embedding model", () => {
  it("matches a missing term to a passage word in the same place of the embedding space", async () => {
    const near = await nearNeighbours(await wideEmbedder(), ["feline", "sourdough"], ["street", "kitten", "hours"]);
    expect(near.get("feline")?.word).toBe("kitten");
    expect(near.get("feline")?.cosine).toBeGreaterThan(0.99);
    expect(near.has("sourdough")).toBe(false);
  });

  it("adds nothing when the embedder fails, so the search still runs", async () => {
    const broken = { embedDocuments: () => Promise.reject(new Error("model crashed")) };
    const near = await nearNeighbours(broken, ["feline"], ["kitten"]);
    expect(near.size).toBe(0);
  });

  it("embeds each word once across queries", async () => {
    const embedder = await wideEmbedder();
    const seen: string[] = [];
    const counting = { embedDocuments: (texts: string[]) => (seen.push(...texts), embedder.embedDocuments(texts)) };
    const cache = new WordVectorCache();
    await nearNeighbours(counting, ["feline"], ["kitten", "street"], undefined, undefined, cache);
    await nearNeighbours(counting, ["feline"], ["kitten", "hours"], undefined, undefined, cache);
    expect(seen.sort()).toEqual(["feline", "hours", "kitten", "street"]);
  });

  it("takes the passages' content words, most frequent first, without stopwords or numbers", () => {
    expect(passageVocabulary(["The kitten sleeps 16 hours; the kitten purrs.", "A kitten naps"])).toEqual(["kitten", "sleeps", "hours", "purrs", "naps"]);
  });
});
