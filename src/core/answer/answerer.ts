// `ask`: question in, cited answer out. Retrieval is injected (the Retriever, or anything shaped like
// it), the model is optional (none = offline extractive answer). The answerer only reads and returns
// text: it has no way to write files or act on anything a document says, and on failure it throws an
// LlmError before any caller could write a half answer.
import type { Chunk, Passage, SearchFilter, SearchResult } from "../types";
import { REFUSAL_THRESHOLD } from "../search/confidence";
import { resolveCitations, type Citation } from "./citations";
import { selectEvidence, type DeepAnswerOptions } from "./deep-answer";
import { extractAnswer, extractiveText } from "./extractive";
import { rewriteFollowUp } from "./follow-up";
import { LlmError, type LlmClient } from "./llm";
import { createLinkBuilder, type LinkBuilder } from "./links";
import { buildAnswerMessages, NO_ANSWER_SENTINEL, passageId, type ConversationTurn, type PromptPassage } from "./prompt";
import { createThinkFilter, stripThinking } from "./thinking";

export type RetrieveFn = (query: string, opts: { k: number; filter?: SearchFilter; signal?: AbortSignal }) => Promise<SearchResult>;

/** Refuse below this retrieval confidence (the retriever's calibrated threshold). */
export const DEFAULT_REFUSE_BELOW = REFUSAL_THRESHOLD;
export const DEFAULT_ASK_K = 8;
export const REFUSAL_TEXT = "Your vault does not seem to contain the answer to this question.";
export const GENERAL_KNOWLEDGE_LABEL = "**General knowledge (not from your vault):**";

export interface AskOptions {
  retrieve: RetrieveFn;
  /** No client = offline extractive answer. */
  llm?: LlmClient | null;
  /** Passages retrieved. Default 8. */
  k?: number;
  /** Scope: vault (none), folders, the current file or chosen files. */
  filter?: SearchFilter;
  /** Earlier turns, oldest first. */
  history?: ConversationTurn[];
  /** Answer style the user set; holds to the end of the answer. */
  instructions?: string;
  /** On refusal, add a labelled general-knowledge paragraph (needs a model). */
  allowGeneralKnowledge?: boolean;
  /** Score and summarize each passage first (paper-qa style). */
  deep?: boolean | DeepAnswerOptions;
  /** Raw model text as it streams, with passage ids like [S1]; replace it with `answer` when done. */
  onToken?: (text: string) => void;
  signal?: AbortSignal;
  /** Retrieval confidence below which the answer is a refusal. Default DEFAULT_REFUSE_BELOW. */
  refuseBelow?: number;
  linkBuilder?: LinkBuilder;
  temperature?: number;
  maxTokens?: number;
}

export interface AskResult {
  question: string;
  /** Markdown with inline citation links and a closing Sources list. */
  answer: string;
  mode: "llm" | "extractive";
  refused: boolean;
  citations: Citation[];
  /** Ids the model cited that were not among the passages. */
  dropped: string[];
  notice?: string;
  /** The standalone query retrieval ran with (differs from the question for follow-ups). */
  query: string;
  confidence: number;
  /** Sentences marked as having no source. */
  uncited: number;
}

export async function ask(question: string, opts: AskOptions): Promise<AskResult> {
  const q = question.trim();
  if (!q) throw new Error("The question is empty.");
  const llm = opts.llm ?? null;
  const mode: AskResult["mode"] = llm ? "llm" : "extractive";
  const links = opts.linkBuilder ?? createLinkBuilder();
  const history = opts.history ?? [];
  const notices: string[] = [];
  throwIfAborted(opts.signal);

  const query = await rewriteFollowUp(q, history, llm, opts.signal);
  const k = Math.max(1, Math.floor(opts.k ?? DEFAULT_ASK_K));
  const retrieved = await opts.retrieve(query, { k, filter: opts.filter, signal: opts.signal });
  throwIfAborted(opts.signal);
  if (retrieved.notice) notices.push(retrieved.notice);
  const base = { question: q, mode, query, confidence: retrieved.confidence, dropped: [] as string[], citations: [] as Citation[], uncited: 0 };
  const finish = (r: Omit<AskResult, "notice">): AskResult => (notices.length ? { ...r, notice: notices.join(" ") } : r);

  const threshold = opts.refuseBelow ?? DEFAULT_REFUSE_BELOW;
  const passages = retrieved.passages.slice(0, k);
  if (passages.length === 0 || retrieved.confidence < threshold) {
    return finish({ ...base, ...(await refusal(q, opts, notices)) });
  }

  if (!llm) {
    const extracted = extractAnswer(query, passages);
    if (extracted.sentences.length === 0) return finish({ ...base, ...(await refusal(q, opts, notices)) });
    const ids = new Map<string, Chunk>(passages.map((p, i) => [passageId(i), p.chunk]));
    const cited = resolveCitations(extractiveText(extracted, passageId), { passages: ids, links });
    return finish({ ...base, answer: cited.answer, refused: false, citations: cited.citations, dropped: cited.dropped, uncited: cited.uncited });
  }

  let promptPassages: PromptPassage[] = passages.map((p: Passage, i) => ({ id: passageId(i), chunk: p.chunk }));
  if (opts.deep) {
    const deepOptions = typeof opts.deep === "object" ? opts.deep : {};
    const evidence = await selectEvidence(q, promptPassages, llm, { ...deepOptions, signal: opts.signal });
    if (evidence.notice) notices.push(evidence.notice);
    if (evidence.noneRelevant) return finish({ ...base, ...(await refusal(q, opts, notices)) });
    promptPassages = evidence.kept;
  }

  const messages = buildAnswerMessages({ question: q, passages: promptPassages, history, instructions: opts.instructions });
  const raw = await llm.complete(messages, {
    onToken: opts.onToken ? createThinkFilter(opts.onToken) : undefined,
    signal: opts.signal,
    temperature: opts.temperature ?? 0.2,
    maxTokens: opts.maxTokens,
  });
  const text = stripThinking(raw).trim();
  if (!text || saysNotInSources(text)) return finish({ ...base, ...(await refusal(q, opts, notices)) });

  const ids = new Map<string, Chunk>(promptPassages.map((p) => [p.id, p.chunk]));
  const cited = resolveCitations(text.replace(new RegExp(`\\s*${NO_ANSWER_SENTINEL}\\s*`, "g"), " "), {
    passages: ids,
    links,
    stripNumericMarkers: true,
    stripModelLinks: true,
  });
  if (cited.citations.length === 0) notices.push("The model cited none of the passages, so nothing in this answer is backed by your vault.");
  return finish({ ...base, answer: cited.answer, refused: false, citations: cited.citations, dropped: cited.dropped, uncited: cited.uncited });
}

/** The model used the sentinel, alone or with a little text around it and no citation. */
function saysNotInSources(text: string): boolean {
  if (!text.includes(NO_ANSWER_SENTINEL)) return false;
  const rest = text.replace(new RegExp(NO_ANSWER_SENTINEL, "g"), "").replace(/[`*_."'\s]/g, "");
  return rest.length === 0 || !/\[S\d+\]/i.test(text);
}

async function refusal(question: string, opts: AskOptions, notices: string[]): Promise<{ answer: string; refused: true }> {
  if (!opts.allowGeneralKnowledge) return { answer: REFUSAL_TEXT, refused: true };
  if (!opts.llm) {
    notices.push("A general-knowledge answer needs a language model; none is configured.");
    return { answer: REFUSAL_TEXT, refused: true };
  }
  const style = opts.instructions?.trim() ? ` Style, to the last sentence: ${opts.instructions.trim()}` : "";
  const raw = await opts.llm.complete(
    [
      {
        role: "system",
        content: `Answer the question briefly from general knowledge, in at most one paragraph. Do not cite sources, do not use square brackets and do not write links. Say so if you are unsure.${style}`,
      },
      { role: "user", content: question },
    ],
    { signal: opts.signal, temperature: opts.temperature ?? 0.2, maxTokens: opts.maxTokens },
  );
  const general = stripThinking(raw)
    .replace(/\[[^\]]*\]\([^)]*\)/g, "")
    .replace(/\[\[[^\]]*\]\]/g, "")
    .replace(/\[[^\]]*\]/g, "")
    .replace(/[ \t]+([.,;:!?])/g, "$1")
    .replace(/[ \t]{2,}/g, " ")
    .trim();
  if (!general) return { answer: REFUSAL_TEXT, refused: true };
  return { answer: `${REFUSAL_TEXT}\n\n${GENERAL_KNOWLEDGE_LABEL} ${general}`, refused: true };
}

function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new LlmError("aborted", "The request was cancelled.");
}
