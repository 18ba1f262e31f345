// The sidebar's conversations, kept with the plugin data so they survive a reload. Bounded: the most
// recent conversations only, each with its most recent turns. Only questions and cited answers are
// stored — never settings or keys.
import type { AnswerCitation, AskResult, RenderedLink } from "./services";

export const MAX_CONVERSATIONS = 20;
export const MAX_TURNS_PER_CONVERSATION = 30;

export interface StoredTurn {
  question: string;
  answer: string;
  /** The complete result, so citations stay clickable after a reload. */
  result?: AskResult;
}

export interface Conversation {
  id: string;
  /** Epoch milliseconds. */
  started: number;
  updated: number;
  turns: StoredTurn[];
}

/** What goes into data.json under `chat`. */
export interface StoredChat {
  /** The conversation the sidebar continues; null after "New chat". */
  current: string | null;
  conversations: Conversation[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isString = (v: unknown): v is string => typeof v === "string";

function parseLink(raw: unknown): RenderedLink | null {
  if (!isObject(raw) || !isString(raw.text) || !isObject(raw.target) || !isString(raw.target.path)) return null;
  const t = raw.target;
  return {
    text: raw.text,
    target: { path: t.path as string, ...(isString(t.subpath) ? { subpath: t.subpath } : {}), ...(isString(t.alias) ? { alias: t.alias } : {}) },
  };
}

function parseCitation(raw: unknown): AnswerCitation | null {
  if (!isObject(raw) || typeof raw.n !== "number" || !isString(raw.path) || !isString(raw.link) || !isString(raw.quote)) return null;
  // The fields are the ones AnswerCitation declares; anything else a hand edit added is dropped.
  const c: AnswerCitation = { n: raw.n, path: raw.path, link: raw.link, quote: raw.quote };
  if (isString(raw.kind) && ["pdf", "markdown", "transcript"].includes(raw.kind)) c.kind = raw.kind as AnswerCitation["kind"];
  if (isString(raw.title)) c.title = raw.title;
  if (typeof raw.page === "number") c.page = raw.page;
  if (Array.isArray(raw.selection) && raw.selection.length === 4 && raw.selection.every((n) => typeof n === "number")) {
    c.selection = raw.selection as [number, number, number, number];
  }
  if (Array.isArray(raw.headings) && raw.headings.every(isString)) c.headings = raw.headings;
  if (typeof raw.start === "number") c.start = raw.start;
  if (isString(raw.video)) c.video = raw.video;
  return c;
}

function parseResult(raw: unknown, question: string, answer: string): AskResult | undefined {
  if (!isObject(raw)) return undefined;
  const citations = Array.isArray(raw.citations) ? raw.citations.map(parseCitation).filter((c): c is AnswerCitation => c !== null) : [];
  const links = Array.isArray(raw.links) ? raw.links.map(parseLink).filter((l): l is RenderedLink => l !== null) : [];
  return {
    question,
    answer,
    mode: raw.mode === "llm" ? "llm" : "extractive",
    refused: raw.refused === true,
    citations,
    dropped: Array.isArray(raw.dropped) ? raw.dropped.filter(isString) : [],
    ...(isString(raw.notice) ? { notice: raw.notice } : {}),
    ...(links.length ? { links } : {}),
  };
}

function parseTurn(raw: unknown): StoredTurn | null {
  if (!isObject(raw) || !isString(raw.question) || !isString(raw.answer)) return null;
  const result = parseResult(raw.result, raw.question, raw.answer);
  return { question: raw.question, answer: raw.answer, ...(result ? { result } : {}) };
}

/** The stored chat from whatever data.json holds; anything malformed is dropped, not fatal. */
export function parseStoredChat(raw: unknown): StoredChat {
  if (!isObject(raw) || !Array.isArray(raw.conversations)) return { current: null, conversations: [] };
  const conversations: Conversation[] = [];
  for (const c of raw.conversations) {
    if (!isObject(c) || !isString(c.id) || !Array.isArray(c.turns)) continue;
    const turns = c.turns.map(parseTurn).filter((t): t is StoredTurn => t !== null);
    if (turns.length === 0) continue;
    const started = typeof c.started === "number" ? c.started : 0;
    conversations.push({ id: c.id, started, updated: typeof c.updated === "number" ? c.updated : started, turns: turns.slice(-MAX_TURNS_PER_CONVERSATION) });
  }
  conversations.sort((a, b) => a.updated - b.updated);
  const kept = conversations.slice(-MAX_CONVERSATIONS);
  const current = isString(raw.current) && kept.some((c) => c.id === raw.current) ? raw.current : null;
  return { current, conversations: kept };
}

export class ConversationStore {
  private conversations: Conversation[];
  private currentId: string | null;

  constructor(
    stored: StoredChat,
    /** Saves the store (with the rest of the plugin data). */
    private readonly persist: () => Promise<void>,
    private readonly now: () => number = () => Date.now(),
  ) {
    this.conversations = stored.conversations.map((c) => ({ ...c, turns: [...c.turns] }));
    this.currentId = stored.current;
  }

  /** The conversation the sidebar shows and continues; null means a fresh chat. */
  current(): Conversation | null {
    return this.conversations.find((c) => c.id === this.currentId) ?? null;
  }

  /** Past and present conversations, most recent first. */
  list(): Conversation[] {
    return [...this.conversations].reverse();
  }

  /** Appends a completed turn to the current conversation (starting one if needed) and saves. */
  async recordTurn(turn: StoredTurn): Promise<void> {
    const time = this.now();
    let conv = this.current();
    if (!conv) {
      conv = { id: `${time.toString(36)}-${Math.random().toString(36).slice(2, 8)}`, started: time, updated: time, turns: [] };
      this.conversations.push(conv);
      this.currentId = conv.id;
    }
    conv.turns.push(turn);
    if (conv.turns.length > MAX_TURNS_PER_CONVERSATION) conv.turns.splice(0, conv.turns.length - MAX_TURNS_PER_CONVERSATION);
    conv.updated = time;
    // Most recently used last, so the oldest is the one to drop.
    this.conversations = [...this.conversations.filter((c) => c !== conv), conv].slice(-MAX_CONVERSATIONS);
    await this.persist();
  }

  /** "New chat": the next question starts a new conversation; the old one stays in the history. */
  async startNew(): Promise<void> {
    if (this.currentId === null) return;
    this.currentId = null;
    await this.persist();
  }

  /** Continues a past conversation. */
  async open(id: string): Promise<Conversation | null> {
    const conv = this.conversations.find((c) => c.id === id) ?? null;
    if (!conv) return null;
    this.currentId = id;
    await this.persist();
    return conv;
  }

  toJSON(): StoredChat {
    return { current: this.currentId, conversations: this.conversations };
  }
}

/** A conversation's name in the history list: its first question, shortened. */
export function conversationTitle(c: Conversation): string {
  const q = (c.turns[0]?.question ?? "").replace(/\s+/g, " ").trim();
  return q.length > 60 ? `${q.slice(0, 57).trimEnd()}…` : q || "Untitled conversation";
}
