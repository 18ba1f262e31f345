// Generated passages that read like the real thing: a paper's method, results and reference pages, a
// lecture transcript, a note. Written for these tests; no third-party text.
import type { Chunk, Passage, SearchFilter, SearchResult } from "../../src/core/types";
import type { RetrieveFn } from "../../src/core/answer/answerer";
import { contentTerms, stem, stemSet } from "../../src/core/search/query-terms";

const PAPER = "papers/lindqvist2021_sparse_gating.pdf";
const TITLE = "Sparse Gating for Efficient Vision Transformers";

export const chunks: Chunk[] = [
  {
    id: `${PAPER}#0`,
    path: PAPER,
    kind: "pdf",
    title: TITLE,
    page: 1,
    selection: [0, 0, 14, 52],
    text:
      "Sparse Gating for Efficient Vision Transformers. Abstract. We introduce a sparse gating layer that routes each image patch to one of eight expert blocks. " +
      "On ImageNet the gated model reaches 81.4% top-1 accuracy while using 38% fewer floating-point operations than a dense baseline of the same depth.",
  },
  {
    id: `${PAPER}#4`,
    path: PAPER,
    kind: "pdf",
    title: TITLE,
    page: 5,
    selection: [3, 0, 41, 17],
    text:
      "4 Training details. We trained the gated network for 300 epochs on eight A100 GPUs, which took about four days. " +
      "We used the AdamW optimizer with a learning rate of 0.001, a weight decay of 0.05 and a batch size of 1024. " +
      "The learning rate followed a cosine schedule after a linear warm-up of 20 epochs. " +
      "Figure 3: Top-1 accuracy over training epochs. " +
      "Label smoothing of 0.1 and random erasing with probability 0.25 were applied as regularizers [12].",
  },
  {
    id: `${PAPER}#7`,
    path: PAPER,
    kind: "pdf",
    title: TITLE,
    page: 7,
    selection: [0, 5, 30, 2],
    text:
      "5 Results. Table 2 compares the gated model with dense and pruned baselines. " +
      "The gated model with eight experts improves top-1 accuracy by 1.2 points over the dense baseline at equal compute. " +
      "With only four experts the improvement shrinks to 0.4 points, which suggests that routing capacity matters more than depth. " +
      "The gating layer adds less than 2% to the parameter count.",
  },
  {
    id: `${PAPER}#11`,
    path: PAPER,
    kind: "pdf",
    title: TITLE,
    page: 11,
    text:
      "References. [1] A. Dosovitskiy, L. Beyer, and A. Kolesnikov. An image is worth 16x16 words. In Proceedings of ICLR, 2021. " +
      "[2] N. Shazeer, A. Mirhoseini, and K. Maziarz. Outrageously large neural networks: the sparsely-gated mixture-of-experts layer. arXiv preprint arXiv:1701.06538, 2017.",
  },
  {
    id: "lectures/Attention explained.md#3",
    path: "lectures/Attention explained.md",
    kind: "transcript",
    title: "Attention explained | Lecture 4",
    headings: ["Attention explained | Lecture 4"],
    start: 754,
    end: 781,
    video: "https://www.youtube.com/watch?v=abcdefghijk",
    text:
      "[00:12:34] So the key idea of attention is that every token looks at every other token and decides how much to take from it. " +
      "The weights come from a softmax over dot products between queries and keys, scaled by the square root of the key dimension.",
  },
  {
    id: "notes/Reading log.md#2",
    path: "notes/Reading log.md",
    kind: "markdown",
    title: "Reading log",
    headings: ["2021", "Gating: routing vs. pruning"],
    line: 40,
    text:
      "## Gating: routing vs. pruning\nThe sparse gating paper convinced me that routing beats pruning at equal compute. " +
      "Pruning removes capacity permanently, while routing keeps all experts and only activates a few per patch.",
  },
];

export const byId = (id: string): Chunk => {
  const c = chunks.find((x) => x.id === id);
  if (!c) throw new Error(`no fixture chunk ${id}`);
  return c;
};

export function passagesOf(...ids: string[]): Passage[] {
  return ids.map((id, i) => ({ chunk: byId(id), score: 1 / (i + 1), rank: i + 1 }));
}

/** A keyword retriever over the fixtures: ranks by shared content terms; confidence is the share of
 *  the query's content terms found in the best passage (0 when nothing matches). */
export function fixtureRetriever(pool: Chunk[] = chunks, calls: { query: string; k: number; filter?: SearchFilter }[] = []): RetrieveFn {
  return (query, opts) => {
    calls.push({ query, k: opts.k, filter: opts.filter });
    const terms = contentTerms(query);
    const scored = pool
      .filter((c) => !opts.filter?.paths || opts.filter.paths.includes(c.path))
      .map((c) => {
        const set = stemSet(`${c.title ?? ""} ${c.text}`);
        return { chunk: c, hits: terms.filter((t) => set.has(stem(t))).length };
      })
      .filter((s) => s.hits > 0)
      .sort((a, b) => b.hits - a.hits)
      .slice(0, opts.k);
    const passages: Passage[] = scored.map((s, i) => ({ chunk: s.chunk, score: s.hits, rank: i + 1 }));
    const confidence = terms.length && scored.length ? scored[0].hits / terms.length : 0;
    const result: SearchResult = { query, passages, confidence };
    return Promise.resolve(result);
  };
}
