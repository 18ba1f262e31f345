// The narrow contracts the plugin's UI depends on. The view, commands, status bar and modals talk
// only to these; core-services.ts backs them with the real core, tests back them with fakes. Keeping
// them small lets the UI be tested as a user would use it without loading models or PDFs.
import type { LinkTarget } from "../core/answer/links";
import type { ConceptPlan } from "../core/concepts/types";
import type { FileReport, SearchFilter, SourceKind } from "../core/types";

/** One cited place, in the shape of `scholia ask --json` plus the fields the UI needs to open it. */
export interface AnswerCitation {
  /** The number the answer uses for this source (1-based). */
  n: number;
  path: string;
  kind?: SourceKind;
  title?: string;
  page?: number;
  /** pdf.js selection on the page: [beginIndex, beginOffset, endIndex, endOffset]. */
  selection?: [number, number, number, number];
  headings?: string[];
  /** Transcript: seconds from the start of the video. */
  start?: number;
  /** Transcript: the video URL when known. */
  video?: string;
  /** The wiki-link that opens the place, as written into the answer. */
  link: string;
  /** The passage the claim rests on, shown on hover. Plain text from a document: never markup. */
  quote: string;
}

/** A link exactly as written into an answer, and what it points to, so the answer can be written again
 *  with links relative to the note it is inserted into. */
export interface RenderedLink {
  text: string;
  target: LinkTarget;
}

export interface AskResult {
  question: string;
  /** Markdown with wiki-link citations and a Sources list. */
  answer: string;
  mode: "llm" | "extractive";
  /** True when the vault does not contain the answer. */
  refused: boolean;
  citations: AnswerCitation[];
  /** Citation ids the model produced that do not exist (removed from the answer). */
  dropped: string[];
  /** Degraded retrieval or similar, one sentence for the user. */
  notice?: string;
  /** Every link in `answer` with its target (links were rendered relative to the vault root). */
  links?: RenderedLink[];
}

export interface ChatTurn {
  question: string;
  answer: string;
}

export interface AskOptions {
  /** Earlier turns of this conversation, oldest first, for follow-up questions. */
  history: ChatTurn[];
  /** Restricts retrieval; undefined means the whole vault. */
  scope?: SearchFilter;
  /** Streamed answer text, in order (LLM mode); extractive answers may arrive in one piece. */
  onToken?: (text: string) => void;
  signal?: AbortSignal;
}

export interface AskService {
  /** Resolves to the cited answer. Rejects with an Error whose message is one sentence for the user;
   *  rejects with an AbortError-named error when `signal` aborts. */
  ask(question: string, options: AskOptions): Promise<AskResult>;
}

export type IndexPhase =
  /** Nothing has been loaded yet (the index loads lazily on first use). */
  | "idle"
  | "loading-model"
  | "indexing"
  | "paused"
  | "ready"
  | "error";

export interface IndexStatus {
  phase: IndexPhase;
  /** Files handled in the current run, and the run's total. */
  filesDone: number;
  filesTotal: number;
  /** Files whose passages can already be searched. */
  searchableFiles: number;
  chunks: number;
  /** Model download / load progress, 0..1, while phase is "loading-model". */
  modelProgress?: number;
  /** Seconds left in the current run, when it can be estimated. */
  etaSeconds?: number;
  /** One sentence for the user (e.g. why the index failed, or a fallback notice). */
  message?: string;
}

export interface IndexService {
  status(): IndexStatus;
  /** Called on every status change; returns an unsubscribe function. */
  onStatus(listener: (status: IndexStatus) => void): () => void;
  /** Brings the index up to date with the vault (incremental). Resolves when the run ends. */
  indexVault(): Promise<void>;
  /** Re-reads the given files now (created or modified). */
  indexPaths(paths: string[]): Promise<void>;
  removePaths(paths: string[]): Promise<void>;
  renamePath(oldPath: string, newPath: string): Promise<void>;
  /** Throws the index away and builds it again from the vault. */
  rebuild(): Promise<void>;
  pause(): void;
  resume(): void;
  /** Each file's latest status and reason. */
  report(): FileReport[];
}

export interface ConceptNoteOutcome {
  path: string;
  title: string;
  action: "created" | "updated" | "skipped";
  reason?: string;
}

/** Concept notes in two steps, so the user sees and ticks the plan before anything is written. */
export interface ConceptService {
  /** Proposes concepts for one source file (PDF, note or transcript); writes nothing. Rejects with a
   *  one-sentence message when nothing can be planned. */
  planFromFile(path: string, signal?: AbortSignal): Promise<ConceptPlan>;
  /** Plans one note on a topic from evidence across the whole vault; writes nothing. */
  planTopic(topic: string, signal?: AbortSignal): Promise<ConceptPlan>;
  /** Writes the plan's selected concepts (unselected ones come back as skipped); never clobbers
   *  a note a person wrote or edited. */
  generate(plan: ConceptPlan, signal?: AbortSignal): Promise<ConceptNoteOutcome[]>;
}

/** Everything the UI is given. */
export interface ScholiaServices {
  ask: AskService;
  index: IndexService;
  concepts: ConceptService;
}
