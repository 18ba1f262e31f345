// Shapes of the concept-note pipeline: a plan (what would be written where) and the outcome of a run.
import type { LlmClient } from "../answer/llm";
import type { Chunk, IngestedDocument, SearchFilter, SearchResult, SourceKind } from "../types";
import type { VaultReader, VaultWriter } from "../vault";
import type { LinkBuilder } from "../answer/links";

/** A note the vault already has, as the index knows it (title from frontmatter or file name). */
export interface ExistingNote {
  path: string;
  title: string;
  aliases?: string[];
}

/** One statement of a concept note and the passages that back it (never empty). */
export interface ResolvedClaim {
  text: string;
  refs: Chunk[];
}

export interface ConceptSection {
  heading: string;
  claims: ResolvedClaim[];
}

/** A concept whose citations have been checked against the passages the model was given. */
export interface ConceptDraft {
  title: string;
  aliases: string[];
  /** One-line summary; shown in previews. Cited in the note only when it had valid ids. */
  summary: string;
  summaryRefs: Chunk[];
  sections: ConceptSection[];
  /** Titles of other concepts of the same plan this one relates to. */
  related: string[];
}

/** What the target path holds now, so a preview can say what will happen there. */
export type TargetState =
  /** Nothing: the note will be created. */
  | "new"
  /** A note Scholia generated and nobody edited since: it may be regenerated. */
  | "generated"
  /** A note a person wrote or edited: it keeps every word; new material is appended. */
  | "edited";

export interface PlannedConcept {
  title: string;
  aliases: string[];
  summary: string;
  /** Vault-relative target path inside the output folder. */
  path: string;
  target: TargetState;
  /** Preview checkbox; generateConceptNotes writes only selected concepts. */
  selected: boolean;
  claims: number;
  draft: ConceptDraft;
}

/** How timestamps of a transcript are linked, following the style the source itself uses. */
export type TimestampStyle = "yt-anchor" | "youtube-link" | "heading-link";

export interface ConceptPlan {
  /** The source note/PDF/transcript, or the topic for a topic note. */
  origin: { kind: "source"; path: string; title: string; sourceKind: SourceKind } | { kind: "topic"; topic: string };
  /** "llm": written by the model from cited passages; "extractive": the source's own sentences. */
  mode: "llm" | "extractive";
  outFolder: string;
  timestampStyle: TimestampStyle;
  /** YouTube id written to frontmatter when notes use yt-timestamp anchors (they need it to play). */
  videoId?: string;
  concepts: PlannedConcept[];
  /** Things the user should know: dropped claims, unknown passage ids, truncated sources. */
  warnings: string[];
}

export type NoteAction = "created" | "updated" | "skipped";

export interface ConceptNoteResult {
  path: string;
  title: string;
  action: NoteAction;
  reason?: string;
  /** The full text written (or, on a dry run, that would be written). Absent when skipped. */
  content?: string;
}

export interface ConceptRunResult {
  notes: ConceptNoteResult[];
  plan: ConceptPlan;
  dryRun: boolean;
}

/** Document frequencies of the rest of the vault, so offline extraction prefers what is specific to
 *  the source over what every note says. Build it with `buildBackgroundStats`. */
export interface BackgroundStats {
  docCount: number;
  /** Number of background documents containing the phrase key (see keyphrases.ts `phraseKey`). */
  docFreq(key: string): number;
}

interface CommonOptions {
  llm?: LlmClient;
  vault: VaultReader & VaultWriter;
  existingNotes: ExistingNote[];
  /** Vault-relative folder for the notes; must stay inside the vault. */
  outFolder: string;
  dryRun?: boolean;
  /** Time for the `generated` frontmatter field and Update headings (tests pass a fixed one). */
  now?: Date | (() => Date);
  /** The project link style (links.ts); the plugin passes one backed by Obsidian's link settings. */
  linkBuilder?: LinkBuilder;
  signal?: AbortSignal;
}

export interface PlanFromSourceOptions extends CommonOptions {
  source: IngestedDocument;
  /** Most concepts to propose. Default 6. */
  maxConcepts?: number;
  /** Budget of passage text sent to the model, in estimated tokens. Default 12000. */
  maxPassageTokens?: number;
  /** Offline mode: document frequencies of the rest of the vault. */
  background?: BackgroundStats;
}

export interface GenerateFromSourceOptions extends PlanFromSourceOptions {
  /** A plan from `planConcepts`, possibly with concepts unticked. Planned afresh when absent. */
  plan?: ConceptPlan;
}

export type Retrieve = (query: string, options: { k: number; filter?: SearchFilter }) => Promise<SearchResult>;

export interface TopicOptions extends CommonOptions {
  topic: string;
  retrieve: Retrieve;
  /** Passages to gather. Default 12. */
  k?: number;
  plan?: ConceptPlan;
}

/** A failure of the whole run with a one-sentence message for the user. Nothing was written. */
export class ConceptError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConceptError";
  }
}
