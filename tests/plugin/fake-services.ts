// Fakes for the plugin's service contracts: an ask service that streams a scripted answer token by
// token (and honours abort), an index service whose status the test drives.
import type { ConceptPlan } from "../../src/core/concepts/types";
import type { FileReport } from "../../src/core/types";
import type {
  AskOptions,
  AskResult,
  AskService,
  ConceptNoteOutcome,
  ConceptService,
  IndexService,
  IndexStatus,
  ScholiaServices,
} from "../../src/plugin/services";

export const PDF_CITATION = {
  n: 1,
  path: "papers/attention.pdf",
  kind: "pdf" as const,
  title: "Attention is all you need",
  page: 7,
  selection: [3, 0, 5, 12] as [number, number, number, number],
  link: "[[papers/attention.pdf#page=7&selection=3,0,5,12|Attention is all you need, p. 7]]",
  quote: "The Transformer was trained for 3.5 days on eight P100 GPUs.",
};

export const NOTE_CITATION = {
  n: 2,
  path: "notes/training.md",
  kind: "markdown" as const,
  title: "Training",
  headings: ["Hardware"],
  link: "[[notes/training#Hardware|Training › Hardware]]",
  quote: "We used <img src=x onerror=alert(1)> eight GPUs.",
};

export function scriptedResult(question: string): AskResult {
  return {
    question,
    answer: `Training took **3.5 days** ${PDF_CITATION.link} on eight GPUs ${NOTE_CITATION.link}.\n\n**Sources**\n\n1. ${PDF_CITATION.link}\n2. ${NOTE_CITATION.link}`,
    mode: "llm",
    refused: false,
    citations: [PDF_CITATION, NOTE_CITATION],
    dropped: [],
    links: [
      { text: PDF_CITATION.link, target: { path: "papers/attention.pdf", subpath: "#page=7&selection=3,0,5,12", alias: "Attention is all you need, p. 7" } },
      { text: NOTE_CITATION.link, target: { path: "notes/training.md", subpath: "#Hardware", alias: "Training › Hardware" } },
    ],
  };
}

export class FakeAskService implements AskService {
  calls: Array<{ question: string; options: AskOptions }> = [];
  tokens = ["Training ", "took ", "**3.5 days**", " on eight GPUs."];
  /** Resolve each token only when the test says so (null: stream at once). */
  gate: Array<() => void> | null = null;
  result: (question: string) => AskResult = scriptedResult;
  failWith: Error | null = null;

  async ask(question: string, options: AskOptions): Promise<AskResult> {
    this.calls.push({ question, options });
    if (this.failWith) throw this.failWith;
    for (const t of this.tokens) {
      if (this.gate) {
        if (this.credits > 0) this.credits--;
        else await new Promise<void>((resolve) => this.gate!.push(resolve));
      }
      if (options.signal?.aborted) {
        const e = new Error("The answer was stopped.");
        e.name = "AbortError";
        throw e;
      }
      options.onToken?.(t);
    }
    return this.result(question);
  }

  private credits = 0;

  /** Lets the next gated token through (now, or as soon as it is waited for). */
  release(): void {
    const waiting = this.gate?.shift();
    if (waiting) waiting();
    else this.credits++;
  }
}

export class FakeIndexService implements IndexService {
  current: IndexStatus = { phase: "idle", filesDone: 0, filesTotal: 0, searchableFiles: 0, chunks: 0 };
  listeners = new Set<(s: IndexStatus) => void>();
  files: FileReport[] = [];
  log: string[] = [];

  status(): IndexStatus {
    return this.current;
  }
  onStatus(listener: (s: IndexStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  set(s: Partial<IndexStatus>): void {
    this.current = { ...this.current, ...s };
    for (const l of this.listeners) l(this.current);
  }
  async indexVault(): Promise<void> {
    this.log.push("indexVault");
  }
  async indexPaths(paths: string[]): Promise<void> {
    this.log.push(`index ${paths.join(",")}`);
  }
  async removePaths(paths: string[]): Promise<void> {
    this.log.push(`remove ${paths.join(",")}`);
  }
  async renamePath(oldPath: string, newPath: string): Promise<void> {
    this.log.push(`rename ${oldPath} -> ${newPath}`);
  }
  async rebuild(): Promise<void> {
    this.log.push("rebuild");
  }
  pause(): void {
    this.log.push("pause");
    this.set({ phase: "paused" });
  }
  resume(): void {
    this.log.push("resume");
    this.set({ phase: "indexing" });
  }
  report(): FileReport[] {
    return this.files;
  }
}

/** Records what the UI asked for and hands it to `impl` (a real VaultConceptService where a test
 *  needs notes written); without one, planning fails the way an unreachable model would. */
export class FakeConceptService implements ConceptService {
  calls: string[] = [];
  impl: ConceptService | null = null;

  async planFromFile(path: string, signal?: AbortSignal): Promise<ConceptPlan> {
    this.calls.push(`plan ${path}`);
    return this.use().planFromFile(path, signal);
  }
  async planTopic(topic: string, signal?: AbortSignal): Promise<ConceptPlan> {
    this.calls.push(`topic ${topic}`);
    return this.use().planTopic(topic, signal);
  }
  async generate(plan: ConceptPlan, signal?: AbortSignal): Promise<ConceptNoteOutcome[]> {
    this.calls.push(`generate ${plan.concepts.filter((c) => c.selected).map((c) => c.title).join(", ")}`);
    return this.use().generate(plan, signal);
  }
  private use(): ConceptService {
    if (!this.impl) throw new Error("The language model server did not answer.");
    return this.impl;
  }
}

export function fakeServices(): ScholiaServices & { ask: FakeAskService; index: FakeIndexService; concepts: FakeConceptService } {
  return { ask: new FakeAskService(), index: new FakeIndexService(), concepts: new FakeConceptService() };
}
