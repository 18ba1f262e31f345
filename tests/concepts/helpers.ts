// Test doubles and checks shared by the concept-note specs: an in-memory vault, generated sources, a
// scripted model that answers from the passages it is shown, and link/citation validators.
import type { ChatMessage, CompletionOptions, LlmClient } from "../../src/core/answer/llm";
import type { Chunk, IngestedDocument } from "../../src/core/types";
import type { VaultEntry, VaultReader, VaultWriter } from "../../src/core/vault";

export class MemoryVault implements VaultReader, VaultWriter {
  readonly files = new Map<string, string>();
  readonly writes: Array<{ op: "create" | "modify"; path: string }> = [];

  constructor(initial: Record<string, string> = {}) {
    for (const [p, t] of Object.entries(initial)) this.files.set(p, t);
  }
  async list(): Promise<VaultEntry[]> {
    return [...this.files.entries()].map(([path, t]) => ({ path, size: t.length, mtime: 0 }));
  }
  async readBinary(path: string): Promise<Uint8Array> {
    return new TextEncoder().encode(await this.readText(path));
  }
  async readText(path: string): Promise<string> {
    const t = this.files.get(path);
    if (t === undefined) throw new Error(`no such file: ${path}`);
    return t;
  }
  async exists(path: string): Promise<boolean> {
    return this.files.has(path);
  }
  async create(path: string, text: string): Promise<void> {
    if (this.files.has(path)) throw new Error(`already exists: ${path}`);
    this.files.set(path, text);
    this.writes.push({ op: "create", path });
  }
  async modify(path: string, text: string): Promise<void> {
    if (!this.files.has(path)) throw new Error(`no such file: ${path}`);
    this.files.set(path, text);
    this.writes.push({ op: "modify", path });
  }
  snapshot(): Map<string, string> {
    return new Map(this.files);
  }
}

export const FIXED_NOW = () => new Date("2026-03-01T12:00:00.000Z");

/** A made-up 4-page paper about dropout; page 4 is its reference list. */
export function paperDocument(path = "papers/dropout-study.pdf"): IngestedDocument {
  const pages: string[][] = [
    [
      "Dropout: A Simple Way to Regularize Deep Networks. Anonymous Authors. University of Nowhere.",
      "Deep neural networks with many parameters are powerful but prone to overfitting. Dropout is a technique that addresses this problem by randomly dropping units from the network during training.",
    ],
    [
      "During training, dropout samples from an exponential number of thinned networks. Each hidden unit is retained with a fixed retention probability, typically 0.5 for hidden units and 0.8 for input units.",
      "At test time, a single unthinned network is used whose weights are scaled by the retention probability. This approximates averaging the predictions of all thinned networks.",
    ],
    [
      "We combine dropout with batch normalization (BN) in several experiments. Batch normalization normalizes the inputs of each layer over a mini-batch, which speeds up training.",
      "Dropout reduced the test error of the network on every benchmark we tried. Networks trained with dropout and batch normalization converged in fewer epochs than networks trained with dropout alone.",
    ],
    [
      "References [1] G. E. Hinton, N. Srivastava, A. Krizhevsky. Improving neural networks by preventing co-adaptation. arXiv preprint arXiv:1207.0580, 2012. [2] S. Ioffe and C. Szegedy. Batch normalization. In Proceedings of ICML, pp. 448-456, 2015.",
    ],
  ];
  const chunks: Chunk[] = [];
  pages.forEach((texts, i) =>
    texts.forEach((text) => chunks.push({ id: `${path}#${chunks.length}`, path, kind: "pdf", text, page: i + 1, title: "Dropout study" })),
  );
  return { path, kind: "pdf", title: "Dropout study", chunks, pageCount: pages.length };
}

/** A transcript note in the corpus style: `[hh:mm:ss]` paragraph prefixes under one heading. */
export const TRANSCRIPT_PREFIXES = `---
title: What is a neural network
videoId: aircAruvnKk
---

# What is a neural network

[00:00:04] A neuron is a thing that holds a number between zero and one. That number is called its activation.

[00:01:30] The network is organised in layers. The activations of one layer determine the activations of the next layer through weights and a bias.

[00:03:10] The sigmoid function squishes the weighted sum into the range between zero and one. Modern networks often use the ReLU activation instead of the sigmoid function.
`;

/** The same video written with yt-timestamp anchors after each claim (as the example notes are). */
export const TRANSCRIPT_ANCHORS = `---
title: What is a neural network
videoId: aircAruvnKk
---

# What is a neural network

A neuron is a thing that holds a number between zero and one <a class="yt-timestamp" data-t="00:00:04">[00:00:04]</a>.

The network is organised in layers <a class="yt-timestamp" data-t="00:01:30">[00:01:30]</a>.
`;

export interface Shown {
  id: string;
  where: string;
  text: string;
}

/** The passages a prompt shows the model, as the model would read them. */
export function shownPassages(messages: Array<{ role: string; content: string }>): Shown[] {
  const user = messages.filter((m) => m.role === "user")[0]?.content ?? "";
  return [...user.matchAll(/<passage id="(P\d+)"[^>]*?(?: where="([^"]*)")?>\n([\s\S]*?)\n<\/passage>/g)].map((m) => ({
    id: m[1],
    where: m[2] ?? "",
    text: m[3],
  }));
}

export type Reply = string | ((messages: ChatMessage[]) => string);

/** An in-process model that returns scripted replies in order and records what it was asked. */
export class ScriptedLlm implements LlmClient {
  readonly model = "scripted";
  readonly calls: ChatMessage[][] = [];
  readonly options: Array<CompletionOptions | undefined> = [];
  constructor(private readonly replies: Reply[]) {}
  async complete(messages: ChatMessage[], options?: CompletionOptions): Promise<string> {
    this.calls.push(messages);
    this.options.push(options);
    const r = this.replies[Math.min(this.calls.length - 1, this.replies.length - 1)];
    return typeof r === "function" ? r(messages) : r;
  }
}

/** A well-behaved model: one concept per entry, each claim citing the first passage containing `cue`. */
export function conceptReply(specs: Array<{ title: string; aliases?: string[]; claims: Array<{ text: string; cue: string }>; related?: string[] }>) {
  return (messages: Array<{ role: string; content: string }>): string => {
    const shown = shownPassages(messages);
    const idFor = (cue: string) => shown.find((p) => p.text.toLowerCase().includes(cue.toLowerCase()))?.id ?? "P999";
    return JSON.stringify({
      concepts: specs.map((s) => ({
        title: s.title,
        aliases: s.aliases ?? [],
        summary: { text: s.claims[0].text, cites: [idFor(s.claims[0].cue)] },
        sections: [{ heading: "Key points", claims: s.claims.slice(1).map((c) => ({ text: c.text, cites: [idFor(c.cue)] })) }],
        related: s.related ?? [],
      })),
    });
  };
}

export const PAPER_CONCEPTS = [
  {
    title: "Dropout",
    aliases: ["dropout regularization"],
    claims: [
      { text: "Dropout randomly drops units from a network during training to reduce overfitting.", cue: "randomly dropping units" },
      { text: "Each hidden unit is kept with a fixed probability, usually 0.5.", cue: "retention probability, typically" },
      { text: "At test time the weights are scaled instead of sampling thinned networks.", cue: "unthinned network" },
      { text: "It lowered test error on every benchmark, especially with batch normalization.", cue: "reduced the test error" },
    ],
    related: ["Batch normalization"],
  },
  {
    title: "Batch normalization",
    aliases: ["BN"],
    claims: [
      { text: "Batch normalization normalizes each layer's inputs over a mini-batch.", cue: "normalizes the inputs" },
      { text: "Combined with dropout it made networks converge in fewer epochs.", cue: "fewer epochs" },
    ],
    related: ["Dropout"],
  },
];

/** Every `[[target…]]` in a text whose target is neither a file of the vault nor `extra`. Targets are
 *  resolved as Obsidian does: full path, path + ".md", or a unique file name. */
export function danglingLinks(text: string, vaultPaths: Iterable<string>): string[] {
  const paths = [...vaultPaths];
  const lower = new Set(paths.map((p) => p.toLowerCase()));
  const out: string[] = [];
  for (const m of text.matchAll(/\[\[([^\]|#]*)(#[^\]|]*)?(?:\|[^\]]*)?\]\]/g)) {
    const target = m[1].trim().toLowerCase();
    const ok =
      lower.has(target) ||
      lower.has(`${target}.md`) ||
      paths.some((p) => {
        const name = p.slice(p.lastIndexOf("/") + 1).toLowerCase();
        return name === target || name === `${target}.md`;
      });
    if (!ok) out.push(m[0]);
  }
  return out;
}

/** Page numbers cited with `#page=N` in a text. */
export function citedPages(text: string): number[] {
  return [...text.matchAll(/#page=(\d+)/g)].map((m) => Number(m[1]));
}

export function bodyOf(note: string): string {
  return note.replace(/^---\n[\s\S]*?\n---\n/, "");
}
