// A deterministic embedder for retrieval tests. Words are mapped through a synonym table to
// concepts and hashed into a bag-of-concepts vector, so "automobile" and "car" land on the same
// axis: the vector side finds paraphrases the keyword side cannot, which is what fusion is for.
import type { Embedder } from "../../../src/core/embed/embedder";

const SYNONYMS: Record<string, string> = {
  automobile: "car",
  vehicle: "car",
  cars: "car",
  feline: "cat",
  kitten: "cat",
  cats: "cat",
  canine: "dog",
  puppy: "dog",
  dogs: "dog",
  optimizer: "optimization",
  optimise: "optimization",
  optimize: "optimization",
  weights: "parameters",
  parameter: "parameters",
};

const STOP = new Set("a an the of to in on and or is are was were what how which does did do for with by it this that".split(" "));

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return h >>> 0;
}

export class FakeEmbedder implements Embedder {
  dims = 0;
  initCalls = 0;
  queries: string[] = [];

  constructor(
    readonly id = "fake-concepts-64",
    private readonly options: { failInit?: string; failQuery?: string; size?: number } = {},
  ) {}

  async init(): Promise<void> {
    this.initCalls++;
    if (this.options.failInit) throw new Error(this.options.failInit);
    this.dims = this.options.size ?? 64;
  }

  private embed(text: string): Float32Array {
    const v = new Float32Array(this.dims || 64);
    for (const w of text.toLowerCase().match(/[a-z0-9]+/g) ?? []) {
      if (STOP.has(w)) continue;
      const concept = SYNONYMS[w] ?? w;
      v[hash(concept) % v.length] += 1;
    }
    let norm = 0;
    for (const x of v) norm += x * x;
    norm = Math.sqrt(norm) || 1;
    for (let i = 0; i < v.length; i++) v[i] /= norm;
    return v;
  }

  async embedDocuments(texts: string[]): Promise<Float32Array[]> {
    return texts.map((t) => this.embed(t));
  }

  async embedQuery(text: string): Promise<Float32Array> {
    if (this.options.failQuery) throw new Error(this.options.failQuery);
    this.queries.push(text);
    return this.embed(text);
  }

  async dispose(): Promise<void> {}
}
