// Concept notes for the plugin in two steps: plan (the preview shows it with checkboxes) and generate
// (writes only what stayed ticked). The core does the work; this file gives it the vault, the user's
// link style, the language model and what the index knows about the rest of the vault.
import type { App } from "obsidian";
import type { LlmClient } from "../core/answer/llm";
import { generateConceptNotes, generateTopicNote, planConcepts, planTopicNote } from "../core/concepts";
import type { BackgroundStats, ConceptPlan, ConceptRunResult, ExistingNote, Retrieve } from "../core/concepts/types";
import type { IngestedDocument } from "../core/types";
import type { VaultReader, VaultWriter } from "../core/vault";
import { obsidianLinkBuilder } from "./obsidian-links";
import type { ConceptNoteOutcome, ConceptService } from "./services";
import { ObsidianVaultReader, ObsidianVaultWriter } from "./vault-io";

/** What the index knows about the vault, loaded when a plan is made. */
export interface ConceptCorpus {
  /** Notes a concept note may link to, matched by title and aliases. */
  existingNotes: ExistingNote[];
  /** Offline mode: phrase frequencies of the rest of the vault, so concepts are specific to the source. */
  background?: (sourcePath: string, outFolder: string) => BackgroundStats;
  /** Hybrid retrieval over the whole vault, for topic notes. */
  retrieve: Retrieve;
}

export interface ConceptServiceDeps {
  conceptFolder(): string;
  /** The configured chat model, or null for offline (extractive) notes. */
  llm(): LlmClient | null;
  ingest(path: string, data: Uint8Array, signal?: AbortSignal): Promise<IngestedDocument>;
  corpus(): Promise<ConceptCorpus>;
  now?: () => Date;
}

export class VaultConceptService implements ConceptService {
  /** The source each plan was made from, so generating does not read and parse it a second time. */
  private readonly sources = new WeakMap<ConceptPlan, IngestedDocument>();

  constructor(
    private readonly app: App,
    private readonly deps: ConceptServiceDeps,
  ) {}

  async planFromFile(path: string, signal?: AbortSignal): Promise<ConceptPlan> {
    const source = await this.ingest(path, signal);
    const corpus = await this.deps.corpus();
    const outFolder = this.deps.conceptFolder();
    const plan = await planConcepts({
      ...this.common(corpus, outFolder, signal),
      source,
      background: corpus.background?.(path, outFolder),
    });
    this.sources.set(plan, source);
    return plan;
  }

  async planTopic(topic: string, signal?: AbortSignal): Promise<ConceptPlan> {
    const corpus = await this.deps.corpus();
    return planTopicNote({ ...this.common(corpus, this.deps.conceptFolder(), signal), topic, retrieve: corpus.retrieve });
  }

  async generate(plan: ConceptPlan, signal?: AbortSignal): Promise<ConceptNoteOutcome[]> {
    const corpus = await this.deps.corpus();
    const common = this.common(corpus, plan.outFolder, signal);
    let result: ConceptRunResult;
    if (plan.origin.kind === "topic") {
      result = await generateTopicNote({ ...common, plan, topic: plan.origin.topic, retrieve: corpus.retrieve });
    } else {
      const source = this.sources.get(plan) ?? (await this.ingest(plan.origin.path, signal));
      result = await generateConceptNotes({ ...common, plan, source });
    }
    return result.notes.map((n) => ({ path: n.path, title: n.title, action: n.action, ...(n.reason ? { reason: n.reason } : {}) }));
  }

  private async ingest(path: string, signal?: AbortSignal): Promise<IngestedDocument> {
    const reader = new ObsidianVaultReader(this.app);
    return this.deps.ingest(path, await reader.readBinary(path), signal);
  }

  private common(corpus: ConceptCorpus, outFolder: string, signal?: AbortSignal) {
    return {
      vault: conceptVault(this.app),
      existingNotes: corpus.existingNotes,
      outFolder,
      llm: this.deps.llm() ?? undefined,
      // Every note of a run goes into the same folder, so links made for a note there are right for
      // all of them, whatever link format (relative, shortest, absolute) the user chose.
      linkBuilder: obsidianLinkBuilder(this.app, `${outFolder}/note.md`),
      ...(this.deps.now ? { now: this.deps.now } : {}),
      signal,
    };
  }
}

function conceptVault(app: App): VaultReader & VaultWriter {
  const reader = new ObsidianVaultReader(app);
  const writer = new ObsidianVaultWriter(app);
  return {
    list: () => reader.list(),
    readBinary: (p) => reader.readBinary(p),
    readText: (p) => reader.readText(p),
    exists: (p) => writer.exists(p),
    create: (p, t) => writer.create(p, t),
    modify: (p, t) => writer.modify(p, t),
  };
}
