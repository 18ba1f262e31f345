// Model2Vec (potion) graphs take EmbeddingBag inputs — one flat id list plus per-text offsets — and
// output pooled vectors. No such model can be downloaded here, so a stand-in library plays the
// graph; the test checks what the embedder sends and how it reads the answer.
import { describe, expect, it } from "vitest";
import { TransformersEmbedder } from "../../src/core/embed/transformers-embedder";

class FakeTensor {
  constructor(
    readonly type: string,
    readonly data: BigInt64Array | Float32Array,
    readonly dims: number[],
  ) {}
}

function fakeLibrary(calls: { ids: number[]; offsets: number[] }[]) {
  // Token ids are character codes; the "bag" vector of a text is [mean id, count].
  const tokenizer = (texts: string[], options: Record<string, unknown>) => {
    expect(options).toMatchObject({ add_special_tokens: false, return_tensor: false });
    return { input_ids: texts.map((t) => Array.from(t.trim(), (c) => c.charCodeAt(0))) };
  };
  const model = Object.assign(
    async (inputs: { input_ids: FakeTensor; offsets: FakeTensor }) => {
      const ids = Array.from(inputs.input_ids.data as BigInt64Array, Number);
      const offsets = Array.from(inputs.offsets.data as BigInt64Array, Number);
      calls.push({ ids, offsets });
      const out = new Float32Array(offsets.length * 2);
      offsets.forEach((start, b) => {
        const end = offsets[b + 1] ?? ids.length;
        const bag = ids.slice(start, end);
        out[b * 2] = bag.length ? bag.reduce((s, x) => s + x, 0) / bag.length : 0;
        out[b * 2 + 1] = bag.length;
      });
      return { embeddings: new FakeTensor("float32", out, [offsets.length, 2]) };
    },
    { sessions: { model: { inputNames: ["input_ids", "offsets"], outputNames: ["embeddings"] } }, config: {} },
  );
  return {
    env: {} as Record<string, unknown>,
    Tensor: FakeTensor,
    AutoConfig: { from_pretrained: async () => ({ model_type: "model2vec" }) },
    AutoTokenizer: { from_pretrained: async () => Object.assign(tokenizer, { model_max_length: 4 }) },
    AutoModel: { from_pretrained: async () => model },
  };
}

describe("Model2Vec-style models", () => {
  it("sends flat ids with offsets, truncates each text, and uses the pooled output", async () => {
    const calls: { ids: number[]; offsets: number[] }[] = [];
    const lib = fakeLibrary(calls);
    const embedder = new TransformersEmbedder({
      model: "minishlab/potion-base-8M",
      loadLibrary: async () => lib as never,
    });
    await embedder.init();
    expect(embedder.dims).toBe(2);
    calls.length = 0;
    const [ab, long] = await embedder.embedDocuments(["ab", "abcdefgh"]);
    // Length-sorted batch: the longer text goes first; it is cut to model_max_length (4) tokens.
    expect(calls).toEqual([{ ids: [97, 98, 99, 100, 97, 98], offsets: [0, 4] }]);
    const expectedAb = [97.5, 2].map((x) => x / Math.hypot(97.5, 2));
    expect(ab[0]).toBeCloseTo(expectedAb[0], 5);
    expect(long[1]).toBeCloseTo(4 / Math.hypot(98.5, 4), 5);
  });
});
