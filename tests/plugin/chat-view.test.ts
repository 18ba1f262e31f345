// @vitest-environment happy-dom
// The sidebar as a user meets it: type, press Enter, watch the answer arrive, open what it cites,
// and put the answer into a note.
import { afterEach, describe, expect, it, vi } from "vitest";
import { MarkdownRenderer, Modal, TFile, type FuzzySuggestModal } from "obsidian";
import { button, makeApp, visible, openChatView, openNote, settle, typeAndPressEnter, waitFor } from "./harness";

/** generateMarkdownLink as Obsidian writes it with "relative path to file" links. */
function relativeLink(file: unknown, sourcePath: string, subpath?: string, alias?: string): string {
  if (!(file instanceof TFile)) throw new Error("generateMarkdownLink was given a folder");
  const from = sourcePath.split("/").slice(0, -1);
  const to = file.path.split("/");
  let i = 0;
  while (i < from.length && i < to.length - 1 && from[i] === to[i]) i++;
  const rel = [...from.slice(i).map(() => ".."), ...to.slice(i)].join("/");
  return `[[${file.extension === "md" ? rel.slice(0, -3) : rel}${subpath ?? ""}${alias ? `|${alias}` : ""}]]`;
}

afterEach(() => {
  document.body.empty();
  vi.restoreAllMocks();
});

describe("the question sidebar", () => {
  it("sends on Enter and streams the answer into the view", async () => {
    const app = makeApp();
    const { root, services } = await openChatView(app);
    services.ask.gate = [];
    const input = typeAndPressEnter(root, "How long did training take?");
    expect(input.value).toBe("");
    expect(root.querySelector(".scholia-question")?.textContent).toBe("How long did training take?");
    expect(button(root, "Stop")).toBeTruthy();

    services.ask.release();
    services.ask.release();
    await waitFor(() => (root.querySelector(".scholia-answer-body")?.textContent ?? "").includes("Training took"));
    // Partial text is on screen before the answer is complete.
    expect(root.querySelector(".scholia-sources")).toBeNull();

    services.ask.release();
    services.ask.release();
    await waitFor(() => root.querySelector(".scholia-sources") !== null);
    expect(root.querySelector(".scholia-answer-body strong")?.textContent).toBe("3.5 days");
    expect(button(root, "Send")).toBeTruthy();
    expect(services.ask.calls[0].question).toBe("How long did training take?");
  });

  it("adds a line on Shift+Enter instead of sending", async () => {
    const app = makeApp();
    const { root, services } = await openChatView(app);
    const input = typeAndPressEnter(root, "first line", true);
    await settle(20);
    expect(services.ask.calls).toHaveLength(0);
    expect(input.value).toBe("first line");
  });

  it("renders the answer through MarkdownRenderer with a component, not the plugin", async () => {
    const app = makeApp();
    const { root } = await openChatView(app);
    typeAndPressEnter(root, "q");
    await waitFor(() => root.querySelector(".scholia-sources") !== null);
    // eslint-disable-next-line @typescript-eslint/unbound-method -- a spy, inspected not called
    const render = vi.mocked(MarkdownRenderer.render);
    expect(render).toHaveBeenCalled();
    const last = render.mock.calls[render.mock.calls.length - 1];
    expect(last[1]).toContain("[[papers/attention.pdf#page=7&selection=3,0,5,12|");
    expect(last[4]?.constructor.name).toBe("Component");
  });

  it("opens a PDF citation at its page with the passage selected", async () => {
    const app = makeApp();
    const open = vi.spyOn(app.workspace, "openLinkText").mockResolvedValue();
    const { root } = await openChatView(app);
    typeAndPressEnter(root, "q");
    await waitFor(() => root.querySelector(".scholia-citation") !== null);
    const cite = root.querySelector<HTMLAnchorElement>(".scholia-citation")!;
    expect(cite.textContent).toBe("Attention is all you need, p. 7");
    cite.click();
    expect(open).toHaveBeenCalledWith("papers/attention.pdf#page=7&selection=3,0,5,12", "", false);
  });

  it("opens inline citations in the answer text, and a note citation at its heading", async () => {
    const app = makeApp();
    const open = vi.spyOn(app.workspace, "openLinkText").mockResolvedValue();
    const { root } = await openChatView(app);
    typeAndPressEnter(root, "q");
    await waitFor(() => root.querySelector(".scholia-sources") !== null);
    const inline = [...root.querySelectorAll<HTMLAnchorElement>(".scholia-answer-body a.internal-link")];
    inline[1].click();
    expect(open).toHaveBeenLastCalledWith("notes/training#Hardware", "", false);
    inline[0].click();
    expect(open.mock.calls[open.mock.calls.length - 1][0]).toMatch(/#page=7/);
  });

  it("shows the quoted passage on hover, as text", async () => {
    const app = makeApp();
    const { root } = await openChatView(app);
    typeAndPressEnter(root, "q");
    await waitFor(() => root.querySelectorAll(".scholia-citation").length === 2);
    const note = root.querySelectorAll<HTMLAnchorElement>(".scholia-citation")[1];
    note.dispatchEvent(new MouseEvent("mouseenter"));
    const pop = root.querySelector<HTMLElement>(".scholia-quote-popover")!;
    expect(visible(pop)).toBe(true);
    expect(pop.querySelector(".scholia-quote-text")?.textContent).toBe("We used <img src=x onerror=alert(1)> eight GPUs.");
    expect(pop.querySelector("img")).toBeNull();
    note.dispatchEvent(new MouseEvent("mouseleave"));
    expect(visible(pop)).toBe(false);
  });

  it("never turns HTML from a document into elements in the answer", async () => {
    const app = makeApp();
    const { root, services } = await openChatView(app);
    services.ask.tokens = [];
    services.ask.result = (q) => ({ question: q, answer: "The note says <img src=x onerror=alert(1)> here, and `<b>code</b>` too.", mode: "extractive", refused: false, citations: [], dropped: [] });
    typeAndPressEnter(root, "q");
    await waitFor(() => (root.querySelector(".scholia-answer-body")?.textContent ?? "").includes("note says"));
    const body = root.querySelector(".scholia-answer-body")!;
    expect(body.querySelector("img")).toBeNull();
    expect(body.textContent).toContain("<img src=x onerror=alert(1)>");
    expect(body.querySelector("code")?.textContent).toBe("<b>code</b>");
  });

  it("stops a streaming answer and keeps what arrived", async () => {
    const app = makeApp();
    const { root, services } = await openChatView(app);
    services.ask.gate = [];
    typeAndPressEnter(root, "q");
    services.ask.release();
    await waitFor(() => (root.querySelector(".scholia-answer-body")?.textContent ?? "").includes("Training"));
    const signal = services.ask.calls[0].options.signal!;
    button(root, "Stop").click();
    expect(signal.aborted).toBe(true);
    services.ask.release();
    await waitFor(() => root.querySelector(".scholia-answer-status")?.textContent === "Stopped.");
    expect(root.querySelector(".scholia-answer-body")?.textContent).toContain("Training");
    expect(button(root, "Send")).toBeTruthy();
  });

  it("shows a failure as one sentence", async () => {
    const app = makeApp();
    const { root, services } = await openChatView(app);
    services.ask.failWith = new Error("The language model server at 127.0.0.1:9 did not answer.");
    typeAndPressEnter(root, "q");
    await waitFor(() => root.querySelector(".scholia-error") !== null);
    expect(root.querySelector(".scholia-error")?.textContent).toBe("The language model server at 127.0.0.1:9 did not answer.");
  });

  it("sends earlier turns as history and forgets them after New chat", async () => {
    const app = makeApp();
    const { root, services } = await openChatView(app);
    typeAndPressEnter(root, "first");
    await waitFor(() => root.querySelector(".scholia-sources") !== null);
    typeAndPressEnter(root, "and then?");
    await waitFor(() => services.ask.calls.length === 2);
    expect(services.ask.calls[1].options.history).toHaveLength(1);
    expect(services.ask.calls[1].options.history[0].question).toBe("first");
    expect(services.ask.calls[1].options.history[0].answer).toContain("3.5 days");
    await waitFor(() => root.querySelectorAll(".scholia-sources").length === 2);
    button(root, "New chat").click();
    expect(root.querySelectorAll(".scholia-turn")).toHaveLength(0);
    typeAndPressEnter(root, "fresh");
    await waitFor(() => services.ask.calls.length === 3);
    expect(services.ask.calls[2].options.history).toEqual([]);
  });

  it("inserts the answer at the cursor of the last note, wiki-links included", async () => {
    const app = makeApp({ "Lecture notes.md": "# Lecture\n\n" });
    const note = await openNote(app, "Lecture notes.md");
    note.view.editor.setCursor({ line: 2, ch: 0 });
    const { root } = await openChatView(app, { lastMarkdownView: () => note.view });
    typeAndPressEnter(root, "q");
    await waitFor(() => root.querySelector(".scholia-sources") !== null);
    button(root, "Insert at cursor").click();
    const text = note.view.editor.getValue();
    expect(text.startsWith("# Lecture\n\nTraining took **3.5 days** [[papers/attention.pdf#page=7&selection=3,0,5,12|")).toBe(true);
    expect(text).toContain("[[notes/training#Hardware|Training › Hardware]]");
  });

  it("saves the answer as a new note and never overwrites one", async () => {
    const app = makeApp({ "How long did training take.md": "my own words" });
    const { root } = await openChatView(app);
    typeAndPressEnter(root, "How long did training take?");
    await waitFor(() => root.querySelector(".scholia-sources") !== null);
    button(root, "Save as note").click();
    await waitFor(() => app.vault.getFileByPath("How long did training take 2.md") !== null);
    expect(await app.vault.read(app.vault.getFileByPath("How long did training take.md")!)).toBe("my own words");
    const saved = await app.vault.read(app.vault.getFileByPath("How long did training take 2.md")!);
    expect(saved).toContain("[[papers/attention.pdf#page=7&selection=3,0,5,12|");
    button(root, "Save as note").click();
    await waitFor(() => app.vault.getFileByPath("How long did training take 3.md") !== null);
  });

  it("restricts the question to the current file when that scope is chosen", async () => {
    const app = makeApp({ "papers/a.md": "x" });
    await openNote(app, "papers/a.md");
    const { root, services } = await openChatView(app);
    const select = root.querySelector<HTMLSelectElement>(".scholia-scope select")!;
    select.value = "file";
    select.dispatchEvent(new Event("change"));
    typeAndPressEnter(root, "q");
    await waitFor(() => services.ask.calls.length === 1);
    expect(services.ask.calls[0].options.scope).toEqual({ paths: ["papers/a.md"] });
    select.value = "folder";
    select.dispatchEvent(new Event("change"));
    await waitFor(() => root.querySelector(".scholia-sources") !== null);
    typeAndPressEnter(root, "q2");
    await waitFor(() => services.ask.calls.length === 2);
    expect(services.ask.calls[1].options.scope).toEqual({ folders: ["papers"] });
  });

  it("says what is searchable while the index builds", async () => {
    const app = makeApp();
    const { root, services } = await openChatView(app);
    const status = root.querySelector<HTMLElement>(".scholia-status")!;
    expect(visible(status)).toBe(false);
    services.index.set({ phase: "indexing", filesDone: 12, filesTotal: 340, searchableFiles: 12 });
    expect(visible(status)).toBe(true);
    expect(status.textContent).toContain("Indexing 12 / 340 files");
    expect(status.textContent).toContain("12 files are searchable already");
    services.index.set({ phase: "loading-model", modelProgress: 0.45 });
    expect(status.textContent).toContain("Downloading the embedding model: 45 %");
    services.index.set({ phase: "ready" });
    expect(visible(status)).toBe(false);
  });

  it("writes the inserted answer's links relative to the note it goes into", async () => {
    const app = makeApp({ "Courses/Week 5/Lecture.md": "# Lecture\n\n", "notes/training.md": "# Training\n\n## Hardware\n" });
    await app.vault.createBinary("papers/attention.pdf", new ArrayBuffer(8));
    const generate = vi.spyOn(app.fileManager, "generateMarkdownLink").mockImplementation((file, source, sub, alias) => relativeLink(file, source, sub, alias));
    const note = await openNote(app, "Courses/Week 5/Lecture.md");
    note.view.editor.setCursor({ line: 2, ch: 0 });
    const { root } = await openChatView(app, { lastMarkdownView: () => note.view });
    typeAndPressEnter(root, "q");
    await waitFor(() => root.querySelector(".scholia-sources") !== null);
    button(root, "Insert at cursor").click();
    const text = note.view.editor.getValue();
    expect(text).toContain("Training took **3.5 days** [[../../papers/attention.pdf#page=7&selection=3,0,5,12|Attention is all you need, p. 7]] on eight GPUs [[../../notes/training#Hardware|Training › Hardware]].");
    expect(text).toContain("1. [[../../papers/attention.pdf#page=7&selection=3,0,5,12|Attention is all you need, p. 7]]");
    expect(text).not.toContain("[[papers/");
    expect(generate.mock.calls.every((c) => c[1] === "Courses/Week 5/Lecture.md")).toBe(true);
  });

  it("writes a saved answer's links relative to the new note's folder", async () => {
    const app = makeApp({ "notes/training.md": "# Training\n\n## Hardware\n" });
    await app.vault.createBinary("papers/attention.pdf", new ArrayBuffer(8));
    vi.spyOn(app.fileManager, "generateMarkdownLink").mockImplementation((file, source, sub, alias) => relativeLink(file, source, sub, alias));
    const { root } = await openChatView(app, { answerFolder: () => "Answers" });
    typeAndPressEnter(root, "Why?");
    await waitFor(() => root.querySelector(".scholia-sources") !== null);
    button(root, "Save as note").click();
    await waitFor(() => app.vault.getFileByPath("Answers/Why.md") !== null);
    const saved = await app.vault.read(app.vault.getFileByPath("Answers/Why.md")!);
    expect(saved).toContain("[[../papers/attention.pdf#page=7&selection=3,0,5,12|Attention is all you need, p. 7]]");
    expect(saved).toContain("[[../notes/training#Hardware|Training › Hardware]]");
  });

  it("restricts retrieval to two files chosen in the file picker", async () => {
    const app = makeApp({ "papers/a.md": "a", "notes/b.md": "b", "notes/c.md": "c", "images/x.png": "x" });
    await app.vault.createBinary("papers/d.pdf", new ArrayBuffer(8));
    const pickers: Array<FuzzySuggestModal<TFile>> = [];
    vi.spyOn(Modal.prototype, "open").mockImplementation(function (this: Modal) {
      pickers.push(this as unknown as FuzzySuggestModal<TFile>);
      void this.onOpen();
    });
    const { root, services } = await openChatView(app);
    const select = root.querySelector<HTMLSelectElement>(".scholia-scope select")!;
    select.value = "files";
    select.dispatchEvent(new Event("change"));
    // Choosing "Chosen files" with none chosen opens the picker at once.
    expect(pickers).toHaveLength(1);
    const offered = pickers[0].getItems().map((f) => f.path).sort();
    expect(offered).toEqual(["notes/b.md", "notes/c.md", "papers/a.md", "papers/d.pdf"]);
    const pick = (picker: FuzzySuggestModal<TFile>, path: string) =>
      picker.selectSuggestion({ item: picker.getItems().find((f) => f.path === path)!, match: { score: 0, matches: [] } }, new MouseEvent("click"));
    pick(pickers[0], "papers/d.pdf");
    button(root, "Add file").click();
    expect(pickers).toHaveLength(2);
    pick(pickers[1], "notes/c.md");
    const chips = [...root.querySelectorAll(".scholia-chip")].map((c) => c.getAttribute("title"));
    expect(chips).toEqual(["papers/d.pdf", "notes/c.md"]);

    typeAndPressEnter(root, "q");
    await waitFor(() => services.ask.calls.length === 1);
    expect(services.ask.calls[0].options.scope).toEqual({ paths: ["papers/d.pdf", "notes/c.md"] });

    // Removing one chip narrows the scope to the other file.
    await waitFor(() => root.querySelector(".scholia-sources") !== null);
    root.querySelector<HTMLButtonElement>('.scholia-chip-remove[aria-label="Remove papers/d.pdf"]')!.click();
    typeAndPressEnter(root, "q2");
    await waitFor(() => services.ask.calls.length === 2);
    expect(services.ask.calls[1].options.scope).toEqual({ paths: ["notes/c.md"] });
  });
});
